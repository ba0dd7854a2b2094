import type { CaseStore } from '../../../ports/case-store';
import type { Clock } from '../../../ports/clock';
import type { CourtAddressStore } from '../../../ports/court-addresses';
import type { DocketSource } from '../../../ports/docket-source';
import type { DropLedger } from '../../../ports/drop-ledger';
import type { FtaPublisher } from '../../../ports/fta-publisher';
import type { Log } from '../../../ports/log';
import type { MetricsSink } from '../../../ports/metrics-sink';
import type { Quarantine } from '../../../ports/quarantine';
import type { ReportArchive } from '../../../ports/report-archive';
import type { UpcomingHearingStore } from '../../../ports/upcoming-hearings';
import type { ChunkOptions } from './read-drop-table';

/** The ports of the docket ingest (every step takes what it uses of them). */
export interface IngestDeps {
  readonly source: DocketSource;
  readonly store: CaseStore;
  readonly publisher: FtaPublisher;
  readonly quarantine: Quarantine;
  readonly clock: Clock;
  readonly log: Log;
  readonly chunks?: ChunkOptions;
  /** Where the report's long lists go (S3); without it they stay in the report whole. */
  readonly reports?: ReportArchive;
  /** Drop-level metrics (DropsFailed, Count.txt shortfall); none published without it. */
  readonly metrics?: MetricsSink;
  /**
   * Every case's upcoming hearing (tbl_schedule rows ahead of the drop's day, A_TblCase
   * LATEST_*), for the hearing reminders; not kept without it.
   */
  readonly hearings?: UpcomingHearingStore;
  /** Courts' street addresses from the release's Lookup/tblLookupBaseCity; the lookup is not read without it. */
  readonly courts?: CourtAddressStore;
  /**
   * Keys and cases a run read inline keeps in memory for its finish step before the rest
   * go to the drop ledger (default IN_MEMORY_FINISH_NOTES, 25,000 each); the emulator tests
   * set it small to send the rest through DynamoDB.
   */
  readonly finishNotesInMemory?: number;
  /**
   * Cases whose evidence (UC mark, signals) a drop read inside one invocation keeps through
   * a stage, oldest out first, so a case read again in the stage (its proceedings beside its
   * hearings) is not looked up again: a trade of memory (60-400 B a case) for calls. Default
   * 5,000; the functions size it to their heap (stageCacheCasesForHeap).
   */
  readonly stageCacheCases?: number;
}

/**
 * What a chunk worker needs: the ingest's ports plus the run's ledger, and whether this
 * invocation reads the whole drop (`soleWriter`: no other invocation writes its signals, so
 * the store may create a case's signals marker with a batched put).
 */
export type ChunkDeps = IngestDeps & { readonly ledger: DropLedger; readonly soleWriter?: boolean };
