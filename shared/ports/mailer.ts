export interface OutgoingMail {
  readonly to: readonly string[];
  readonly from: string;
  readonly subject: string;
  readonly text: string;
  /** Our stable reference (the ftaId), also sent as a header for replies and dedupe. */
  readonly referenceId: string;
}

/** Sends one email. Not idempotent by itself: callers guard it with the notice ledger. */
export interface Mailer {
  send(mail: OutgoingMail): Promise<{ readonly messageId: string }>;
}
