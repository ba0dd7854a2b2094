import type { Fta } from '../domain/fta';
import { renderFtaNotice, renderRescissionNotice } from '../domain/orr-notice';
import type { FtaRecordedMessage } from '../messages/fta-recorded';
import type { FtaRescindedMessage } from '../messages/fta-rescinded';
import type { Log } from '../ports/log';
import type { Mailer } from '../ports/mailer';

export interface FtaReader {
  /** The stored FTA, read consistently. */
  getFta(caseId: string, ftaId: string): Promise<Fta | undefined>;
}

export interface NotifyDeps {
  readonly ftas: FtaReader;
  readonly mailer: Mailer;
  readonly inbox: string;
  readonly from: string;
  readonly log: Log;
}

export class FtaNotFoundError extends Error {
  readonly code = 'FTA_NOT_FOUND';
}

/**
 * Tells the ORR inbox about one new FTA.
 *
 * 1. Read the FTA from the store (the message carries ids only, never PII).
 * 2. Render the notice and send it to the ORR inbox.
 *
 * Exactly-once is the caller's ledger (Powertools idempotency keyed by ftaId): this
 * function sends every time it is called. It throws when the FTA is not in the store,
 * so the message is retried and, failing that, lands in the DLQ.
 */
export async function notifyOrrOfFta(
  message: FtaRecordedMessage,
  deps: NotifyDeps,
): Promise<{ ftaId: string; messageId: string }> {
  const fta = await deps.ftas.getFta(message.caseId, message.ftaId);
  if (fta === undefined) throw new FtaNotFoundError(`FTA ${message.ftaId} is not in the store`);
  const notice = renderFtaNotice(fta);
  const { messageId } = await deps.mailer.send({
    to: [deps.inbox],
    from: deps.from,
    subject: notice.subject,
    text: notice.text,
    referenceId: fta.ftaId,
  });
  deps.log.info('orr notified', { ftaId: fta.ftaId, messageId });
  return { ftaId: fta.ftaId, messageId };
}

/**
 * Tells the ORR inbox that an FTA it was told about has been rescinded, quoting the
 * original notice and its reference. Same ledger and failure rules as notifyOrrOfFta.
 */
export async function notifyOrrOfRescission(
  message: FtaRescindedMessage,
  deps: NotifyDeps,
): Promise<{ ftaId: string; messageId: string }> {
  const fta = await deps.ftas.getFta(message.caseId, message.ftaId);
  if (fta === undefined) throw new FtaNotFoundError(`FTA ${message.ftaId} is not in the store`);
  const notice = renderRescissionNotice(fta, message.reason);
  const { messageId } = await deps.mailer.send({
    to: [deps.inbox],
    from: deps.from,
    subject: notice.subject,
    text: notice.text,
    referenceId: fta.ftaId,
  });
  deps.log.info('orr correction sent', { ftaId: fta.ftaId, messageId, reason: message.reason });
  return { ftaId: fta.ftaId, messageId };
}
