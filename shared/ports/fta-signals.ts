import type { FtaSignal, StoredSignal, Withdrawal } from '../domain/fta-signal';

/** What the ingest needs to know of a case before reading its rows: one read round per batch. */
export interface CaseEvidence {
  readonly uc: boolean;
  /** The case's FTA signals (orders by IDNPROCEEDING with their date, no-shows by IDNSCHEDULE); null when it has none. */
  readonly signals: { readonly orders: ReadonlyMap<string, string>; readonly noShows: ReadonlySet<string> } | null;
  /** Its signals were turned into FTAs after it became a UC case (settleCases). */
  readonly settled: boolean;
  /**
   * The drop whose run last wrote the case's UC mark (a juvenile mark, a case priority, an
   * A-number on a roster); absent when only rosters marked it. A settle leaves the case to
   * that drop's finish while the drop is being read.
   */
  readonly markedByDrop?: string;
}

export interface SignalSighting {
  readonly signal: FtaSignal;
  /** The as-of of the drop that shows it. */
  readonly asOf: string;
  /**
   * The case is a UC case already, so the reader records this signal's FTA itself: a case
   * whose first signal this is starts settled; otherwise it starts unsettled, and becoming
   * a UC case later settles it.
   */
  readonly ucCase: boolean;
}

export interface WithdrawalEvidence {
  readonly caseId: string;
  readonly ftaId: string;
  readonly withdrawal: Withdrawal;
}

/** What the writer of sightings knows, to write each case's signals marker once per call. */
export interface SightingWriteOptions {
  /**
   * The cases' evidence as `lookupCases` read it for this batch: a marker listing every
   * signal of the call is not written again. Without it every case's marker is updated.
   */
  readonly known?: ReadonlyMap<string, CaseEvidence>;
  /**
   * This invocation is the only one writing the drop's signals (a drop read whole inside
   * one invocation): a case without a marker may get it in one batched put.
   */
  readonly soleWriter?: boolean;
}

/**
 * The FTA signals of every case, UC or not, with their evidence by drop as-of, so that a
 * case becoming a UC case later gets its FTAs, and statuses, from what was already read.
 * Every write is idempotent (evidence is a set).
 */
export interface FtaSignalStore {
  /** Per case id: UC mark, signals, settled (one batch read of two items per case). */
  lookupCases(caseIds: readonly string[]): Promise<ReadonlyMap<string, CaseEvidence>>;
  /**
   * Adds sightings (a new signal is stored with its provenance); returns the signals of UC
   * cases' sightings (`ucCase`) as stored after the write, with all their evidence (the
   * others are written only: nothing reads them back before the case is a UC case).
   */
  recordSightings(sightings: readonly SignalSighting[], options?: SightingWriteOptions): Promise<readonly StoredSignal[]>;
  /**
   * Adds withdrawal evidence to signals that exist (others are skipped); returns, of the
   * cases in `returnCases` (every case when not given), the withdrawn signals after the write.
   */
  recordWithdrawals(evidence: readonly WithdrawalEvidence[], returnCases?: ReadonlySet<string>): Promise<readonly StoredSignal[]>;
  /** Every signal of these cases. */
  signalsOfCases(caseIds: readonly string[]): Promise<readonly StoredSignal[]>;
  /** These UC cases' signals are FTAs now: a later lookup says settled. */
  markSettled(caseIds: readonly string[]): Promise<void>;
}

/** An EOIR case carrying a roster A-number, and the drop that first showed the pair (when known). */
export interface ANumberMatch {
  readonly caseId: string;
  readonly aNumber: string;
  readonly dropId?: string;
}

/**
 * A-numbers of EOIR cases (ALIEN_NBR of the DOJ-to-DHS feed) and of roster UCs, keyed by
 * aNumberKey (never the A-number itself), so a roster and a drop find each other whichever
 * lands first. Each side writes first and reads second, so two running at once cannot miss
 * each other.
 */
export interface ANumberIndex {
  /**
   * Notes cases' A-numbers (an entry new to the index keeps `dropId`, the drop that first
   * showed the pair); returns the ids of those whose A-number is on a UC roster.
   */
  indexCases(entries: readonly { caseId: string; aNumber: string }[], dropId?: string): Promise<ReadonlySet<string>>;
  /** Notes roster A-numbers; returns the EOIR cases known to carry them. */
  indexRoster(aNumbers: readonly string[], rosterId: string): Promise<readonly ANumberMatch[]>;
}

/** Where a drop's as-of came from. */
export type AsOfSource = 'OPERATOR_METADATA' | 'DROP_NAME' | 'FIRST_ARRIVAL';

export interface DropAsOf {
  /** ISO time: drops are ordered by it, not by when they were read. */
  readonly asOf: string;
  readonly source: AsOfSource;
}

/** The as-of of each drop id, fixed by its first run: a re-run keeps it. */
export interface DropAsOfStore {
  /** Stores `candidate` unless the drop has an as-of already; returns the stored one. */
  fix(dropId: string, candidate: DropAsOf): Promise<DropAsOf>;
}
