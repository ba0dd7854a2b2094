import type { DropReport } from '../domain/drop-report';
import type { Fta } from '../domain/fta';

export interface UcMark {
  readonly caseId: string;
  /** Why the case is a UC case (spec section 2). */
  readonly basis: 'JUVENILE_HISTORY' | 'CASE_PRIORITY' | 'ROSTER';
  readonly dropId: string;
}

export interface StoredFta {
  readonly fta: Fta;
  readonly recordedAt: string;
}

export type RecordOutcome = 'new' | 'repeated';

/**
 * The case store (DynamoDB): UC cases, their FTAs, drop reports and the FTA outbox.
 * Every write is idempotent: repeating a call with the same input changes nothing more.
 */
export interface CaseStore {
  /** Marks cases as UC cases. Once a UC case, always one (spec section 2). */
  markUcCases(marks: readonly UcMark[]): Promise<void>;
  /** The subset of these case ids that are UC cases in the store. */
  findUcCases(caseIds: readonly string[]): Promise<ReadonlySet<string>>;
  /**
   * Records FTAs that are not yet in the store; an FTA already stored is left as it is
   * ('repeated'). A new FTA is stored together with its outbox entry and aggregate counts,
   * atomically, so it cannot be stored without being queued later.
   */
  recordFtas(ftas: readonly Fta[], recordedAt: string): Promise<readonly RecordOutcome[]>;
  /**
   * FTAs stored but not yet handed to every fan-out queue, oldest first, in pages. One
   * pass over the outbox index (eventually consistent: an FTA stored a moment ago may only
   * show up in a later pass).
   */
  unpublishedFtas(pageSize: number): AsyncIterable<readonly StoredFta[]>;
  /** Clears the outbox entry of FTAs that every fan-out queue has accepted. */
  markFtasPublished(ftas: readonly Fta[]): Promise<void>;
  saveDropReport(report: DropReport): Promise<void>;
}
