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

/**
 * The send was not attempted: the mailer's pacing would start it after the caller's
 * deadline (an invocation about to time out). Certainly not sent, so the caller can release
 * its intent and let the message be delivered again at once.
 */
export class SendDeadlineError extends MailNotSentError {}

export interface SendOptions {
  /**
   * Epoch ms: an attempt the pacing would start later than this is not made (SendDeadlineError
   * when no earlier attempt's outcome is unknown). Unset: no deadline.
   */
  readonly notAfterMs?: number;
}

/** Sends one email. Not idempotent by itself: callers guard it with the notice ledger. */
export interface Mailer {
  /**
   * Resolves with the provider's message id once the provider accepted the message.
   * Throws MailNotSentError when the provider certainly did not send it (SendDeadlineError:
   * not attempted before `options.notAfterMs`).
   */
  send(mail: OutgoingMail, options?: SendOptions): Promise<{ readonly messageId: string }>;
}
