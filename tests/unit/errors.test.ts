import { describe, expect, it } from 'vitest';
import { parseEvery } from '../../infra/local/schedules';
import { DocketWatchError } from '../../shared/domain/errors';
import { MailNotSentError } from '../../shared/ports/mailer';
import { loadConfig } from '../../shared/runtime/config';
import { ENV } from '../../shared/runtime/resources';
import { NoticeUnconfirmedError } from '../../shared/use-cases/steps/deliver-notice-once';

/** What `fn` threw (it must throw). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('expected failures carry a stable code', () => {
  it('a malformed function environment is CONFIG_INVALID', () => {
    const err = thrown(() => loadConfig('notifyOrr', { [ENV.casesTable]: 'cases', [ENV.orrInbox]: 'not-an-address' }));
    expect(err).toBeInstanceOf(DocketWatchError);
    expect(err).toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('a malformed command-line interval is CLI_ARGUMENT_INVALID, naming the flag', () => {
    const err = thrown(() => parseEvery('metrics-every', '5 minutes'));
    expect(err).toBeInstanceOf(DocketWatchError);
    expect(err).toMatchObject({ code: 'CLI_ARGUMENT_INVALID', message: expect.stringContaining('--metrics-every') });
  });

  it('error classes keep their own fields and the cause beside the code', () => {
    const cause = new Error('ServiceUnavailable');
    expect(new MailNotSentError('not sent', { cause })).toMatchObject({ code: 'NOTICE_NOT_SENT', cause });
    expect(new NoticeUnconfirmedError('wait', 5000)).toMatchObject({ code: 'NOTICE_SEND_UNCONFIRMED', retryAfterMs: 5000 });
  });
});
