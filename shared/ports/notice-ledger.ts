/**
 * The notice ledger: one record per email we mean to send (a new-FTA notice, a
 * correction, a digest), so that nothing is sent twice and every send is traceable.
 *
 * States: SENDING (intent written just before the send) -> SENT (provider accepted it);
 * a SENDING intent whose send the provider refused is released (removed) for the retry.
 * WITHHELD: the notice will never be sent, and `withheldReason` says why (an FTA rescinded
 * before its notice went out; a correction of a notice that was never sent).
 * SES events (Send, Delivery, Bounce, Complaint) are recorded against the same record,
 * found through the message tags `scope` and `notice`.
 */
export interface NoticeKey {
  /** The case id the notice is about, or `DIGEST`, or `RECONCILIATION` (OPLA reconciliations). Also an SES tag value. */
  readonly scope: string;
  /**
   * `FTA.<ftaId>`, `CORRECTION.<ftaId>`, `IDENTITY.<ftaId>` (the follow-up naming the child)
   * or `DIGEST.<day>.<recipientKey>`; `RECON.<reportId>.<AOR>` (an OPLA reconciliation);
   * hearing reminders `REMINDER.<hearing day>.<horizon>D`, their updates
   * `REMINDER_UPDATE.<hearing day>.<what became of it>`, and `HEARINGS.<day>.<AOR>` (scope
   * `DIGEST`). Also an SES tag value.
   */
  readonly noticeId: string;
}

/** REMINDER: a hearing reminder; REMINDER_UPDATE: its follow-up when the hearing moved or was called off; HEARING_DIGEST: an AOR's week ahead; RECONCILIATION: an AOR's OPLA reconciliation. */
export type NoticeType = 'FTA' | 'CORRECTION' | 'IDENTITY' | 'DIGEST' | 'RECONCILIATION' | 'REMINDER' | 'REMINDER_UPDATE' | 'HEARING_DIGEST';

/** Why a notice is never sent. */
export type WithheldReason =
  /** The FTA was rescinded before its notice went out: ORR hears of neither. */
  | 'FTA_RESCINDED_BEFORE_NOTICE'
  /** A correction of a notice that was withheld: there is nothing to correct. */
  | 'NOTICE_WITHHELD'
  /** A correction whose FTA is open again in the store. */
  | 'FTA_NOT_RESCINDED';

/** What an FTA notice counts toward: its FTA's drop and the time the FTA was recorded. */
export interface NoticeCount {
  readonly ftaId: string;
  readonly dropId: string;
  readonly recordedAt: string;
}

export interface NoticeRecord extends NoticeKey {
  readonly type: NoticeType;
  readonly ftaId: string | null;
  readonly state: 'SENDING' | 'SENT' | 'WITHHELD';
  readonly withheldReason?: WithheldReason | null;
  /** An FTA notice: whether it named the child (a later follow-up does when it did not). */
  readonly identified?: boolean;
  readonly messageIdHeader: string;
  readonly intentAt: string;
  /** When the FTA was recorded by the ingest (for the notification-latency metric). */
  readonly ftaRecordedAt: string | null;
  readonly sentAt: string | null;
  readonly sesMessageId: string | null;
  /** Set from SES's own `Send` event: proof that SES accepted the message. */
  readonly providerAcceptedAt: string | null;
  readonly recipients: number;
  readonly bounces: number;
  readonly complaints: number;
}

export type ProviderEventType = 'Send' | 'Delivery' | 'Bounce' | 'Complaint' | 'Reject' | 'DeliveryDelay' | 'RenderingFailure';

export interface NoticeLedger {
  get(key: NoticeKey): Promise<NoticeRecord | undefined>;
  /**
   * Writes the SENDING intent unless a record exists. Returns false when one does (another
   * attempt got there first). Idempotent in effect.
   */
  begin(record: Omit<NoticeRecord, 'state' | 'sentAt' | 'sesMessageId' | 'providerAcceptedAt' | 'bounces' | 'complaints' | 'withheldReason'>): Promise<boolean>;
  /**
   * Records that the notice will never be sent, and why, unless a record exists (then
   * returns false: an attempt began, or it was sent or withheld already).
   */
  withhold(record: NoticeKey & { type: NoticeType; ftaId: string | null; reason: WithheldReason; at: string }): Promise<boolean>;
  /**
   * Marks the notice SENT. With `countsAs` (an FTA's first notice), the first call also
   * counts the email in the notice aggregates, in the same transaction: exactly once.
   */
  markSent(key: NoticeKey, sent: { sesMessageId: string; sentAt: string }, countsAs?: NoticeCount): Promise<void>;
  /**
   * Removes a SENDING intent whose send the provider certainly refused (MailNotSentError),
   * so the next delivery sends at once instead of waiting out the unconfirmed grace period.
   * Only that attempt's intent (same Message-ID, still SENDING, no SES Send event) is
   * removed; returns false otherwise. Idempotent.
   */
  release(key: NoticeKey, messageIdHeader: string): Promise<boolean>;
  /** Records an SES event against the notice; unknown notices are ignored (returns false). */
  recordProviderEvent(key: NoticeKey, event: { type: ProviderEventType; sesMessageId: string; at: string; detail: string | null }): Promise<boolean>;
}
