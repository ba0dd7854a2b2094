import type { HearingAdjourned, StoredUpcomingHearing, UpcomingHearing } from '../domain/upcoming-hearing';

/** A reminder (or the last of them) ORR was sent about a case's hearing on `hearingDate`. */
export interface RemindedHearing {
  readonly caseId: string;
  readonly hearingDate: string;
  /** The ledger noticeId of the latest reminder sent for it (the update threads under it). */
  readonly noticeId: string;
  readonly horizon: number;
}

/**
 * The upcoming hearing of every case (UC or not: a case may become a UC case after the
 * drop that shows its hearing), one per case, in drop as-of order, and the reminders sent
 * about them. Every write is idempotent.
 */
export interface UpcomingHearingStore {
  /**
   * Records each case's hearing unless the store holds a view from a later drop; from the
   * same drop, the earliest hearing stands (a schedule row over LATEST_* for the same day).
   * A case's earlier-drop hearing is replaced: moved, it is the new date.
   */
  record(hearings: readonly UpcomingHearing[]): Promise<void>;
  /** Marks a case's stored hearing HELD or CANCELLED when it is this schedule row and no later drop replaced it. */
  recordAdjourned(adjourned: readonly HearingAdjourned[]): Promise<void>;
  /** The UPCOMING hearings on these days (YYYY-MM-DD), every case's. */
  onDays(days: readonly string[]): Promise<readonly StoredUpcomingHearing[]>;
  /** The stored hearing of each of these cases (any status). */
  ofCases(caseIds: readonly string[]): Promise<ReadonlyMap<string, StoredUpcomingHearing>>;
  /** Notes a reminder sent, so a later move or cancellation can be followed up. */
  noteReminded(reminded: RemindedHearing): Promise<void>;
  /** The reminded hearings dated on or after `day`. */
  remindedFrom(day: string): Promise<readonly RemindedHearing[]>;
  /** When ORR was last sent a notice about this case (any kind), or null. */
  lastNoticeSentAt(caseId: string): Promise<string | null>;
}
