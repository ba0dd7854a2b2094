import { conflictsForReview, type KeyConflict } from '../domain/drop-duplicates';
import type { DropChunk } from '../domain/drop-plan';
import type { DropReport, TableCounts } from '../domain/drop-report';
import type { EoirTableName } from '../domain/eoir-table';
import type { ValueNoteReason } from '../domain/rejections';
import type { CaseStore, Hearing, Rescission, WriteStep } from '../ports/case-store';
import type { Clock } from '../ports/clock';
import type { DropKeys, KeyNote } from '../ports/drop-keys';
import type { DropRef } from '../ports/docket-source';

/**
 * What one chunk saw of the keys of the rows it keeps (UC cases' rows), settled against the
 * whole drop at the chunk's end (DropKeys in the drop ledger), so that a key repeated in
 * the drop is one record whatever chunk or line order it is read in (rules:
 * shared/domain/drop-duplicates.ts).
 */
export class ChunkKeys {
  private readonly keys = new Map<string, { lines: number; values: Set<string>; fta: boolean; withdrawal?: Rescission }>();
  constructor(private readonly table: EoirTableName) {}

  /** One accepted line of a kept row: its key, the value of its deciding fields, whether it holds the FTA signal. */
  line(key: string, value: string, fta: boolean): void {
    let k = this.keys.get(key);
    if (k === undefined) this.keys.set(key, (k = { lines: 0, values: new Set(), fta: false }));
    k.lines += 1;
    k.values.add(value);
    k.fta ||= fta;
  }

  /** An OPEN FTA this chunk's lines of `key` would rescind: applied when the drop is finished, unless a line of the drop holds the signal. */
  withdraw(key: string, rescission: Rescission): void {
    const k = this.keys.get(key);
    if (k !== undefined) k.withdrawal = rescission;
  }

  /**
   * Notes the chunk's keys in the run and returns the chunk's exact share: its lines that
   * repeat a key (the drop's first line of each key is not counted), the keys it saw first
   * (the records it adds), and whether it records a key's FTA (exactly one chunk does).
   */
  async settle(run: { drop: DropRef; runId: string }, chunk: DropChunk, keys: DropKeys): Promise<{ duplicates: number; firstKeys: number; recordsFta: (key: string) => boolean }> {
    const notes: KeyNote[] = [...this.keys].map(([key, k]) => ({
      table: this.table, key, values: [...k.values], fta: k.fta,
      // A chunk never withdraws what one of its own lines records.
      ...(k.withdrawal !== undefined && !k.fta ? { withdrawal: k.withdrawal } : {}),
    }));
    const verdicts = notes.length > 0 ? await keys.noteKeys(run, chunk, notes) : new Map();
    let duplicates = 0;
    let firstKeys = 0;
    for (const [key, k] of this.keys) {
      const first = verdicts.get(`${this.table}#${key}`)?.first === true;
      duplicates += k.lines - (first ? 1 : 0);
      if (first) firstKeys += 1;
    }
    return { duplicates, firstKeys, recordsFta: (key) => verdicts.get(`${this.table}#${key}`)?.recordsFta === true };
  }
}

/** Per-table counts of values noted on accepted rows (not rejections). */
export class ValueNotes {
  private readonly notes: Partial<Record<ValueNoteReason, number>> = {};
  add(reason: ValueNoteReason): void {
    this.notes[reason] = (this.notes[reason] ?? 0) + 1;
  }
  /** The counts with this chunk's duplicates and notes added. */
  into(counts: TableCounts, duplicates: number): TableCounts {
    const out: TableCounts = { ...counts };
    if (duplicates > 0) out.duplicates = (out.duplicates ?? 0) + duplicates;
    if (Object.keys(this.notes).length > 0) out.valueNotes = { ...this.notes };
    return out;
  }
}

/** One hearing per IDNSCHEDULE in a write: the no-show copy if any (the FTA is kept), else the last one. */
export function oneHearingPerSchedule(hearings: readonly Hearing[]): Hearing[] {
  const by = new Map<string, Hearing>();
  for (const h of hearings) {
    const seen = by.get(h.scheduleId);
    if (seen?.outcome === 'NO_SHOW' && h.outcome !== 'NO_SHOW') continue;
    by.set(h.scheduleId, h);
  }
  return [...by.values()];
}

/** The step that applies a run's withdrawals: chunks look for FTAs it rescinded already (a retried run). */
export const withdrawStep = (runId: string): WriteStep => `${runId}#WITHDRAWN`;

/**
 * The finish step's part for repeated keys: applies the withdrawals no line of the drop
 * contradicts (the drop never rescinds what it records itself) and collects the conflicts.
 * Returns how many FTAs it rescinded (again for a retry of the same step `by`).
 */
export async function settleRepeatedKeys(
  run: { drop: DropRef; runId: string },
  deps: { ledger: DropKeys; store: CaseStore; clock: Clock },
  by: WriteStep,
): Promise<{ rescinded: number; conflicts: KeyConflict[] }> {
  let rescinded = 0;
  const conflicts: KeyConflict[] = [];
  for await (const page of deps.ledger.settledKeys(run)) {
    conflicts.push(...page.conflicts);
    if (page.withdrawals.length > 0) rescinded += await deps.store.rescindFtas(page.withdrawals, deps.clock.now().toISOString(), by);
  }
  return { rescinded, conflicts };
}

/** Adds the finish step's rescissions and the conflicts (counted per table, listed up to 100) to the report. */
export function withRepeatedKeys(report: DropReport, settled: { rescinded: number; conflicts: readonly KeyConflict[] }): DropReport {
  report.ftas.rescinded += settled.rescinded;
  if (settled.conflicts.length === 0) return report;
  for (const c of settled.conflicts) {
    const counts = report.tables[c.table];
    if (counts !== undefined) counts.conflicts = (counts.conflicts ?? 0) + 1;
  }
  report.conflicts = conflictsForReview(settled.conflicts);
  return report;
}
