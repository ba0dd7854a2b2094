import type { FtaSignal, Withdrawal } from '../fta-signal';
import type { ScannedRows } from '../eoir-table-rows';
import type { KeySet } from '../../lib/key-set';
import type { RowRejectionReason, ValueNoteReason } from '../rejections';

/**
 * What the per-table ingest rules (classify*Rows) are given and what they decide, as plain
 * data: the use case does the reads and writes around them (UC marks, signals, hearings,
 * the drop's repeated keys). Pure: no I/O, no clock.
 */

/** The drop a batch of rows belongs to. */
export interface DropContext {
  readonly dropId: string;
  /** The drop's as-of (ISO time): signals and withdrawals are dated by it. */
  readonly asOf: string;
}

/** What is known of a case before its rows are classified: its UC mark and its FTA signals so far. */
export interface CaseStanding {
  readonly uc: boolean;
  /** Orders by IDNPROCEEDING with their date, no-shows by IDNSCHEDULE; null when it has none. */
  readonly signals: { readonly orders: ReadonlyMap<string, string>; readonly noShows: ReadonlySet<string> } | null;
}

/**
 * A case's standing, by IDNCASE; undefined reads as not a UC case, no signals. `known`, when
 * given, holds the IDNCASE of every case whose standing is not undefined (more keys do no
 * harm): the rules then pass over a scanned row of any other case on its case key alone
 * (ScannedRows.caseKey), without cutting its IDNCASE into a string.
 */
export type StandingOf = ((caseId: string) => CaseStanding | undefined) & { readonly known?: KeySet };

/** The standing of scanned row `i`'s case: undefined at once when `standing.known` lacks its case key. */
export function standingAt<T>(rows: ScannedRows<T>, i: number, standing: StandingOf): CaseStanding | undefined {
  const known = standing.known;
  if (known !== undefined) {
    const key = rows.caseKey(i);
    if (key >= 0 && !known.hasNumeric(key)) return undefined;
  }
  return standing(rows.caseId(i));
}

/** An accepted row with where it was read (for an FTA's provenance). */
export interface LocatedRow<T> {
  readonly value: T;
  readonly lineNumber: number;
  readonly byteOffset: number;
}

/**
 * A batch of accepted rows as the rules take them: built rows (tests, small readers), or
 * the row scan's batch (ScannedRows), whose fields a rule reads before it builds a row, so
 * rows that cannot matter never become objects.
 */
export type RowsIn<T> = readonly LocatedRow<T>[] | ScannedRows<T>;

/** Row `i` of a batch, built. */
export const rowAt = <T>(rows: RowsIn<T>, i: number): LocatedRow<T> => (Array.isArray(rows) ? (rows[i] as LocatedRow<T>) : (rows as ScannedRows<T>).row(i));

/** One line of a kept row (a UC case's), for the drop's repeated-key accounting. */
export interface KeyLine {
  readonly key: string;
  /** The value of its deciding fields (codes and dates, no PII): copies that differ are a conflict. */
  readonly value: string;
  /** The line holds the FTA signal. */
  readonly fta: boolean;
}

/** A signal (ABSENTIA `Y`, ADJ_RSN `11`) shown by the drop, for any case. */
export interface SignalShown {
  readonly signal: FtaSignal;
  readonly asOf: string;
  /** The case is a UC case already: the signal is an FTA now. */
  readonly ucCase: boolean;
}

/** Evidence withdrawing a signal of a case that has one. */
export interface SignalWithdrawn {
  readonly caseId: string;
  readonly ftaId: string;
  readonly withdrawal: Withdrawal;
}

/** Rows refused after parsing, by their index in the batch, with the reason. */
export type Refusals = Map<number, RowRejectionReason>;

/** Counts of values noted on accepted rows (not rejections). */
export type ValueNoteCounts = Partial<Record<ValueNoteReason, number>>;

export const isUcCase = (standing: StandingOf, caseId: string): boolean => standing(caseId)?.uc === true;
