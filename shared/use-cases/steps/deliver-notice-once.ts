import type { Clock } from '../../ports/clock';
import type { Log } from '../../ports/log';
import { MailNotSentError, type Mailer, type OutgoingMail } from '../../ports/mailer';
import type { NoticeCount, NoticeKey, NoticeLedger, NoticeRecord, NoticeType } from '../../ports/notice-ledger';
import { DocketWatchError } from '../../domain/errors';

export interface DeliveryDeps {
  readonly ledger: NoticeLedger;
  readonly mailer: Mailer;
  readonly clock: Clock;
  readonly log: Log;
  /** Domain of the Message-IDs we mint (the sender's domain). */
  readonly messageIdDomain: string;
  /**
   * How long an unconfirmed attempt (intent written, no SENT, no SES Send event) blocks a
   * resend. Must be shorter than the queue's retry window (visibility x maxReceiveCount).
   */
  readonly unconfirmedGraceMs: number;
  /**
   * Epoch ms after which no send may start (the invocation's deadline less the time the
   * ledger writes after a send need): a notice the mailer's pacing would send later is not
   * sent, its intent is released, and SendDeadlineError is thrown, so the message is
   * delivered again. Unset: no deadline.
   */
  readonly sendNotAfterMs?: number;
}

export class NoticeUnconfirmedError extends DocketWatchError<'NOTICE_SEND_UNCONFIRMED'> {
  /**
   * @param retryAfterMs when a retry can resend (the grace period's end); null when another
   *   attempt is in progress, so the queue's own retry interval is right.
   */
  constructor(message: string, readonly retryAfterMs: number | null) {
    super('NOTICE_SEND_UNCONFIRMED', message);
  }
}

export type DeliveryOutcome =
  | { readonly outcome: 'sent'; readonly record: NoticeRecord; readonly messageId: string }
  | { readonly outcome: 'already-sent'; readonly record: NoticeRecord }
  | { readonly outcome: 'confirmed-from-ses-event'; readonly record: NoticeRecord }
  /** Never sent, on purpose: the record's withheldReason says why. */
  | { readonly outcome: 'withheld'; readonly record: NoticeRecord };

export interface NoticeToDeliver {
  readonly key: NoticeKey;
  readonly type: NoticeType;
  readonly ftaId: string | null;
  readonly ftaRecordedAt: string | null;
  /** An FTA notice: whether it names the child (recorded, so a later follow-up can). */
  readonly identified?: boolean;
  /** For an FTA's notice: counted in the notification metrics when first marked sent. */
  readonly countsAs?: NoticeCount;
  /** Builds the mail once the Message-ID is fixed (a resend reuses the recorded one). */
  readonly mail: (messageIdHeader: string) => Omit<OutgoingMail, 'messageIdHeader'>;
  /**
   * The notice's ledger record as the caller just read it (consistently), null when there is
   * none: saves reading it again. Left out, the ledger is read here.
   */
  readonly existing?: NoticeRecord | null;
}

/**
 * Sends one notice at most once, as far as the ledger can tell (docs/delivery-guarantees.md):
 *
 * 1. A SENT record: nothing to do.
 * 2. A SENDING record (an earlier attempt died between the send and the ledger write):
 *    if SES's own Send event for it has been recorded, SES accepted it: mark it SENT and
 *    send nothing. Otherwise wait (throw NoticeUnconfirmedError, so the message is retried)
 *    until the grace period has passed, then send again with the same Message-ID: a rare
 *    duplicate is preferred to a notice that is never sent.
 * 3. No record: write the SENDING intent (conditional: one attempt wins), send, mark SENT.
 *
 * A WITHHELD record (the notice will never be sent, see withheldReason): nothing to do.
 *
 * A send SES certainly refused on every attempt (MailNotSentError: throttled past the
 * mailer's retries, 5xx, unreachable; or never attempted, its paced slot after
 * `sendNotAfterMs`) releases the intent and throws: the message's next delivery sends at once,
 * and only a send refused on every delivery lands in the DLQ. Any other failure (the
 * outcome unknown) keeps the intent and throws: the next delivery goes through step 2.
 */
export async function deliverNoticeOnce(notice: NoticeToDeliver, deps: DeliveryDeps): Promise<DeliveryOutcome> {
  const now = deps.clock.now();
  const existing = notice.existing === undefined ? await deps.ledger.get(notice.key) : (notice.existing ?? undefined);
  const ids = { scope: notice.key.scope, noticeId: notice.key.noticeId };
  if (existing?.state === 'SENT') {
    deps.log.info('notice already sent', ids);
    return { outcome: 'already-sent', record: existing };
  }
  if (existing?.state === 'WITHHELD') {
    deps.log.info('notice withheld', { ...ids, reason: existing.withheldReason ?? null });
    return { outcome: 'withheld', record: existing };
  }
  let messageIdHeader: string;
  let intent: Pick<NoticeRecord, 'intentAt' | 'recipients'>;
  if (existing) {
    if (existing.providerAcceptedAt !== null && existing.sesMessageId !== null) {
      await deps.ledger.markSent(notice.key, { sesMessageId: existing.sesMessageId, sentAt: existing.providerAcceptedAt }, notice.countsAs);
      deps.log.info('notice confirmed from ses send event', ids);
      return { outcome: 'confirmed-from-ses-event', record: { ...existing, state: 'SENT', sentAt: existing.providerAcceptedAt } };
    }
    const ageMs = now.getTime() - Date.parse(existing.intentAt);
    if (ageMs < deps.unconfirmedGraceMs) {
      throw new NoticeUnconfirmedError(`notice ${notice.key.noticeId}: an earlier attempt is unconfirmed; retry later`, deps.unconfirmedGraceMs - ageMs);
    }
    deps.log.warn('notice resent after an unconfirmed attempt', { ...ids, ageMs });
    messageIdHeader = existing.messageIdHeader;
    intent = existing;
  } else {
    messageIdHeader = `<${notice.key.noticeId}.${now.getTime()}@${deps.messageIdDomain}>`;
    const mail = notice.mail(messageIdHeader);
    intent = { intentAt: now.toISOString(), recipients: mail.to.length + (mail.cc?.length ?? 0) };
    const started = await deps.ledger.begin({
      ...notice.key,
      type: notice.type,
      ftaId: notice.ftaId,
      messageIdHeader,
      ...intent,
      ftaRecordedAt: notice.ftaRecordedAt,
      ...(notice.identified === undefined ? {} : { identified: notice.identified }),
    });
    if (!started) throw new NoticeUnconfirmedError(`notice ${notice.key.noticeId}: another attempt is in progress`, null);
  }
  let messageId: string;
  try {
    ({ messageId } = await deps.mailer.send(
      { ...notice.mail(messageIdHeader), messageIdHeader },
      deps.sendNotAfterMs === undefined ? undefined : { notAfterMs: deps.sendNotAfterMs },
    ));
  } catch (err) {
    if (err instanceof MailNotSentError) {
      // SES certainly did not send it: release the intent, so the message's next delivery
      // sends at once. Left in place, it would make every retry inside the grace period
      // wait (NOTICE_SEND_UNCONFIRMED) until SQS gave up and dead-lettered an unsent notice.
      const released = await deps.ledger.release(notice.key, messageIdHeader);
      deps.log.warn('notice not sent; retried on the next delivery', { ...ids, code: err.code, released });
    }
    throw err;
  }
  const sentAt = deps.clock.now().toISOString();
  await deps.ledger.markSent(notice.key, { sesMessageId: messageId, sentAt }, notice.countsAs);
  deps.log.info('notice sent', { ...ids, messageId });
  // The record as this attempt wrote it (no read back: the conditional writes above decided it).
  const record: NoticeRecord = {
    ...notice.key,
    type: notice.type,
    ftaId: notice.ftaId,
    state: 'SENT',
    withheldReason: null,
    ...(notice.identified === undefined ? {} : { identified: notice.identified }),
    messageIdHeader,
    ...intent,
    ftaRecordedAt: notice.ftaRecordedAt,
    sentAt,
    sesMessageId: messageId,
    providerAcceptedAt: existing?.providerAcceptedAt ?? null,
    bounces: existing?.bounces ?? 0,
    complaints: existing?.complaints ?? 0,
  };
  return { outcome: 'sent', record, messageId };
}
