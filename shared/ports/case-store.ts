import type { EoirAddress } from '../domain/case';
import type { DropReport } from '../domain/drop-report';
import type { Fta, OpenFta, RescissionReason } from '../domain/fta';
import type { Aor } from '../domain/aor';
import type { HearingOutcome } from '../domain/schedule';
import type { FtaRescindedMessage } from '../messages/fta-rescinded';
import type { ANumberIndex, DropAsOfStore, FtaSignalStore } from './fta-signals';
import type { ReadingDrops } from './reading-drops';

export interface UcMark {
  readonly caseId: string;
  /** Why the case is a UC case (spec section 2). */
  readonly basis: 'JUVENILE_HISTORY' | 'CASE_PRIORITY' | 'ROSTER';
  readonly dropId: string;
  /** The A-number the case was matched to a roster by (PII: stored on the mark, never logged). */
  readonly aNumber?: string;
}

export interface StoredFta {
  readonly fta: Fta;
  readonly recordedAt: string;
}

export type RecordOutcome = 'new' | 'repeated';

/**
 * The step of an ingest run making a write (`<runId>#<chunk>`), stable across retries: a
 * retry of the same step counts again what its crashed attempt already did, so a
 * redelivered chunk reports the same counts; any other step counts it as done before.
 */
export type WriteStep = string;

/** Claims UC marks for one run: each case is counted by the first step that marks it in the run. */
export interface MarkClaim {
  readonly runId: string;
  readonly by: WriteStep;
}

/** A UC case's A_TblCase row was seen in a drop (clears an "omitted" flag). */
export interface CaseSighting {
  readonly caseId: string;
  readonly dropId: string;
  /** ALIEN_NBR when the feed carries it. PII: stored on the case, never logged. */
  readonly aNumber: string | null;
  /** ALIEN_FIRST_NAME / ALIEN_LAST_NAME when the feed carries them. PII: stored on the case, never logged. */
  readonly firstName?: string | null;
  readonly lastName?: string | null;
}

/**
 * An EOIR address of a UC case as one drop shows it (A_TblCase): stored in the case's
 * address history, read back as the domain's AddressEntry.
 */
export interface EoirAddressSighting {
  readonly caseId: string;
  readonly source: 'EOIR_ADDRESS_OF_RECORD' | 'EOIR_PREVIOUS_ADDRESS';
  readonly address: EoirAddress;
  /** ADDRESS_CHANGEDON for the current address; null when EOIR has no date. */
  readonly changedOn: string | null;
  readonly dropId: string;
}

export interface Hearing {
  readonly caseId: string;
  readonly scheduleId: string;
  readonly proceedingId: string;
  readonly date: string | null;
  readonly court: string | null;
  readonly adjRsn: string | null;
  readonly medium: string | null;
  readonly calType: string | null;
  readonly outcome: HearingOutcome;
  readonly dropId: string;
}

export interface StoredOpenFta extends OpenFta {
  readonly aor: Aor | null;
}

export interface Rescission {
  readonly fta: StoredOpenFta;
  readonly reason: RescissionReason;
  readonly dropId: string;
}

/** UC case marks: which EOIR cases are UC cases, and when a drop last showed them. */
export interface UcCaseMarks {
  /**
   * Marks cases as UC cases. Once a UC case, always one (spec section 2). Returns how many
   * marks `claim` counts: those no other step of the run marked first (all, without a claim).
   */
  markUcCases(marks: readonly UcMark[], claim?: MarkClaim): Promise<number>;
  /**
   * The subset of these case ids that are UC cases in the store. `consistentRead`: every
   * mark written before the call is seen (a strongly consistent read, twice the cost).
   */
  findUcCases(caseIds: readonly string[], options?: { readonly consistentRead?: boolean }): Promise<ReadonlySet<string>>;
  /** UC cases seen in a drop's A_TblCase: last seen drop (and A-number when known). */
  recordCaseSightings(sightings: readonly CaseSighting[]): Promise<void>;
  /**
   * Flags every UC case whose A_TblCase row this full drop did not show (its last sighting
   * is another drop). Never deletes. Returns how many are flagged by this drop (those a
   * retried sweep of the same drop flagged already included).
   */
  flagUcCasesNotSeen(dropId: string, flaggedAt: string): Promise<number>;
}

/**
 * The FTA ledger: each FTA recorded once with its counters and outbox entry; rescissions
 * in one transaction with their FTA_RESCINDED message.
 */
export interface FtaLedger {
  /**
   * Records FTAs that are not yet in the store; an FTA already stored is left as it is
   * ('repeated'). A new FTA is stored together with its outbox entry and aggregate counts,
   * atomically, so it cannot be stored without being queued later. An FTA stored by the
   * same step `by` (a retry after a crash) is 'new' again.
   */
  recordFtas(ftas: readonly Fta[], recordedAt: string, by?: WriteStep): Promise<readonly RecordOutcome[]>;
  /** The OPEN FTAs among these ids (case id + FTA id), and those the step `by` rescinded. */
  findOpenFtas(keys: readonly { caseId: string; ftaId: string }[], by?: WriteStep): Promise<readonly StoredOpenFta[]>;
  /** Every OPEN FTA of these cases, and those the step `by` rescinded. */
  openFtasOfCases(caseIds: readonly string[], by?: WriteStep): Promise<readonly StoredOpenFta[]>;
  /**
   * Marks FTAs RESCINDED (never deleted), each in one transaction with its FTA_RESCINDED
   * outbox entry and its aggregate counters (open -1, rescinded +1). An FTA not OPEN any
   * more is skipped. Returns how many were rescinded by this call, or earlier by the same step `by`.
   */
  rescindFtas(rescissions: readonly Rescission[], rescindedAt: string, by?: WriteStep): Promise<number>;
  /**
   * Records FTAs already rescinded when first recorded (their case became a UC case after
   * a later drop withdrew them): stored RESCINDED, never put in the outbox (no notice, no
   * correction). An FTA already stored is left as it is. Returns how many were stored.
   */
  recordRescindedFtas(ftas: readonly { fta: Fta; reason: RescissionReason; dropId: string }[], recordedAt: string): Promise<number>;
}

/** The outbox: FTAs and rescissions stored but not yet handed to every fan-out queue. */
export interface FtaOutbox {
  /**
   * FTAs stored but not yet handed to every fan-out queue, oldest first, in pages. One
   * pass over the outbox index (eventually consistent: an FTA stored a moment ago may only
   * show up in a later pass).
   */
  unpublishedFtas(pageSize: number): AsyncIterable<readonly StoredFta[]>;
  /** Clears the outbox entry of FTAs that every fan-out queue has accepted. */
  markFtasPublished(ftas: readonly Fta[]): Promise<void>;
  /** FTA_RESCINDED messages not yet handed to every fan-out queue. */
  unpublishedRescissions(pageSize: number): AsyncIterable<readonly FtaRescindedMessage[]>;
  markRescissionsPublished(messages: readonly FtaRescindedMessage[]): Promise<void>;
}

/** What a drop shows of a UC case besides FTAs: its hearings and EOIR addresses. */
export interface CaseHistory {
  /** Records or updates hearings of UC cases with their outcome (keyed by IDNSCHEDULE). */
  recordHearings(hearings: readonly Hearing[]): Promise<void>;
  /** Adds address-history entries (keyed by content: the same address twice is one entry). */
  recordAddresses(entries: readonly EoirAddressSighting[]): Promise<void>;
}

/** The report of each drop run (and the metrics' drop history). */
export interface DropReports {
  saveDropReport(report: DropReport): Promise<void>;
}

/**
 * The case store (DynamoDB): UC cases, their FTAs, hearings and address history, drop
 * reports and the outbox: every role above, as the functions' wiring builds it. Every
 * write is idempotent: repeating a call with the same input changes nothing more.
 */
export type CaseStore = UcCaseMarks & FtaLedger & FtaOutbox & CaseHistory & DropReports & {
  /** The FTA ledger's own storage, in modules of their own, over the same table. */
  readonly signals: FtaSignalStore;
  readonly aNumbers: ANumberIndex;
  readonly dropAsOf: DropAsOfStore;
  /** Drops being read now, and the cases a settle left to their finish. */
  readonly readingDrops: ReadingDrops;
};
