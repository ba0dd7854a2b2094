import type { Fta, FtaStatus, RescissionReason } from './fta';
import type { AbsentiaValue } from './proceeding';

/**
 * An FTA signal of any case, UC or not (an ABSENTIA `Y` proceeding, an ADJ_RSN `11`
 * schedule): the FTA it would be on a UC case, its provenance the first drop read that
 * showed it. A case that becomes a UC case later gets its FTAs from these, with the status
 * the evidence (sightings and withdrawals, in drop as-of order) gives.
 */
export type FtaSignal = Fta;

export interface Sighting {
  readonly asOf: string;
  readonly dropId: string;
}

/** Evidence that a later drop withdrew a signal. */
export interface Withdrawal {
  readonly asOf: string;
  readonly reason: RescissionReason;
  readonly dropId: string;
}

export interface StoredSignal extends FtaSignal {
  /** Every drop that showed the signal (ABSENTIA `Y`, ADJ_RSN `11`), with its as-of. */
  readonly seen: readonly Sighting[];
  readonly withdrawals: readonly Withdrawal[];
}

/**
 * The status rule of the FTA ledger. An FTA is RESCINDED iff a drop with an as-of strictly
 * later than the first drop that showed the signal withdrew it:
 * - the same key without the signal (ABSENTIA `N` or empty, another ADJ_RSN), unless
 *   that same drop also showed the signal (its conflicting copies keep the FTA);
 * - for an order, a newer proceeding of the case opened after the order's date
 *   (CASE_REOPENED), even when the old proceeding still reads `Y`.
 * Once rescinded it stays so (a person reviews it). Evidence is kept, not folded, so
 * the result is the same whatever order drops and chunks are read in.
 */
export function signalStatus(s: Pick<StoredSignal, 'seen' | 'withdrawals'>): { status: FtaStatus; by: Withdrawal | null } {
  const first = firstSeenAsOf(s);
  if (first === null) return { status: 'OPEN', by: null };
  const seen = new Set(s.seen.map((x) => x.dropId));
  let by: Withdrawal | null = null;
  for (const w of s.withdrawals) {
    if (w.asOf <= first) continue;
    if (w.reason !== 'CASE_REOPENED' && seen.has(w.dropId)) continue;
    // The earliest effective withdrawal names the rescission (any fixed choice would do).
    if (by === null || w.asOf < by.asOf || (w.asOf === by.asOf && w.reason < by.reason)) by = w;
  }
  return by === null ? { status: 'OPEN', by: null } : { status: 'RESCINDED', by };
}

/** The as-of of the earliest drop that showed the signal (null: none yet). */
export function firstSeenAsOf(s: Pick<StoredSignal, 'seen'>): string | null {
  let first: string | null = null;
  for (const x of s.seen) if (first === null || x.asOf < first) first = x.asOf;
  return first;
}

export function ftaOfSignal(s: FtaSignal): Fta {
  return {
    ftaId: s.ftaId, kind: s.kind, caseId: s.caseId, proceedingId: s.proceedingId, scheduleId: s.scheduleId,
    date: s.date, court: s.court, aor: s.aor, provenance: s.provenance,
  };
}

/** The signal an FTA record rests on. */
export function signalOfFta(f: Fta): FtaSignal {
  return {
    ftaId: f.ftaId, kind: f.kind, caseId: f.caseId, proceedingId: f.proceedingId, scheduleId: f.scheduleId,
    date: f.date, court: f.court, aor: f.aor, provenance: f.provenance,
  };
}

/**
 * The as-of of a drop named with a date (`EOIR 2026-04-01`, `drop-2026-04-01.zip`): the
 * first valid YYYY-MM-DD in its name, as the start of that day (UTC); null when none.
 */
export function asOfFromDropName(dropId: string): string | null {
  for (const m of dropId.matchAll(/(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)/g)) {
    const asOf = operatorAsOf(`${m[1]}-${m[2]}-${m[3]}`);
    if (asOf !== null) return asOf;
  }
  return null;
}

/** An operator's as-of (`YYYY-MM-DD`, or a full ISO time) as an ISO time; null when not a real date. */
export function operatorAsOf(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const v = value.trim();
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (day) {
    const d = new Date(`${v}T00:00:00.000Z`);
    return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== v ? null : d.toISOString();
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(v)) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/**
 * Whether a proceeding row withdraws an order on its IDNPROCEEDING: ABSENTIA `N` or empty
 * (readAbsentia's NO_ORDER). A junk value (UNKNOWN: a date from a shifted column) neither
 * creates nor withdraws. `absentiaJunk` says the same for a row read without `absentia`.
 */
export function withdrawsOrder(p: { readonly inAbsentia: boolean; readonly absentia?: AbsentiaValue; readonly absentiaJunk?: boolean }): boolean {
  if (p.absentia !== undefined) return p.absentia === 'NO_ORDER';
  return !p.inAbsentia && p.absentiaJunk !== true;
}
