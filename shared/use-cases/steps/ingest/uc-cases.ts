import type { FtaSignal } from '../../../domain/fta-signal';
import type { CaseStore, UcCaseMarks } from '../../../ports/case-store';
import type { CaseEvidence, SignalSighting } from '../../../ports/fta-signals';
import { KeySet } from '../../../lib/key-set';

/**
 * Which case ids are UC cases: those marked in this run, else the store's answer, asked
 * once per batch for the ids not known yet. Only positives are kept, so memory grows with
 * the number of UC cases, never with the number of rows. Shared by the chunks of one
 * invocation (a UC mark is never removed, so a positive stays true).
 */
export class UcCases {
  /** UC cases known (KeySets: IDNCASE in 8-16 bytes, not the ~60 of a Map entry and its string). */
  private readonly known = new KeySet();
  /** Of those, the cases whose mark for the run this invocation wrote. */
  private readonly markedHere = new KeySet();
  /** Evidence read this stage, with this invocation's sightings added (only when `cacheCases` is given). */
  private readonly cache: Map<string, CaseEvidence> | null;
  /**
   * `cacheCases`: for an invocation that reads the whole drop (no other invocation writes
   * its signals), keep up to this many cases' evidence through a stage, with the sightings
   * this invocation stores added to it, instead of reading it again for every batch.
   */
  constructor(private readonly store: UcCaseMarks & Pick<CaseStore, 'signals'>, private readonly cacheCases?: number) {
    this.cache = cacheCases === undefined ? null : new Map();
  }
  add(caseId: string): void {
    this.known.add(caseId);
  }
  /** The case's mark for this run was written by this invocation (its item carries the run's claim). */
  noteMarkedInRun(caseId: string): void {
    this.known.add(caseId);
    this.markedHere.add(caseId);
  }
  markedInRun(caseId: string): boolean {
    return this.markedHere.has(caseId);
  }
  /**
   * What the store knows of each case of these rows (UC mark, FTA signals), read once per
   * batch for every case not cached: a case's signals matter whether it is a UC case or not.
   */
  async evidence<R>(rows: readonly R[], caseOf: (r: R) => string): Promise<ReadonlyMap<string, CaseEvidence>> {
    const ids = new Set<string>();
    for (const r of rows) ids.add(caseOf(r));
    const cache = this.cache;
    const ask = cache === null ? [...ids] : [...ids].filter((id) => !cache.has(id));
    const found = ask.length > 0 ? await this.store.signals.lookupCases(ask) : new Map<string, CaseEvidence>();
    for (const [id, e] of found) if (e.uc) this.add(id);
    if (cache === null) return found;
    for (const [id, e] of found) if (!cache.has(id)) cache.set(id, compact(e));
    const out = new Map<string, CaseEvidence>();
    for (const id of ids) {
      const e = cache.get(id) ?? found.get(id);
      if (e !== undefined) out.set(id, e);
    }
    // Oldest first out: a case read again later is asked of the store again.
    for (const id of cache.keys()) {
      if (cache.size <= (this.cacheCases ?? 0)) break;
      cache.delete(id);
    }
    return out;
  }
  /** Sightings this invocation stored: a cached case's marker lists them now (settled as a new marker starts). */
  noteSightings(sightings: readonly SignalSighting[]): void {
    const cache = this.cache;
    if (cache === null) return;
    for (const { signal: s, ucCase } of sightings) {
      const e = cache.get(s.caseId);
      if (e === undefined) continue;
      const orders = new Map(e.signals?.orders ?? []);
      const noShows = new Set(e.signals?.noShows ?? []);
      if (s.kind === 'IN_ABSENTIA_ORDER') orders.set(s.proceedingId, s.date);
      else noShows.add(s.scheduleId ?? '');
      cache.set(s.caseId, { uc: e.uc, settled: e.signals === null ? ucCase : e.settled, signals: { orders, noShows } });
    }
  }
  /**
   * Of these cases, taken for cases that are not UC cases when this invocation wrote FTA
   * evidence to them, those that are UC cases now (a roster, or another drop, marked them
   * since their lookup, or since the stage cached them). Read strongly consistent after the
   * write, so a mark written concurrently is seen here or its writer saw the evidence: a
   * roster writes the mark before it reads the case's signals (settleCases). The ones found
   * are known as UC cases from now on.
   */
  async markedSince(caseIds: readonly string[]): Promise<string[]> {
    const ask = caseIds.filter((id) => !this.known.has(id));
    const found = ask.length > 0 ? await this.store.findUcCases(ask, { consistentRead: true }) : new Set<string>();
    for (const id of found) this.add(id);
    return [...found];
  }
  /** A stage is over: what was cached is read again when next asked. */
  endStage(): void {
    this.cache?.clear();
  }
  has(caseId: string): boolean {
    return this.known.has(caseId);
  }
  async filter<R>(rows: readonly R[], caseOf: (r: R) => string): Promise<R[]> {
    const unknown = [...new Set(rows.map(caseOf).filter((id) => !this.known.has(id)))];
    const found = unknown.length > 0 ? await this.store.findUcCases(unknown) : new Set<string>();
    for (const id of found) this.add(id);
    return rows.filter((r) => this.known.has(caseOf(r)));
  }
}

/** Most cases have no signals: they share one evidence object each, so an entry costs its key alone. */
const NO_SIGNALS: readonly CaseEvidence[] = [false, true].flatMap((uc) => [false, true].map((settled) => Object.freeze({ uc, settled, signals: null })));
function compact(e: CaseEvidence): CaseEvidence {
  return e.signals === null ? (NO_SIGNALS[(e.uc ? 2 : 0) + (e.settled ? 1 : 0)] ?? e) : e;
}

/**
 * Whether a case's signals marker, as looked up (or cached), lists this signal: the signal
 * existed before that lookup, so anything that read the case's signals after it saw it.
 */
export function listsSignal(evidence: CaseEvidence | undefined, s: FtaSignal): boolean {
  const known = evidence?.signals;
  if (known === undefined || known === null) return false;
  return s.kind === 'IN_ABSENTIA_ORDER' ? known.orders.get(s.proceedingId) === s.date : known.noShows.has(s.scheduleId ?? '');
}
