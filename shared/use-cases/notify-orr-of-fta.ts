import type { Fta } from '../domain/fta';
import { correctionView, ftaNoticeView, type JuvenileCoordinators } from '../domain/orr-notice';
import type { FtaRecordedMessage } from '../messages/fta-recorded';
import type { FtaRescindedMessage } from '../messages/fta-rescinded';
import type { CaseDetailsReader } from '../ports/case-details';
import type { NoticeRenderer } from '../ports/notice-renderer';
import { deliverNoticeOnce, type DeliveryDeps, type DeliveryOutcome } from './deliver-notice';

export interface FtaReader {
  /** The stored FTA, read consistently. */
  getFta(caseId: string, ftaId: string): Promise<(Fta & { readonly recordedAt?: string }) | undefined>;
}

export interface NotifyDeps extends DeliveryDeps {
  readonly ftas: FtaReader;
  readonly caseDetails: CaseDetailsReader;
  readonly renderer: NoticeRenderer;
  readonly inbox: string;
  readonly from: string;
  /** AOR -> its Field Office Juvenile Coordinator's address: copied on every notice of that AOR. */
  readonly juvenileCoordinators: JuvenileCoordinators;
  /** Domain SES uses in the Message-IDs it assigns (`<MessageId@email.amazonses.com>` in us-east-1). */
  readonly sesMessageIdDomain: string;
}

export class FtaNotFoundError extends Error {
  readonly code = 'FTA_NOT_FOUND';
}

export const ftaNoticeKey = (fta: { caseId: string; ftaId: string }) => ({ scope: fta.caseId, noticeId: `FTA.${fta.ftaId}` });
export const correctionKey = (fta: { caseId: string; ftaId: string }) => ({ scope: fta.caseId, noticeId: `CORRECTION.${fta.ftaId}` });

function copyFor(fta: Fta, deps: NotifyDeps): string[] {
  const fojc = fta.aor ? deps.juvenileCoordinators[fta.aor] : undefined;
  return fojc ? [fojc] : [];
}

/**
 * Tells the ORR inbox (copying the AOR's juvenile coordinator) about one new FTA.
 *
 * 1. Read the FTA and what the store knows about the child (the message carries ids only).
 * 2. Render the notice from the templates: text and HTML.
 * 3. Deliver it at most once through the notice ledger (deliverNoticeOnce).
 *
 * Throws when the FTA is not in the store (retried, then DLQ) and when the send fails.
 */
export async function notifyOrrOfFta(message: FtaRecordedMessage, deps: NotifyDeps): Promise<DeliveryOutcome> {
  const fta = await deps.ftas.getFta(message.caseId, message.ftaId);
  if (fta === undefined) throw new FtaNotFoundError(`FTA ${message.ftaId} is not in the store`);
  const details = await deps.caseDetails.getCaseDetails(fta.caseId);
  const view = ftaNoticeView(fta, details, deps.juvenileCoordinators);
  const body = deps.renderer.render('fta-notice', view);
  return deliverNoticeOnce(
    {
      key: ftaNoticeKey(fta),
      type: 'FTA',
      ftaId: fta.ftaId,
      ftaRecordedAt: fta.recordedAt ?? message.recordedAt,
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
 * one SES assigned), so mail clients thread it under the original. Same ledger rules.
 */
export async function notifyOrrOfRescission(message: FtaRescindedMessage, deps: NotifyDeps): Promise<DeliveryOutcome> {
  const fta = await deps.ftas.getFta(message.caseId, message.ftaId);
  if (fta === undefined) throw new FtaNotFoundError(`FTA ${message.ftaId} is not in the store`);
  const details = await deps.caseDetails.getCaseDetails(fta.caseId);
  const original = await deps.ledger.get(ftaNoticeKey(fta));
  const references = original
    ? [original.messageIdHeader, ...(original.sesMessageId ? [`<${original.sesMessageId}@${deps.sesMessageIdDomain}>`] : [])]
    : undefined;
  const view = correctionView(fta, details, deps.juvenileCoordinators, message.reason);
  const body = deps.renderer.render('correction', view);
  return deliverNoticeOnce(
    {
      key: correctionKey(fta),
      type: 'CORRECTION',
      ftaId: fta.ftaId,
      ftaRecordedAt: fta.recordedAt ?? null,
      mail: () => ({
        to: [deps.inbox],
        cc: copyFor(fta, deps),
        from: deps.from,
        subject: view.subject,
        ...body,
        inReplyTo: references,
        referenceId: fta.ftaId,
        tags: { scope: fta.caseId, notice: correctionKey(fta).noticeId },
      }),
    },
    deps,
  );
}
