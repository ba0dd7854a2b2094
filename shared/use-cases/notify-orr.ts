import type { Fta } from '../domain/fta';
import { childIdentified, correctionView, ftaNoticeView, identityFollowUpView, type JuvenileCoordinators } from '../domain/orr-notice';
import type { CaseIdentifiedMessage } from '../messages/case-identified';
import type { FtaRecordedMessage } from '../messages/fta-recorded';
import type { FtaRescindedMessage } from '../messages/fta-rescinded';
import type { NotifierMessage } from '../messages/notifier-message';
import type { CaseForNotices, NoticeCaseReader, StoredFta } from '../ports/notice-case';
import type { NoticeRenderer } from '../ports/notice-renderer';
import type { NoticeKey, NoticeRecord, WithheldReason } from '../ports/notice-ledger';
import { DocketWatchError } from '../domain/errors';
import { deliverNoticeOnce, NoticeUnconfirmedError, type DeliveryDeps, type DeliveryOutcome } from './steps/deliver-notice-once';

export { NoticeUnconfirmedError };
/** A notice the mailer's pacing could not send before the invocation's deadline (not sent, its intent released). */
export { SendDeadlineError } from '../ports/mailer';

/**
 * One message of the ORR notices queue -> the email it calls for: a new FTA's notice
 * (notifyOrrOfFta), a rescission's correction (notifyOrrOfRescission), or the follow-ups
 * naming a child whose notices went out without the name (notifyOrrOfIdentity).
 * Throws as each of them does: the queue redelivers, then dead-letters.
 */
export async function notifyOrr(message: NotifierMessage, deps: NotifyDeps): Promise<DeliveryOutcome | readonly DeliveryOutcome[]> {
  if (message.type === 'FTA_RECORDED') return notifyOrrOfFta(message, deps);
  if (message.type === 'FTA_RESCINDED') return notifyOrrOfRescission(message, deps);
  return notifyOrrOfIdentity(message, deps);
}

export interface NotifyDeps extends DeliveryDeps {
  /** The case's FTAs, notice records and details, in one read per message. */
  readonly cases: NoticeCaseReader;
  readonly renderer: NoticeRenderer;
  readonly inbox: string;
  readonly from: string;
  /** AOR -> its Field Office Juvenile Coordinator's address: copied on every notice of that AOR. */
  readonly juvenileCoordinators: JuvenileCoordinators;
  /** Domain SES uses in the Message-IDs it assigns (`<MessageId@email.amazonses.com>` in us-east-1). */
  readonly sesMessageIdDomain: string;
}

export class FtaNotFoundError extends DocketWatchError<'FTA_NOT_FOUND'> {
  constructor(message: string, options?: ErrorOptions) {
    super('FTA_NOT_FOUND', message, options);
  }
}

export const ftaNoticeKey = (fta: { caseId: string; ftaId: string }) => ({ scope: fta.caseId, noticeId: `FTA.${fta.ftaId}` });
export const correctionKey = (fta: { caseId: string; ftaId: string }) => ({ scope: fta.caseId, noticeId: `CORRECTION.${fta.ftaId}` });
export const identityKey = (fta: { caseId: string; ftaId: string }) => ({ scope: fta.caseId, noticeId: `IDENTITY.${fta.ftaId}` });

/**
 * A correction waits for its notice: the notice's attempt is in progress or unconfirmed.
 * The message fails, so the queue redelivers it (at most maxReceiveCount times, then the
 * DLQ and its alarm).
 */
export class CorrectionBeforeNoticeError extends NoticeUnconfirmedError {}

/** The Message-IDs an answer to `original` threads under: ours and the one SES assigned. */
function threadOf(original: NoticeRecord, deps: NotifyDeps): string[] {
  return [original.messageIdHeader, ...(original.sesMessageId ? [`<${original.sesMessageId}@${deps.sesMessageIdDomain}>`] : [])];
}

/**
 * Records `key` as never to be sent, and why; returns the record that stands (ours, or
 * the one another attempt wrote first: a begun, sent or withheld notice).
 */
async function withhold(key: NoticeKey, type: 'FTA' | 'CORRECTION', ftaId: string, reason: WithheldReason, deps: NotifyDeps): Promise<NoticeRecord> {
  await deps.ledger.withhold({ ...key, type, ftaId, reason, at: deps.clock.now().toISOString() });
  const record = await deps.ledger.get(key);
  if (record === undefined) throw new DocketWatchError('NOTICE_LEDGER_RECORD_MISSING', `notice ${key.noticeId}: ledger record missing after withhold`);
  if (record.state === 'WITHHELD') deps.log.info('notice withheld', { scope: key.scope, noticeId: key.noticeId, reason: record.withheldReason ?? reason });
  return record;
}

/** The message's FTA as the case read found it; throws when the store does not hold it (retried, then DLQ). */
function ftaOf(stored: CaseForNotices, message: { readonly ftaId: string }): StoredFta {
  const fta = stored.ftas.get(message.ftaId);
  if (fta === undefined) throw new FtaNotFoundError(`FTA ${message.ftaId} is not in the store`);
  return fta;
}

function copyFor(fta: Fta, deps: NotifyDeps): string[] {
  const fojc = fta.aor ? deps.juvenileCoordinators[fta.aor] : undefined;
  return fojc ? [fojc] : [];
}

/**
 * Tells the ORR inbox (copying the AOR's juvenile coordinator) about one new FTA.
 *
 * 1. Read the case once: the FTA, its notice's ledger record and what the store knows about
 *    the child (the message carries ids only).
 * 2. Render the notice from the templates: text and HTML.
 * 3. Deliver it at most once through the notice ledger (deliverNoticeOnce).
 *
 * Throws when the FTA is not in the store (retried, then DLQ) and when the send fails.
 */
export async function notifyOrrOfFta(message: FtaRecordedMessage, deps: NotifyDeps): Promise<DeliveryOutcome> {
  const stored = await deps.cases.readCase(message.caseId);
  const fta = ftaOf(stored, message);
  const { details } = stored;
  let existing = stored.notices.get(ftaNoticeKey(fta).noticeId) ?? null;
  if (fta.status === 'RESCINDED' && existing === null) {
    // Rescinded before its notice went out: ORR hears of neither (a begun attempt, which
    // may have reached SES, is finished instead, and its correction follows).
    const record = await withhold(ftaNoticeKey(fta), 'FTA', fta.ftaId, 'FTA_RESCINDED_BEFORE_NOTICE', deps);
    if (record.state === 'WITHHELD') return { outcome: 'withheld', record };
    existing = record;
  }
  const view = ftaNoticeView(fta, details, deps.juvenileCoordinators);
  const body = deps.renderer.render('fta-notice', view);
  return deliverNoticeOnce(
    {
      key: ftaNoticeKey(fta),
      type: 'FTA',
      ftaId: fta.ftaId,
      existing,
      ftaRecordedAt: fta.recordedAt ?? message.recordedAt,
      identified: childIdentified(details),
      countsAs: { ftaId: fta.ftaId, dropId: message.dropId, recordedAt: fta.recordedAt ?? message.recordedAt },
      mail: () => ({
        to: [deps.inbox],
        cc: copyFor(fta, deps),
        from: deps.from,
        subject: view.subject,
        ...body,
        referenceId: fta.ftaId,
        tags: { scope: fta.caseId, notice: ftaNoticeKey(fta).noticeId },
      }),
    },
    deps,
  );
}

/**
 * Tells the ORR inbox that an FTA it was told about has been rescinded. The correction
 * answers the original notice (In-Reply-To/References: the Message-ID we recorded and the
 * one SES assigned), so mail clients thread it under the original. It never precedes it:
 *
 * - notice SENT: the correction is sent (same ledger rules as the notice);
 * - notice in progress or unconfirmed (SENDING): the correction waits (throws
 *   CorrectionBeforeNoticeError; the queue redelivers it);
 * - no notice yet: the FTA was rescinded before any notice went out, so the notice is
 *   withheld (the ledger records why) and so is the correction: ORR hears of neither;
 * - notice withheld: the correction is withheld too.
 * A correction of an FTA the store holds OPEN again is withheld (ORR's latest email must
 * match the store).
 */
export async function notifyOrrOfRescission(message: FtaRescindedMessage, deps: NotifyDeps): Promise<DeliveryOutcome> {
  const stored = await deps.cases.readCase(message.caseId);
  const fta = ftaOf(stored, message);
  let existing = stored.notices.get(correctionKey(fta).noticeId);
  if (existing === undefined && fta.status !== 'RESCINDED') {
    return { outcome: 'withheld', record: await withhold(correctionKey(fta), 'CORRECTION', fta.ftaId, 'FTA_NOT_RESCINDED', deps) };
  }
  let original = stored.notices.get(ftaNoticeKey(fta).noticeId);
  if (original === undefined) original = await withhold(ftaNoticeKey(fta), 'FTA', fta.ftaId, 'FTA_RESCINDED_BEFORE_NOTICE', deps);
  if (original.state === 'WITHHELD') {
    existing ??= await withhold(correctionKey(fta), 'CORRECTION', fta.ftaId, 'NOTICE_WITHHELD', deps);
    if (existing.state === 'WITHHELD') return { outcome: 'withheld', record: existing };
  } else if (original.state === 'SENDING') {
    throw new CorrectionBeforeNoticeError(`correction ${fta.ftaId}: its notice is not confirmed sent yet; retry later`, null);
  }
  const view = correctionView(fta, stored.details, deps.juvenileCoordinators, message.reason);
  const body = deps.renderer.render('correction', view);
  const references = original.state === 'SENT' ? threadOf(original, deps) : undefined;
  return deliverFollowUp(fta, { key: correctionKey(fta), type: 'CORRECTION', subject: view.subject, body, inReplyTo: references, existing: existing ?? null }, deps);
}

/**
 * A case's child became known (a roster row names the case, or an A-number matched)
 * after its FTA notices went out without a name: ORR gets one follow-up per such notice,
 * threaded under it, naming the child and sponsor. Notices not sent yet will name the child
 * themselves; a notice still SENDING waits (throws, redelivered). Once per notice (ledger
 * key IDENTITY.<ftaId>); nothing when the store still cannot name the child.
 */
export async function notifyOrrOfIdentity(message: CaseIdentifiedMessage, deps: NotifyDeps): Promise<readonly DeliveryOutcome[]> {
  const { ftas, notices, details } = await deps.cases.readCase(message.caseId);
  if (!childIdentified(details)) return [];
  const outcomes: DeliveryOutcome[] = [];
  for (const fta of ftas.values()) {
    const original = notices.get(ftaNoticeKey(fta).noticeId);
    if (original === undefined || original.state === 'WITHHELD' || original.identified !== false) continue;
    if (original.state === 'SENDING') {
      throw new CorrectionBeforeNoticeError(`identity follow-up ${fta.ftaId}: its notice is not confirmed sent yet; retry later`, null);
    }
    const view = identityFollowUpView(fta, details, deps.juvenileCoordinators);
    const body = deps.renderer.render('identity', view);
    const existing = notices.get(identityKey(fta).noticeId) ?? null;
    outcomes.push(await deliverFollowUp(fta, { key: identityKey(fta), type: 'IDENTITY', subject: view.subject, body, inReplyTo: threadOf(original, deps), existing }, deps));
  }
  return outcomes;
}

/**
 * A follow-up to an FTA's notice (a correction, an identity follow-up): to the ORR inbox
 * with the FOJC copy, threaded under `inReplyTo` (the notice's Message-ID and references),
 * sent once per ledger key.
 */
function deliverFollowUp(
  fta: Fta & { readonly recordedAt?: string | null },
  followUp: {
    readonly key: NoticeKey;
    readonly type: 'CORRECTION' | 'IDENTITY';
    readonly subject: string;
    readonly body: ReturnType<NoticeRenderer['render']>;
    readonly inReplyTo: string[] | undefined;
    /** The follow-up's ledger record as read with the case (null: none). */
    readonly existing: NoticeRecord | null;
  },
  deps: NotifyDeps,
): Promise<DeliveryOutcome> {
  return deliverNoticeOnce(
    {
      key: followUp.key,
      type: followUp.type,
      ftaId: fta.ftaId,
      existing: followUp.existing,
      ftaRecordedAt: fta.recordedAt ?? null,
      mail: () => ({
        to: [deps.inbox],
        cc: copyFor(fta, deps),
        from: deps.from,
        subject: followUp.subject,
        ...followUp.body,
        inReplyTo: followUp.inReplyTo,
        referenceId: fta.ftaId,
        tags: { scope: fta.caseId, notice: followUp.key.noticeId },
      }),
    },
    deps,
  );
}
