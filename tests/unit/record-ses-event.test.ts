import { describe, expect, it } from 'vitest';
import type { NoticeLedger } from '../../shared/ports/notice-ledger';
import { recordSesEvent, SesEventRecord } from '../../shared/use-cases/record-ses-event';
import { silentLog } from '../helpers/in-memory-ports';

// The shape SES event publishing sends to SNS (trimmed from the SES developer guide's examples).
const bounce = {
  eventType: 'Bounce',
  bounce: {
    bounceType: 'Permanent',
    bounceSubType: 'General',
    bouncedRecipients: [{ emailAddress: 'orr@example.gov', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }],
    timestamp: '2026-03-02T10:00:05.000Z',
  },
  mail: {
    timestamp: '2026-03-02T10:00:00.000Z',
    source: 'dw@example.gov',
    messageId: '0100018e-ses-id',
    destination: ['orr@example.gov'],
    tags: { 'ses:configuration-set': ['dw'], scope: ['9431124'], notice: ['FTA.IA-9329338'], reference: ['IA-9329338'] },
  },
};

describe('recordSesEvent', () => {
  it('records a bounce against the notice named by its tags, keeping no address or diagnostic text', async () => {
    const calls: unknown[] = [];
    const ledger = { recordProviderEvent: async (...args: unknown[]) => (calls.push(args), true) } as unknown as NoticeLedger;
    const outcome = await recordSesEvent(SesEventRecord.parse(bounce), { ledger, log: silentLog, clock: { now: () => new Date('2026-03-02T10:01:00Z') } });
    expect(outcome).toEqual({ recorded: true, type: 'Bounce', permanentBounce: true });
    expect(calls).toEqual([
      [{ scope: '9431124', noticeId: 'FTA.IA-9329338' }, { type: 'Bounce', sesMessageId: '0100018e-ses-id', at: '2026-03-02T10:01:00.000Z', detail: 'Permanent/General' }],
    ]);
    expect(JSON.stringify(calls)).not.toContain('orr@example.gov');
  });

  it('ignores events of mail we did not tag', async () => {
    const ledger = { recordProviderEvent: async () => true } as unknown as NoticeLedger;
    const untagged = { ...bounce, mail: { ...bounce.mail, tags: {} } };
    expect((await recordSesEvent(SesEventRecord.parse(untagged), { ledger, log: silentLog, clock: { now: () => new Date() } })).recorded).toBe(false);
  });
});
