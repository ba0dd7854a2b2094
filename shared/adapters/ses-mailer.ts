import { GetSendQuotaCommand, SendRawEmailCommand, type SESClient } from '@aws-sdk/client-ses';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { MailNotSentError, SendDeadlineError, type Mailer, type OutgoingMail, type SendOptions } from '../ports/mailer';
import { backoffMs, sleep } from '../lib/concurrency';
import { DocketWatchError } from '../domain/errors';
import type { SendSlots } from '../ports/send-slots';

export interface SesMailerOptions {
  readonly client: SESClient;
  /** SES configuration set (TLS required, event destinations); none on the emulator. */
  readonly configurationSetName?: string;
  /** Our own attempts on throttling and transient errors, on top of the SDK's 3. */
  readonly maxAttempts?: number;
  /**
   * Share of the account's MaxSendRate this sender uses at most (docs/delivery-guarantees.md):
   * its own sends are paced 1 / (MaxSendRate x rateShare) apart. With `sharedSlots` and a
   * share of 1, the pool alone paces it.
   */
  readonly rateShare?: number;
  /**
   * The account's MaxSendRate when configuration knows it (messages per second): no
   * GetSendQuota call then. The local stack sets it (the SES emulator never answers).
   */
  readonly maxSendRate?: number;
  /**
   * Our backoff between attempts, in ms: full jitter over base x 2^attempt, capped
   * (default SES_BACKOFF). The local stack's fault tests shorten it; deployed functions
   * set none (tests/infra/pipeline-stack.test.ts).
   */
  readonly backoff?: { readonly baseMs?: number | undefined; readonly capMs?: number | undefined };
  /**
   * The account's pool of send slots, shared by every sender and every instance of one
   * (ORR_SENDING.slotPool): each attempt takes one slot, one per 1 / MaxSendRate, so the
   * senders together stay within the account's rate whatever runs at once, and one with
   * mail waiting may use whatever the others leave. A sender whose `rateShare` is below 1
   * paces itself at its share first, then takes its slot. Without it, this instance paces
   * alone at `rateShare`.
   */
  readonly sharedSlots?: SendSlots;
  readonly sleepMs?: (ms: number) => Promise<void>;
  /** The clock the pacing reads, in epoch ms (default Date.now; tests advance a fake one with sleepMs). */
  readonly nowMs?: () => number;
}

/**
 * Slots of the account's pool one mailer holds ahead of time at most, in ms of the pool's
 * time: a notifier's batch takes its slots a second's worth at a time, so another sender
 * (the digest, reminders, OPLA reconciliation: one send at a time) waits behind at most
 * about a second per notifier instance, not behind a whole batch.
 */
export const SLOTS_HELD_AHEAD_MS = 1000;

/** How long a mailer that could not read GetSendQuota paces at SES's lowest rate before it asks again, in ms. */
export const SEND_QUOTA_RETRY_MS = 60_000;

/** Pacing intervals in ms at `maxSendRate` messages a second: a sender's own at its share, the account pool's at the whole rate. */
function intervalsAt(maxSendRate: number, rateShare: number): { own: number; pool: number } {
  return { own: Math.ceil(1000 / Math.max(0.1, maxSendRate * rateShare)), pool: Math.ceil(1000 / Math.max(0.1, maxSendRate)) };
}

/** The mailer's backoff as deployed: 200 ms doubling per attempt, capped at 10 s (full jitter). */
export const SES_BACKOFF = { baseMs: 200, capMs: 10_000 } as const;

export class MailSendError extends DocketWatchError<'NOTICE_SEND_FAILED'> {
  constructor(message: string, options?: ErrorOptions) {
    super('NOTICE_SEND_FAILED', message, options);
  }
}

/**
 * SES errors worth another try: throttling ("Maximum sending rate exceeded" is a
 * Throttling error), 5xx and network errors. Everything else (MessageRejected,
 * MailFromDomainNotVerified, ConfigurationSetDoesNotExist, AccountSendingPaused) is final.
 */
export function isTransientSesError(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown; code?: string };
  if (['Throttling', 'ThrottlingException', 'TooManyRequestsException', 'ServiceUnavailable', 'RequestTimeout'].includes(e.name ?? '')) return true;
  if ((e.$metadata?.httpStatusCode ?? 0) >= 500) return true;
  if (e.$retryable) return true;
  return ['ECONNRESET', 'ETIMEDOUT', 'ECONNREFUSED', 'EPIPE'].includes(e.code ?? '');
}

/**
 * Whether SES certainly did not send: it answered with an HTTP error status (throttling,
 * 5xx, MessageRejected...), or the connection was refused before any byte was sent. A
 * connection reset or a timeout after the request left is NOT certain: SES may have sent it.
 */
export function sesCertainlyDidNotSend(err: unknown): boolean {
  const e = err as { $metadata?: { httpStatusCode?: number }; code?: string; cause?: { code?: string } };
  if (typeof e.$metadata?.httpStatusCode === 'number' && e.$metadata.httpStatusCode >= 400) return true;
  return e.code === 'ECONNREFUSED' || e.cause?.code === 'ECONNREFUSED';
}

/** Builds the MIME message (text + HTML alternatives, attachments, threading headers). */
export async function composeMime(mail: OutgoingMail): Promise<Buffer> {
  const options: ConstructorParameters<typeof MailComposer>[0] & { newline: 'windows' } = {
    // RFC 5322: CRLF line ends everywhere, the bodies' own line breaks included (a
    // MailComposer option its type declarations omit).
    newline: 'windows',
    from: mail.from,
    to: [...mail.to],
    cc: mail.cc && mail.cc.length > 0 ? [...mail.cc] : undefined,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: mail.messageIdHeader,
    inReplyTo: mail.inReplyTo?.[0],
    references: mail.inReplyTo ? [...mail.inReplyTo] : undefined,
    headers: { 'X-Docket-Watch-Reference': mail.referenceId },
    attachments: (mail.attachments ?? []).map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
  };
  return new MailComposer(options).compile().build();
}

/**
 * Sends MIME email through SES SendRawEmail: composed with nodemailer's MailComposer,
 * retried with capped exponential backoff and jitter on throttling and transient errors,
 * and paced under the account's MaxSendRate (GetSendQuota, read once per cold start).
 * When it gives up and SES certainly did not send on EVERY attempt (error answers, refused
 * connections), it throws MailNotSentError, so the caller can let the next delivery send
 * at once. One attempt whose outcome is unknown (a connection reset after the request
 * left) makes the whole send unknown, whatever the later attempts answered: SES may have
 * accepted that one. The SDK's own retries are attempts too: a middleware on each send
 * sees every one of them. An attempt whose paced slot falls after the caller's deadline
 * (`notAfterMs`) is not made: SendDeadlineError (a MailNotSentError) unless an earlier
 * attempt's outcome is unknown, and the slot goes to the next caller. With `sharedSlots`
 * each attempt also takes a slot of the account's pool (one rate for every sender of the
 * account); slots that cannot be reached make the attempt not made either
 * (MailNotSentError, same rule).
 */
export function createSesMailer({ client, configurationSetName, maxAttempts = 6, rateShare = 0.5, maxSendRate, backoff, sharedSlots, sleepMs = sleep, nowMs = Date.now }: SesMailerOptions): Mailer {
  const backoffBaseMs = backoff?.baseMs ?? SES_BACKOFF.baseMs;
  const backoffCapMs = backoff?.capMs ?? SES_BACKOFF.capMs;
  /** Interval of this sender's own pacing (its share), and of the account's pool (the whole rate), in ms per recipient. */
  let intervals: { own: number; pool: number } | undefined = maxSendRate === undefined ? undefined : intervalsAt(maxSendRate, rateShare);
  /** When the intervals are SES's lowest rate because GetSendQuota failed: the time to ask again (epoch ms). */
  let askQuotaAgainAt: number | undefined;
  let nextSlot = 0;
  /**
   * Pool time this mailer holds in slots not yet reached, and the takes waiting for room
   * (SLOTS_HELD_AHEAD_MS), in the order they came: a message of two recipients is not
   * passed by the one-recipient messages behind it. One alone may hold more than the limit.
   */
  let heldMs = 0;
  const roomQueue: { ms: number; admit: () => void }[] = [];
  const fits = (ms: number): boolean => heldMs === 0 || heldMs + ms <= SLOTS_HELD_AHEAD_MS;
  const holdRoom = (ms: number): Promise<void> => {
    if (roomQueue.length === 0 && fits(ms)) {
      heldMs += ms;
      return Promise.resolve();
    }
    return new Promise<void>((admit) => roomQueue.push({ ms, admit }));
  };
  const releaseRoom = (ms: number): void => {
    heldMs -= ms;
    for (let head = roomQueue[0]; head !== undefined && fits(head.ms); head = roomQueue[0]) {
      roomQueue.shift();
      heldMs += head.ms;
      head.admit();
    }
  };

  /** The one GetSendQuota request in flight: the sends that need it wait for the same answer. */
  let quotaRequest: Promise<void> | undefined;
  async function sendIntervals(): Promise<{ own: number; pool: number }> {
    while (intervals === undefined || (askQuotaAgainAt !== undefined && nowMs() >= askQuotaAgainAt)) {
      quotaRequest ??= (async () => {
        try {
          // The SES emulator never answers GetSendQuota: do not let the pacing wait on it.
          const quota = await client.send(new GetSendQuotaCommand({}), { abortSignal: AbortSignal.timeout(3000) });
          intervals = intervalsAt(quota.MaxSendRate ?? 1, rateShare);
          askQuotaAgainAt = undefined;
        } catch {
          // SES's lowest (sandbox) rate, 1 message a second, until asked again.
          intervals = intervalsAt(1, rateShare);
          askQuotaAgainAt = nowMs() + SEND_QUOTA_RETRY_MS;
        } finally {
          quotaRequest = undefined;
        }
      })();
      await quotaRequest;
    }
    return intervals;
  }

  /**
   * Waits for this send's slot: its own (each `own` per recipient after the last one given,
   * unless the pool alone paces it), then the pool's (`pool` per recipient: SES counts
   * recipients, not messages). A slot later than `notAfterMs` is not taken: returns false
   * at once, and the next caller gets it.
   */
  async function pace(notAfterMs: number | undefined, recipients: number): Promise<boolean> {
    const { own, pool } = await sendIntervals();
    const ownPace = sharedSlots === undefined || rateShare < 1;
    if (ownPace) {
      const now = nowMs();
      const slot = Math.max(now, nextSlot);
      if (notAfterMs !== undefined && slot > notAfterMs) return false;
      nextSlot = slot + own * recipients;
      if (slot > now) await sleepMs(slot - now);
    }
    if (sharedSlots !== undefined) {
      const spanMs = pool * recipients;
      await holdRoom(spanMs);
      try {
        const taken = await sharedSlots.take(spanMs, nowMs(), notAfterMs);
        if (taken === null) return false;
        // Its own pace counts from the send, however long the pool made it wait.
        if (ownPace) nextSlot = Math.max(nextSlot, taken + own * recipients);
        const wait = taken - nowMs();
        if (wait > 0) await sleepMs(wait);
      } finally {
        releaseRoom(spanMs);
      }
    }
    return true;
  }

  /** `pace`, where slots that cannot be reached mean this attempt is not made (nothing sent). */
  async function paceOrNotSent(notAfterMs: number | undefined, recipients: number, attempt: number, outcomeUnknown: boolean, lastError: unknown): Promise<boolean> {
    try {
      return await pace(notAfterMs, recipients);
    } catch (err) {
      if (outcomeUnknown) throw lastError;
      throw new MailNotSentError(`SES send not attempted: no send slot (attempt ${attempt}): ${(err as Error).message}`, { cause: err });
    }
  }

  return {
    async send(mail: OutgoingMail, options?: SendOptions): Promise<{ messageId: string }> {
      const raw = await composeMime(mail);
      // SES's sending rate counts recipients: a notice copied to a coordinator is two.
      const recipients = Math.max(1, mail.to.length + (mail.cc?.length ?? 0));
      const tags = Object.entries({ reference: mail.referenceId, ...mail.tags }).map(([Name, Value]) => ({ Name, Value }));
      let outcomeUnknown = false;
      let lastError: unknown;
      for (let attempt = 1; ; attempt++) {
        if (!(await paceOrNotSent(options?.notAfterMs, recipients, attempt, outcomeUnknown, lastError))) {
          // Past the caller's deadline: no attempt. Unknown stays unknown (an earlier attempt may have been sent).
          if (outcomeUnknown) throw lastError;
          throw new SendDeadlineError(`SES send not attempted: its slot falls after the deadline (attempt ${attempt})`, { cause: lastError });
        }
        try {
          const command = new SendRawEmailCommand({ RawMessage: { Data: raw }, ConfigurationSetName: configurationSetName, Tags: tags });
          // Below the SDK's retry step: runs once per HTTP attempt, and sees each attempt's error.
          command.middlewareStack.add(
            (next) => async (args) => {
              try {
                return await next(args);
              } catch (err) {
                if (!sesCertainlyDidNotSend(err)) outcomeUnknown = true;
                throw err;
              }
            },
            { step: 'deserialize', priority: 'high', name: 'docketWatchWatchSesAttempt' },
          );
          const out = await client.send(command);
          if (!out.MessageId) throw new MailSendError('SES returned no MessageId');
          return { messageId: out.MessageId };
        } catch (err) {
          lastError = err;
          if (!sesCertainlyDidNotSend(err)) outcomeUnknown = true;
          if (!isTransientSesError(err) || attempt >= maxAttempts) {
            if (!outcomeUnknown) {
              const name = (err as { name?: string }).name ?? 'Error';
              throw new MailNotSentError(`SES did not send the message (${name}, attempt ${attempt}): ${(err as Error).message}`, { cause: err });
            }
            throw err;
          }
          await sleepMs(backoffMs(attempt, backoffBaseMs, backoffCapMs));
        }
      }
    },
  };
}
