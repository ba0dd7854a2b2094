import type { CaseDetails } from '../domain/case-details';
import type { Fta, FtaStatus } from '../domain/fta';
import type { NoticeRecord } from './notice-ledger';

/** A stored FTA as a notice reads it: with its current status and when it was recorded. */
export type StoredFta = Fta & { readonly recordedAt?: string; readonly status: FtaStatus };

/** Everything stored about one case that an email about it needs, read at one moment. */
export interface CaseForNotices {
  /** The case's FTAs by ftaId, with their current status. */
  readonly ftas: ReadonlyMap<string, StoredFta>;
  /** The case's notice ledger records by noticeId (`FTA.<ftaId>`, `CORRECTION.<ftaId>`, `IDENTITY.<ftaId>`...). */
  readonly notices: ReadonlyMap<string, NoticeRecord>;
  /** What the store knows about the child (roster and DOJ-to-DHS columns), addresses and hearings. */
  readonly details: CaseDetails;
}

/**
 * Reads a case for the ORR notifier: its FTAs, its notice records and its details together,
 * read consistently (a notice decides on the FTA's status and the ledger it reads here; the
 * ledger's conditional writes settle any race after the read). Read-only, safe to repeat.
 */
export interface NoticeCaseReader {
  readCase(caseId: string): Promise<CaseForNotices>;
}
