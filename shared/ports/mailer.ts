import { DocketWatchError } from '../domain/errors';

export interface MailAttachment {
  readonly filename: string;
  readonly contentType: string;
  readonly content: string;
}

export interface OutgoingMail {
  readonly to: readonly string[];
  readonly cc?: readonly string[];
  readonly from: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** The RFC 5322 Message-ID we mint and record (`<...@...>`), so corrections can reference it. */
  readonly messageIdHeader: string;
  /** Message-IDs this mail answers (a correction: the original notice's). */
  readonly inReplyTo?: readonly string[];
  /** Our stable reference (the ftaId or digest id), also sent as a header and an SES tag. */
  readonly referenceId: string;
  /** SES message tags (letters, digits, `_-.@`), echoed back in SES delivery events. */
  readonly tags?: Readonly<Record<string, string>>;
  readonly attachments?: readonly MailAttachment[];
}

/**
 * The provider answered the send with an error (throttled past our retries, 5xx, rejected)
 * or could not be reached at all: it certainly did not send the message. Any other error a
 * send throws (a connection dropped mid-request, a timeout) leaves that uncertain.
 */
export class MailNotSentError extends DocketWatchError<'NOTICE_NOT_SENT'> {
  constructor(message: string, options?: ErrorOptions) {
    super('NOTICE_NOT_SENT', message, options);
  }
}

/** Sends one email. Not idempotent by itself: callers guard it with the notice ledger. */
export interface Mailer {
  /**
   * Resolves with the provider's message id once the provider accepted the message.
   * Throws MailNotSentError when the provider certainly did not send it.
   */
  send(mail: OutgoingMail): Promise<{ readonly messageId: string }>;
}
