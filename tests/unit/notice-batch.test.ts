import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import type { SESClient } from '@aws-sdk/client-ses';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { noticeBatchHandler } from '../../functions/notify-orr/notice-batch';
import { createSesMailer } from '../../shared/adapters/ses-mailer';
import type { Fta } from '../../shared/domain/fta';
import { toFtaRecordedMessage } from '../../shared/messages/fta-recorded';
import type { NoticeCaseReader } from '../../shared/ports/notice-case';
import { loadNoticeRenderer } from '../../shared/runtime/templates';
import type { NotifyDeps } from '../../shared/use-cases/notify-orr';
import { memoryNoticeCase, memoryNoticeLedger, silentLog } from '../helpers/in-memory-ports';
import { MemoryIdempotencyStore } from '../helpers/memory-idempotency';

/*
 * The notifier's batch through its real parts but storage (the handler's batch processing,
 * Powertools idempotency on an in-memory store, the notice use case, the SES mailer and its
 * pacing on a stand-in SES client), in virtual time: the clock the pacing reads and the
 * case reads' latency are vitest's fake timers, so every gap is counted, not measured.
 */
const RATE = { maxSendRate: 10, rateShare: 0.5 }; // 5 a second: sends 200 ms apart
const INTERVAL_MS = 200;
const READ_MS = 1_000; // each case read: five send intervals

const fta = (i: number): Fta => ({
  ftaId: `IA-90000${i}`, kind: 'IN_ABSENTIA_ORDER', caseId: `70000${i}`, proceedingId: `90000${i}`, scheduleId: null,
  date: '2026-01-02', court: 'HOU', aor: 'HOU', provenance: { dropId: 'drop-1', table: 'B_TblProceeding', lineNumber: i + 2 },
});
const FTAS = Array.from({ length: 10 }, (_, i) => fta(i));
const RECORDED_AT = '2026-01-03T00:00:00.000Z';

const sqsRecord = (f: Fta): SQSRecord => ({
  messageId: `m-${f.ftaId}`, receiptHandle: `r-${f.ftaId}`, body: JSON.stringify(toFtaRecordedMessage(f, RECORDED_AT)),
  attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0' },
  messageAttributes: {}, md5OfBody: '', eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:notices', awsRegion: 'us-east-1',
});
const context = (timeoutMs: number): Context => {
  const deadline = Date.now() + timeoutMs;
  return { functionName: 'notify-orr', awsRequestId: `req-${Date.now()}`, getRemainingTimeInMillis: () => deadline - Date.now() } as unknown as Context;
};

function notifier(sendMarginMs: number) {
  const ledger = memoryNoticeLedger();
  const fast = memoryNoticeCase({ ledger, ftasOf: (caseId) => FTAS.filter((f) => f.caseId === caseId).map((f) => ({ ...f, status: 'OPEN', recordedAt: RECORDED_AT })) });
  // A case read that takes READ_MS (DynamoDB under load): each notice is ready only then.
  const cases: NoticeCaseReader = { readCase: async (caseId) => (await new Promise((r) => setTimeout(r, READ_MS)), fast.readCase(caseId)) };
  const sentAt: number[] = [];
  const ses = { send: async () => (sentAt.push(Date.now()), { MessageId: `ses-${sentAt.length}` }) } as unknown as SESClient;
  const deps: NotifyDeps = {
    cases, ledger, renderer: loadNoticeRenderer(), mailer: createSesMailer({ client: ses, ...RATE }),
    clock: { now: () => new Date() }, log: silentLog, inbox: 'orr@example.gov', from: 'dw@example.gov', juvenileCoordinators: {},
    messageIdDomain: 'example.gov', sesMessageIdDomain: 'email.amazonses.com', unconfirmedGraceMs: 600_000,
  };
  const delayed: { messageId: string; delayMs: number }[] = [];
  const handle = noticeBatchHandler({
    deps,
    idempotency: { config: new IdempotencyConfig({ eventKeyJmesPath: '[type, ftaId, caseId, source]' }), persistenceStore: new MemoryIdempotencyStore() },
    delayRedelivery: async (record, delayMs) => void delayed.push({ messageId: record.messageId, delayMs }),
    sendMarginMs,
  });
  const run = async (records: readonly SQSRecord[], timeoutMs: number) => {
    let settled = false;
    const response = handle({ Records: [...records] } as SQSEvent, context(timeoutMs)).finally(() => (settled = true));
    // Virtual time moves only when nothing else can run: the MIME composer works off real
    // setImmediate turns, so those are let through between the timers.
    while (!settled) {
      await vi.runAllTimersAsync();
      await new Promise((r) => setImmediate(r));
    }
    return response;
  };
  return { run, ledger, sentAt, delayed };
}

describe('the notifier’s batch', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: Date.parse('2026-01-03T00:00:00Z'), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends its notices one pacer interval apart when each case read takes five: the reads overlap the pacing', async () => {
    const n = notifier(0);
    const start = Date.now();
    const response = await n.run(FTAS.map(sqsRecord), 60_000);
    expect(response.batchItemFailures).toEqual([]);
    expect(n.sentAt).toHaveLength(10);
    // The first as soon as its case is read, the others at the pacer's rate, not a read apart.
    expect(n.sentAt[0]! - start).toBe(READ_MS);
    expect(n.sentAt.slice(1).map((t, i) => t - n.sentAt[i]!)).toEqual(Array(9).fill(INTERVAL_MS));
    expect([...n.ledger.records.values()].map((r) => r.state)).toEqual(Array(10).fill('SENT'));
  });

  it('sends no notice the pacing would start after the deadline: those go back to the queue at once, unsent, and a later batch sends each once', async () => {
    // A 60 s invocation keeping 58.6 s after its last send: sends may start up to 1.4 s in,
    // so at 1.0, 1.2 and 1.4 s; the seven others would start later.
    const n = notifier(60_000 - (READ_MS + 2 * INTERVAL_MS));
    const response = await n.run(FTAS.map(sqsRecord), 60_000);
    expect(n.sentAt).toHaveLength(3);
    const failed = response.batchItemFailures.map((f) => f.itemIdentifier).sort();
    expect(failed).toHaveLength(7);
    expect(n.delayed.map((d) => d.messageId).sort()).toEqual(failed);
    expect(n.delayed.every((d) => d.delayMs === 0)).toBe(true);
    // Their intents were released: nothing claims a send that was not made.
    expect([...n.ledger.records.values()].map((r) => r.state)).toEqual(Array(3).fill('SENT'));

    // Their next delivery (the whole batch again, as a redrive might): the seven are sent, the three are not sent again.
    const again = await n.run(FTAS.map(sqsRecord), 600_000);
    expect(again.batchItemFailures).toEqual([]);
    expect(n.sentAt).toHaveLength(10);
    expect([...n.ledger.records.values()].map((r) => r.state)).toEqual(Array(10).fill('SENT'));
  });
});
