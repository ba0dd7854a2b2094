/**
 * The notice ledger: one record per email we mean to send (a new-FTA notice, a
 * correction, a digest), so that nothing is sent twice and every send is traceable.
 *
 * States: SENDING (intent written just before the send) -> SENT (provider accepted it);
 * a SENDING intent whose send the provider refused is released (removed) for the retry.
 * SES events (Send, Delivery, Bounce, Complaint) are recorded against the same record,
 * found through the message tags `scope` and `notice`.
 */
export interface NoticeKey {
  /** The case id the notice is about, or `DIGEST`. Also an SES tag value. */
  readonly scope: string;
  /** `FTA.<ftaId>`, `CORRECTION.<ftaId>` or `DIGEST.<day>.<recipient index>`. Also an SES tag value. */
  readonly noticeId: string;
}

export type NoticeType = 'FTA' | 'CORRECTION' | 'DIGEST';

/** What an FTA notice counts toward: its FTA's drop and the time the FTA was recorded. */
export interface NoticeCount {
  readonly ftaId: string;
  readonly dropId: string;
  readonly recordedAt: string;
}

export interface NoticeRecord extends NoticeKey {
  readonly type: NoticeType;
  readonly ftaId: string | null;
  readonly state: 'SENDING' | 'SENT';
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
  begin(record: Omit<NoticeRecord, 'state' | 'sentAt' | 'sesMessageId' | 'providerAcceptedAt' | 'bounces' | 'complaints'>): Promise<boolean>;
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
