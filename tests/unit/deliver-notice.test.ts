import { SendRawEmailCommand, SESClient, SESServiceException } from '@aws-sdk/client-ses';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createSesMailer } from '../../shared/adapters/ses-mailer';
import { MailNotSentError, type Mailer, type OutgoingMail } from '../../shared/ports/mailer';
import { deliverNoticeOnce, NoticeUnconfirmedError, type NoticeToDeliver } from '../../shared/use-cases/steps/deliver-notice-once';
import { memoryNoticeLedger, silentLog } from '../helpers/in-memory-ports';

const notice: NoticeToDeliver = {
  key: { scope: '7', noticeId: 'FTA.IA-1' },
  type: 'FTA',
  ftaId: 'IA-1',
  ftaRecordedAt: '2026-01-01T00:00:00.000Z',
  mail: () => ({ to: ['orr@example.gov'], from: 'dw@example.gov', subject: 's', text: 't', html: 'h', referenceId: 'IA-1' }),
};

describe('deliverNoticeOnce', () => {
  it('decides from the record the caller read, without reading the ledger, and returns the record it wrote', async () => {
    const ledger = memoryNoticeLedger();
    let reads = 0;
    const counting = { ...ledger, get: async (k: Parameters<typeof ledger.get>[0]) => (reads++, ledger.get(k)) };
    const sent: OutgoingMail[] = [];
    const mailer: Mailer = { send: async (m) => (sent.push(m), { messageId: `ses-${sent.length}` }) };
    const now = new Date('2026-01-02T00:00:00Z');
    const deps = { ledger: counting, mailer, clock: { now: () => now }, log: silentLog, messageIdDomain: 'example.gov', unconfirmedGraceMs: 600_000 };

    const first = await deliverNoticeOnce({ ...notice, existing: null }, deps);
    expect(first.outcome).toBe('sent');
    expect(reads).toBe(0);
    // What it returns is what the ledger holds (every field the ledger keeps, same values).
    expect(first.record).toMatchObject(ledger.records.get('7/FTA.IA-1') ?? { missing: true });

    // A stale read (no record) loses to the intent already written: nothing sent twice.
    await expect(deliverNoticeOnce({ ...notice, existing: null }, deps)).rejects.toBeInstanceOf(NoticeUnconfirmedError);
    // The record as read says SENT: nothing to do.
    expect((await deliverNoticeOnce({ ...notice, existing: first.record }, deps)).outcome).toBe('already-sent');
    expect(sent).toHaveLength(1);
  });

  it('after a crash between send and ledger, waits out the grace period, then resends with the same Message-ID', async () => {
    const ledger = memoryNoticeLedger();
    const sent: OutgoingMail[] = [];
    const mailer: Mailer = { send: async (m) => (sent.push(m), { messageId: `ses-${sent.length}` }) };
    let now = new Date('2026-01-02T00:00:00Z');
    const deps = { ledger, mailer, clock: { now: () => now }, log: silentLog, messageIdDomain: 'example.gov', unconfirmedGraceMs: 600_000 };
    const crashing: Mailer = { send: async (m) => { await mailer.send(m); throw new Error('crash'); } };

    await expect(deliverNoticeOnce(notice, { ...deps, mailer: crashing })).rejects.toThrow('crash');
    now = new Date('2026-01-02T00:05:00Z');
    const waiting = await deliverNoticeOnce(notice, deps).catch((e: unknown) => e);
    expect(waiting).toBeInstanceOf(NoticeUnconfirmedError);
    // It says when a retry can resend: when the 10-minute grace ends, 5 minutes from now.
    expect((waiting as NoticeUnconfirmedError).retryAfterMs).toBe(300_000);
    expect(sent).toHaveLength(1);

    // No SES Send event arrived in 10 minutes: the notice may be lost, so it is sent again.
    now = new Date('2026-01-02T00:10:01Z');
    expect((await deliverNoticeOnce(notice, deps)).outcome).toBe('sent');
    expect(sent).toHaveLength(2);
    expect(sent[1]?.messageIdHeader).toBe(sent[0]?.messageIdHeader);
    expect((await deliverNoticeOnce(notice, deps)).outcome).toBe('already-sent');
    expect(sent).toHaveLength(2);
  });

  it('when SES certainly did not send (refused past the retries), the next delivery sends at once, not after the grace period', async () => {
    const ledger = memoryNoticeLedger();
    const sent: OutgoingMail[] = [];
    let refuse = true;
    const mailer: Mailer = {
      send: async (m) => {
        if (refuse) throw new MailNotSentError('SES did not send the message (ServiceUnavailable)');
        sent.push(m);
        return { messageId: 'ses-1' };
      },
    };
    const now = new Date('2026-01-02T00:00:00Z');
    const deps = { ledger, mailer, clock: { now: () => now }, log: silentLog, messageIdDomain: 'example.gov', unconfirmedGraceMs: 600_000 };
    await expect(deliverNoticeOnce(notice, deps)).rejects.toBeInstanceOf(MailNotSentError);
    // The intent is gone: nothing claims an attempt SES may have taken.
    expect(ledger.records.size).toBe(0);
    refuse = false;
    // The SQS retry, seconds later (well inside the grace period): sent, once.
    expect((await deliverNoticeOnce(notice, deps)).outcome).toBe('sent');
    expect((await deliverNoticeOnce(notice, deps)).outcome).toBe('already-sent');
    expect(sent).toHaveLength(1);
  });

  it('keeps the intent when the outcome is unknown (a connection dropped mid-send), so the retry waits for proof', async () => {
    const ledger = memoryNoticeLedger();
    const now = new Date('2026-01-02T00:00:00Z');
    const dropped: Mailer = { send: async () => { throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }); } };
    const deps = { ledger, mailer: dropped, clock: { now: () => now }, log: silentLog, messageIdDomain: 'example.gov', unconfirmedGraceMs: 600_000 };
    await expect(deliverNoticeOnce(notice, deps)).rejects.toThrow('socket hang up');
    expect([...ledger.records.values()].map((r) => r.state)).toEqual(['SENDING']);
    await expect(deliverNoticeOnce(notice, deps)).rejects.toBeInstanceOf(NoticeUnconfirmedError);
  });

  it('keeps the intent after a reset followed by certain refusals (reset, then 5 x 503): the next delivery does not send a second email', async () => {
    const sesMock = mockClient(SESClient);
    try {
      sesMock.on(SendRawEmailCommand)
        .rejectsOnce(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
        .rejects(new SESServiceException({ name: 'ServiceUnavailable', $fault: 'server', $metadata: { httpStatusCode: 503 }, message: 'unavailable' }));
      const ledger = memoryNoticeLedger();
      const mailer = createSesMailer({ client: new SESClient({}), maxAttempts: 6, maxSendRate: 1000, sleepMs: async () => undefined });
      const deps = { ledger, mailer, clock: { now: () => new Date('2026-01-02T00:00:00Z') }, log: silentLog, messageIdDomain: 'example.gov', unconfirmedGraceMs: 600_000 };
      await expect(deliverNoticeOnce(notice, deps)).rejects.not.toBeInstanceOf(MailNotSentError);
      expect([...ledger.records.values()].map((r) => r.state)).toEqual(['SENDING']);
      sesMock.on(SendRawEmailCommand).resolves({ MessageId: 'ses-2' });
      await expect(deliverNoticeOnce(notice, deps)).rejects.toBeInstanceOf(NoticeUnconfirmedError);
      expect(sesMock.commandCalls(SendRawEmailCommand)).toHaveLength(6);
    } finally {
      sesMock.restore();
    }
  });
});
