import { GetSendQuotaCommand, SendRawEmailCommand, SESClient, SESServiceException } from '@aws-sdk/client-ses';
import { mockClient } from 'aws-sdk-client-mock';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { composeMime, createSesMailer, isTransientSesError, SEND_QUOTA_RETRY_MS, sesCertainlyDidNotSend, SLOTS_HELD_AHEAD_MS } from '../../shared/adapters/ses-mailer';
import { MailNotSentError, SendDeadlineError } from '../../shared/ports/mailer';
import type { Mailer, OutgoingMail } from '../../shared/ports/mailer';
import { memorySendSlots } from '../helpers/in-memory-ports';

// Throttling and 5xx cannot be produced by the SES emulator.
const sesMock = mockClient(SESClient);
afterEach(() => {
  sesMock.reset();
  vi.restoreAllMocks();
});

const mail: OutgoingMail = {
  to: ['orr@example.gov'],
  cc: ['fojc@example.gov'],
  from: 'dw@example.gov',
  subject: '[Docket Watch] 2026-01-02 FTA - ref IA-1',
  text: 'plain',
  html: '<p>html</p>',
  messageIdHeader: '<FTA.IA-1.1@example.gov>',
  inReplyTo: ['<orig@example.gov>', '<ses-1@email.amazonses.com>'],
  referenceId: 'IA-1',
  tags: { scope: '7', notice: 'FTA.IA-1' },
};

/** The same notice to ORR's inbox alone: one recipient, one slot of the sending rate. */
const solo: OutgoingMail = { ...mail, cc: [] };

const sesError = (name: string, status: number) =>
  new SESServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status }, message: name });

describe('the SES mailer', () => {
  it('retries throttling and 5xx with backoff, then sends once', async () => {
    const waits: number[] = [];
    sesMock.on(GetSendQuotaCommand).resolves({ MaxSendRate: 1000 });
    sesMock
      .on(SendRawEmailCommand)
      .rejectsOnce(sesError('Throttling', 400))
      .rejectsOnce(sesError('ServiceUnavailable', 503))
      .resolves({ MessageId: 'ses-42' });
    const mailer = createSesMailer({ client: new SESClient({}), sleepMs: async (ms) => void waits.push(ms) });
    await expect(mailer.send(mail)).resolves.toEqual({ messageId: 'ses-42' });
    expect(sesMock.commandCalls(SendRawEmailCommand)).toHaveLength(3);
    expect(waits.length).toBeGreaterThanOrEqual(2);
  });

  it('backs off exponentially from 200 ms, capped at 10 s, with full jitter (an injected random)', async () => {
    sesMock.on(GetSendQuotaCommand).resolves({ MaxSendRate: 1000 });
    sesMock.on(SendRawEmailCommand).rejects(sesError('Throttling', 400));
    const backoffs = async (random: number): Promise<number[]> => {
      const waits: number[] = [];
      vi.spyOn(Math, 'random').mockReturnValue(random);
      const mailer = createSesMailer({ client: new SESClient({}), maxAttempts: 8, rateShare: 1, sleepMs: async (ms) => void waits.push(ms) });
      await expect(mailer.send(mail)).rejects.toBeInstanceOf(MailNotSentError);
      vi.restoreAllMocks();
      // The pacing's own waits are a few ms here (1 ms a message, as no sleep really passes):
      // only the backoffs are longer.
      return waits.filter((w) => w >= 100);
    };
    // The random at its top: the full step, 200 ms x 2^attempt, up to the cap.
    const top = await backoffs(0.999999);
    expect(top.map((w) => Math.round(w))).toEqual([400, 800, 1600, 3200, 6400, 10_000, 10_000]);
    // Full jitter: the wait is the random share of the step, from 0.
    const half = await backoffs(0.5);
    expect(half.map((w) => Math.round(w))).toEqual([200, 400, 800, 1600, 3200, 5000, 5000]);
    expect(await backoffs(0)).toEqual([]);
  });

  it('backs off from an injected base and cap instead (the local fault tests), with the same jitter', async () => {
    sesMock.on(GetSendQuotaCommand).resolves({ MaxSendRate: 1000 });
    sesMock.on(SendRawEmailCommand).rejects(sesError('Throttling', 400));
    const waits: number[] = [];
    vi.spyOn(Math, 'random').mockReturnValue(0.999999);
    const mailer = createSesMailer({ client: new SESClient({}), maxAttempts: 6, rateShare: 1, backoff: { baseMs: 150, capMs: 700 }, sleepMs: async (ms) => void waits.push(ms) });
    await expect(mailer.send(mail)).rejects.toBeInstanceOf(MailNotSentError);
    // The pacing's own waits are a few ms here: only the backoffs are longer.
    expect(waits.filter((w) => w >= 100).map((w) => Math.round(w))).toEqual([300, 600, 700, 700, 700]);
  });

  it('gives up after maxAttempts, so the message is retried by SQS and then dead-lettered', async () => {
    sesMock.on(GetSendQuotaCommand).resolves({ MaxSendRate: 1000 });
    sesMock.on(SendRawEmailCommand).rejects(sesError('Throttling', 400));
    const mailer = createSesMailer({ client: new SESClient({}), maxAttempts: 3, sleepMs: async () => undefined });
    await expect(mailer.send(mail)).rejects.toThrow('Throttling');
    await expect(mailer.send(mail)).rejects.toBeInstanceOf(MailNotSentError);
    expect(sesMock.commandCalls(SendRawEmailCommand)).toHaveLength(6);
  });

  it('says SES certainly did not send only when SES answered with an error or was unreachable', () => {
    expect(sesCertainlyDidNotSend(sesError('ServiceUnavailable', 503))).toBe(true);
    expect(sesCertainlyDidNotSend(sesError('MessageRejected', 400))).toBe(true);
    expect(sesCertainlyDidNotSend(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(sesCertainlyDidNotSend(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(false);
    expect(sesCertainlyDidNotSend(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }))).toBe(false);
  });

  it('does not retry a final rejection', async () => {
    sesMock.on(GetSendQuotaCommand).resolves({ MaxSendRate: 1000 });
    sesMock.on(SendRawEmailCommand).rejects(sesError('MessageRejected', 400));
    const mailer = createSesMailer({ client: new SESClient({}), sleepMs: async () => undefined });
    await expect(mailer.send(mail)).rejects.toThrow('MessageRejected');
    expect(sesMock.commandCalls(SendRawEmailCommand)).toHaveLength(1);
    expect(isTransientSesError(sesError('MessageRejected', 400))).toBe(false);
  });

  it('paces sends under the account MaxSendRate from GetSendQuota', async () => {
    const waits: number[] = [];
    sesMock.on(GetSendQuotaCommand).resolves({ MaxSendRate: 2 });
    sesMock.on(SendRawEmailCommand).resolves({ MessageId: 'ses-1' });
    // A fake clock that moves only when the mailer sleeps: the waits do not depend on the machine's speed.
    let clock = 1_000_000;
    const sleepMs = async (ms: number): Promise<void> => {
      waits.push(ms);
      clock += ms;
    };
    // rateShare 0.5 of 2/s: one message a second.
    const mailer = createSesMailer({ client: new SESClient({}), rateShare: 0.5, sleepMs, nowMs: () => clock });
    for (let i = 0; i < 3; i++) await mailer.send(solo);
    expect(sesMock.commandCalls(GetSendQuotaCommand)).toHaveLength(1);
    expect(waits).toEqual([1000, 1000]);
    // Time that passed on its own between sends counts toward the interval.
    clock += 400;
    await mailer.send(solo);
    expect(waits).toEqual([1000, 1000, 600]);
  });

  it('does not attempt a send whose slot falls after the deadline, and gives that slot to the next send', async () => {
    const waits: number[] = [];
    sesMock.on(SendRawEmailCommand).resolves({ MessageId: 'ses-1' });
    let clock = 1_000_000;
    const sleepMs = async (ms: number): Promise<void> => {
      waits.push(ms);
      clock += ms;
    };
    // 0.5 of 2/s: slots one second apart, the first at once.
    const mailer = createSesMailer({ client: new SESClient({}), rateShare: 0.5, maxSendRate: 2, sleepMs, nowMs: () => clock });
    await mailer.send(solo, { notAfterMs: clock });
    // The next slot is 1,000 ms away: after a deadline 999 ms away, so no attempt.
    await expect(mailer.send(solo, { notAfterMs: clock + 999 })).rejects.toBeInstanceOf(SendDeadlineError);
    expect(sesMock.commandCalls(SendRawEmailCommand)).toHaveLength(1);
    expect(waits).toEqual([]);
    // The slot was not taken: a send with a later deadline gets it (1,000 ms, not 2,000).
    await mailer.send(solo, { notAfterMs: clock + 1000 });
    expect(waits).toEqual([1000]);
    expect(sesMock.commandCalls(SendRawEmailCommand)).toHaveLength(2);
  });

  it('mailers of one pool of shared slots send at the pool’s rate together: one alone uses all of it, a second waits for the next slot', async () => {
    const waits: string[] = [];
    sesMock.on(SendRawEmailCommand).resolves({ MessageId: 'ses-1' });
    let clock = 1_000_000;
    const sleeper = (who: string) => async (ms: number): Promise<void> => {
      waits.push(`${who} ${ms}`);
      clock += ms;
    };
    const slots = memorySendSlots();
    // The account's pool at 8/s: one slot every 125 ms, whichever instance takes it.
    const make = (who: string) => createSesMailer({ client: new SESClient({}), rateShare: 1, maxSendRate: 8, sharedSlots: slots, sleepMs: sleeper(who), nowMs: () => clock });
    const a = make('a');
    const b = make('b');
    await a.send(solo);
    await a.send(solo);
    // Pacing alone, b's first send would go at once beside a's: shared, it takes the slot after a's.
    await b.send(solo);
    await a.send(solo);
    expect(waits).toEqual(['a 125', 'b 125', 'a 125']);
    expect(slots.taken).toEqual([1_000_000, 1_000_125, 1_000_250, 1_000_375]);
    // Idle for a while: the next send goes at once, with no burst after it.
    clock += 5_000;
    await b.send(solo);
    await a.send(solo);
    expect(waits.slice(3)).toEqual(['a 125']);
  });

  it('senders of different shares on one pool: together never over the account’s rate, the lesser sender at its own share, the notifier with the rest', async () => {
    sesMock.on(SendRawEmailCommand).resolves({ MessageId: 'ses-1' });
    const time = virtualTime();
    const slots = memorySendSlots();
    // The account: 10/s, one pool slot every 100 ms. The notifier may use all of it; the digest 0.2 (500 ms apart).
    const notifier = createSesMailer({ client: new SESClient({}), rateShare: 1, maxSendRate: 10, sharedSlots: slots, ...time.clock });
    const digest = createSesMailer({ client: new SESClient({}), rateShare: 0.2, maxSendRate: 10, sharedSlots: slots, ...time.clock });
    const sent = await time.run({ notifier: sequentially(notifier, 30, solo), digest: sequentially(digest, 5, solo) });
    const all = [...sent.notifier!, ...sent.digest!].sort((x, y) => x - y);
    expect(all).toHaveLength(35);
    // Never two sends in one pool slot: at most 10 in any second.
    for (let i = 1; i < all.length; i++) expect(all[i]! - all[i - 1]!).toBeGreaterThanOrEqual(100);
    // The digest keeps its own pace (its 5 sends at least 500 ms apart) and is not starved.
    for (let i = 1; i < 5; i++) expect(sent.digest![i]! - sent.digest![i - 1]!).toBeGreaterThanOrEqual(500);
    expect(Math.max(...sent.digest!)).toBeLessThan(1_000_000 + 3_500);
    // The notifier takes every slot the digest leaves: 35 sends in 35 consecutive slots.
    expect(all.at(-1)! - all[0]!).toBe(34 * 100);
  });

  it('two notifiers sending whole batches at once hold a second of the pool each at most: a reminder run behind them still sends every second or two', async () => {
    sesMock.on(SendRawEmailCommand).resolves({ MessageId: 'ses-1' });
    const time = virtualTime();
    const slots = memorySendSlots();
    // 14/s: 72 ms a slot; SLOTS_HELD_AHEAD_MS of it is 13 slots an instance.
    const make = (rateShare: number) => createSesMailer({ client: new SESClient({}), rateShare, maxSendRate: 14, sharedSlots: slots, ...time.clock });
    const [a, b, reminders] = [make(1), make(1), make(0.2)];
    // Each notifier: batches of 50 notices handled at once, one batch after the other.
    const batches = (mailer: ReturnType<typeof make>) => async (sentAt: number[]) => {
      for (let batch = 0; batch < 3; batch++) await Promise.all(Array.from({ length: 50 }, () => mailer.send(solo).then(() => sentAt.push(time.now()))));
    };
    const sent = await time.run({ a: batches(a), b: batches(b), reminders: sequentially(reminders, 10, solo) });
    const all = Object.values(sent).flat().sort((x, y) => x - y);
    expect(all).toHaveLength(310);
    for (let i = 1; i < all.length; i++) expect(all[i]! - all[i - 1]!).toBeGreaterThanOrEqual(72);
    // Behind whole batches (100 slots, 7.2 s) the reminders went one every 7 s or so. Now a take
    // waits behind what the two notifiers hold (a second each at most), after the reminders' own
    // pace (0.2 of the rate: 358 ms): one every 2.4 s at the most.
    const r = sent.reminders!;
    expect(r[0]! - 1_000_000).toBeLessThanOrEqual(2 * SLOTS_HELD_AHEAD_MS + 72);
    for (let i = 1; i < r.length; i++) expect(r[i]! - r[i - 1]!).toBeLessThanOrEqual(358 + 2 * SLOTS_HELD_AHEAD_MS + 72);
  });

  it('takes a slot per recipient: SES counts a notice copied to a coordinator twice', async () => {
    sesMock.on(SendRawEmailCommand).resolves({ MessageId: 'ses-1' });
    const slots = memorySendSlots();
    let clock = 1_000_000;
    const mailer = createSesMailer({ client: new SESClient({}), rateShare: 1, maxSendRate: 10, sharedSlots: slots, nowMs: () => clock, sleepMs: async (ms) => void (clock += ms) });
    await mailer.send(mail);
    await mailer.send(solo);
    await mailer.send(solo);
    // The copied notice holds two slots (200 ms), the next one one.
    expect(slots.taken).toEqual([1_000_000, 1_000_200, 1_000_300]);
  });

  it('asks GetSendQuota again a minute after it failed, pacing at SES’s lowest rate meanwhile', async () => {
    sesMock.on(GetSendQuotaCommand).rejectsOnce(new Error('throttled')).resolves({ MaxSendRate: 10 });
    sesMock.on(SendRawEmailCommand).resolves({ MessageId: 'ses-1' });
    let clock = 1_000_000;
    const waits: number[] = [];
    const mailer = createSesMailer({ client: new SESClient({}), rateShare: 1, nowMs: () => clock, sleepMs: async (ms) => {
      waits.push(ms);
      clock += ms;
    } });
    await mailer.send(solo);
    await mailer.send(solo);
    // SES's lowest rate: one a second.
    expect(waits).toEqual([1000]);
    clock += SEND_QUOTA_RETRY_MS;
    await mailer.send(solo);
    await mailer.send(solo);
    expect(sesMock.commandCalls(GetSendQuotaCommand)).toHaveLength(2);
    // The quota read again: 10 a second.
    expect(waits).toEqual([1000, 100]);
  });

  it('asks GetSendQuota once for sends made at once: a throttled answer to a second ask cannot undo the first', async () => {
    let asked = 0;
    sesMock.on(GetSendQuotaCommand).callsFake(async () => {
      asked += 1;
      if (asked > 1) throw Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
      await new Promise((r) => setTimeout(r, 5));
      return { MaxSendRate: 14 };
    });
    sesMock.on(SendRawEmailCommand).resolves({ MessageId: 'ses-1' });
    const slots = memorySendSlots();
    let clock = 1_000_000;
    const mailer = createSesMailer({ client: new SESClient({}), rateShare: 1, sharedSlots: slots, nowMs: () => clock, sleepMs: async () => undefined });
    await Promise.all(Array.from({ length: 10 }, () => mailer.send(solo)));
    expect(asked).toBe(1);
    // 14 a second: 72 ms a slot, not SES's lowest rate.
    expect(slots.taken.slice(0, 3).map((t) => t - slots.taken[0]!)).toEqual([0, 72, 144]);
    // Failed a minute later, for a batch at once: one ask, and the next a minute after that.
    sesMock.on(GetSendQuotaCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));
    clock += 24 * 3600_000;
    const before = sesMock.commandCalls(GetSendQuotaCommand).length;
    await Promise.all(Array.from({ length: 50 }, () => mailer.send(solo)));
    expect(sesMock.commandCalls(GetSendQuotaCommand).length - before).toBe(0);
  });

  it('keeps the order of a batch’s sends through the hold: a notice of two recipients is not passed by the ones behind it', async () => {
    sesMock.on(SendRawEmailCommand).resolves({ MessageId: 'ses-1' });
    const time = virtualTime();
    const slots = memorySendSlots();
    const mailer = createSesMailer({ client: new SESClient({}), rateShare: 1, maxSendRate: 14, sharedSlots: slots, ...time.clock });
    const order: number[] = [];
    // A batch of 50 handled at once; the 21st is copied to a coordinator.
    const sent = await time.run({
      batch: async (sentAt) => {
        await Promise.all(Array.from({ length: 50 }, (_, i) => mailer.send(i === 20 ? mail : solo).then(() => {
          order.push(i);
          sentAt.push(time.now());
        })));
      },
    });
    expect(order.indexOf(20)).toBe(20);
    expect(sent.batch!.length).toBe(50);
  });

  it('makes no attempt when the shared slots cannot be reached or give none before the deadline: certainly not sent', async () => {
    sesMock.on(SendRawEmailCommand).resolves({ MessageId: 'ses-1' });
    const unreachable = { take: async (): Promise<number | null> => Promise.reject(new Error('DynamoDB unreachable')) };
    const down = createSesMailer({ client: new SESClient({}), rateShare: 0.8, maxSendRate: 10, sharedSlots: unreachable });
    await expect(down.send(mail)).rejects.toBeInstanceOf(MailNotSentError);
    const full = { take: async (): Promise<number | null> => null };
    const late = createSesMailer({ client: new SESClient({}), rateShare: 0.8, maxSendRate: 10, sharedSlots: full });
    await expect(late.send(mail, { notAfterMs: Date.now() + 1000 })).rejects.toBeInstanceOf(SendDeadlineError);
    expect(sesMock.commandCalls(SendRawEmailCommand)).toHaveLength(0);
  });

  it('a deadline reached after an attempt of unknown outcome throws that attempt’s error, not a certain "not sent"', async () => {
    sesMock.on(SendRawEmailCommand).rejects(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    let clock = 1_000_000;
    const sleepMs = async (ms: number): Promise<void> => {
      clock += ms;
    };
    const mailer = createSesMailer({ client: new SESClient({ maxAttempts: 1 }), rateShare: 0.5, maxSendRate: 2, sleepMs, nowMs: () => clock, backoff: { baseMs: 1, capMs: 1 } });
    const sent = mailer.send(mail, { notAfterMs: clock + 500 });
    await expect(sent).rejects.toThrow('socket hang up');
    await expect(sent).rejects.not.toBeInstanceOf(MailNotSentError);
    expect(sesMock.commandCalls(SendRawEmailCommand)).toHaveLength(1);
  });

  it('sends the configuration set and notice tags with the raw MIME', async () => {
    sesMock.on(GetSendQuotaCommand).resolves({ MaxSendRate: 1000 });
    sesMock.on(SendRawEmailCommand).resolves({ MessageId: 'ses-1' });
    await createSesMailer({ client: new SESClient({}), configurationSetName: 'dw-tls' }).send(mail);
    const input = sesMock.commandCalls(SendRawEmailCommand)[0]?.args[0].input;
    expect(input?.ConfigurationSetName).toBe('dw-tls');
    expect(input?.Tags).toEqual([
      { Name: 'reference', Value: 'IA-1' },
      { Name: 'scope', Value: '7' },
      { Name: 'notice', Value: 'FTA.IA-1' },
    ]);
  });

  it('composes text and HTML alternatives with our Message-ID and the threading headers', async () => {
    const parsed = await simpleParser(await composeMime(mail));
    expect(parsed.messageId).toBe('<FTA.IA-1.1@example.gov>');
    expect(parsed.inReplyTo).toBe('<orig@example.gov>');
    expect(parsed.references).toEqual(['<orig@example.gov>', '<ses-1@email.amazonses.com>']);
    expect(parsed.text?.trim()).toBe('plain');
    expect(parsed.html).toContain('<p>html</p>');
    expect(parsed.headers.get('x-docket-watch-reference')).toBe('IA-1');
  });

  it('keeps the outcome unknown after a reset, however many certain refusals follow (reset, then 5 x 503)', async () => {
    sesMock.on(SendRawEmailCommand)
      .rejectsOnce(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
      .rejects(sesError('ServiceUnavailable', 503));
    const mailer = createSesMailer({ client: new SESClient({}), maxAttempts: 6, maxSendRate: 1000, sleepMs: async () => undefined });
    const err = await mailer.send(mail).catch((e: unknown) => e);
    expect(sesMock.commandCalls(SendRawEmailCommand)).toHaveLength(6);
    // The last answer was a certain 503, but the first attempt may have been accepted.
    expect(err).not.toBeInstanceOf(MailNotSentError);
    expect((err as { name?: string }).name).toBe('ServiceUnavailable');
  });

  it('says SES certainly did not send only when every attempt was refused', async () => {
    sesMock.on(SendRawEmailCommand).rejects(sesError('ServiceUnavailable', 503));
    const mailer = createSesMailer({ client: new SESClient({}), maxAttempts: 3, maxSendRate: 1000, sleepMs: async () => undefined });
    await expect(mailer.send(mail)).rejects.toBeInstanceOf(MailNotSentError);
  });

  it('uses a configured send rate without asking GetSendQuota', async () => {
    const waits: number[] = [];
    sesMock.on(SendRawEmailCommand).resolves({ MessageId: 'ses-1' });
    // 14/s at a share of 0.5: one message every 143 ms.
    const mailer = createSesMailer({ client: new SESClient({}), maxSendRate: 14, rateShare: 0.5, sleepMs: async (ms) => void waits.push(ms) });
    for (let i = 0; i < 3; i++) await mailer.send(solo);
    expect(sesMock.commandCalls(GetSendQuotaCommand)).toHaveLength(0);
    // The sleeps are not slept: the third send is owed two intervals (2 x 143 ms), where
    // the 1-a-second fallback would owe 2 s.
    expect(waits.filter((w) => w > 0)).toHaveLength(2);
    expect(Math.max(...waits)).toBeLessThanOrEqual(286);
  });

  it('composes with CRLF line ends only (RFC 5322), the bodies included', async () => {
    const raw = (await composeMime({ ...mail, text: 'one\ntwo\n', html: '<p>a</p>\n<p>b</p>', attachments: [{ filename: 'a.csv', contentType: 'text/csv', content: 'x,y\r\n1,2\r\n' }] })).toString('latin1');
    expect(raw).toContain('\r\n');
    expect(raw.match(/(?<!\r)\n/g) ?? []).toEqual([]);
    const parsed = await simpleParser(raw);
    expect(parsed.attachments[0]?.content.toString('utf8')).toBe('x,y\r\n1,2\r\n');
  });
});

/** Sends `n` messages one after the other, noting when each went. */
const sequentially = (mailer: Mailer, n: number, message: OutgoingMail) => async (sentAt: number[], now: () => number): Promise<void> => {
  for (let i = 0; i < n; i++) {
    await mailer.send(message);
    sentAt.push(now());
  }
};

/**
 * Virtual time for senders running at once: each sleeper waits until the clock reaches its
 * wake time; the clock moves to the earliest wake time only when every sender still running
 * sleeps (a single-threaded scheduler), so nothing depends on the machine's speed.
 */
function virtualTime() {
  let clock = 1_000_000;
  const sleepers: { at: number; wake: () => void }[] = [];
  const now = (): number => clock;
  const sleepMs = (ms: number): Promise<void> => new Promise<void>((wake) => void sleepers.push({ at: clock + ms, wake }));
  // Lets the senders run (composing a message takes a few turns of the event loop) until each sleeps or is done.
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 10; i++) await new Promise<void>((r) => setImmediate(r));
  };
  return {
    now,
    clock: { nowMs: now, sleepMs },
    /** Runs the senders to the end; returns when each one's messages went, by sender. */
    async run(senders: Record<string, (sentAt: number[], now: () => number) => Promise<void>>): Promise<Record<string, number[]>> {
      const sent: Record<string, number[]> = {};
      let running = 0;
      const done = Promise.all(
        Object.entries(senders).map(async ([who, send]) => {
          running += 1;
          sent[who] = [];
          await send(sent[who], now);
          running -= 1;
        }),
      );
      for (await settle(); running > 0; await settle()) {
        // A sender of many messages at once counts as sleeping once all of them sleep: moved on when no progress is left.
        const before = sleepers.length;
        await settle();
        if (sleepers.length !== before || sleepers.length === 0) continue;
        sleepers.sort((x, y) => x.at - y.at);
        const first = sleepers.shift()!;
        clock = Math.max(clock, first.at);
        first.wake();
      }
      await done;
      return sent;
    },
  };
}
