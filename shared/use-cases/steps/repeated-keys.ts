import { conflictsForReview, type KeyConflict } from '../../domain/drop-duplicates';
import type { DropChunk } from '../../domain/drop-plan';
import type { DropReport, TableCounts } from '../../domain/drop-report';
import type { EoirTableName } from '../../domain/eoir-table';
import type { ValueNoteReason } from '../../domain/rejections';
import type { Hearing } from '../../ports/case-store';
import type { DropKeys, KeyNote } from '../../ports/drop-keys';
import type { DropRef } from '../../ports/docket-source';
import { KeySet } from '../../lib/key-set';

/**
 * What one chunk sees of the keys of the rows it keeps (UC cases' rows), settled against the
 * whole drop batch by batch (DropKeys in the drop ledger), so that a key repeated in the
 * drop is one record whatever chunk, batch or line order it is read in (rules:
 * shared/domain/drop-duplicates.ts). Memory: the batch's keys, and the keys whose first
 * line in the drop this chunk holds (a KeySet: 8-16 bytes a key, so a 256 MiB chunk of
 * UC cases' schedules, ~90,000 keys, holds 1 MB, not 4.5).
 */
export class ChunkKeys {
  private batch = new Map<string, { lines: number; values: Set<string>; fta: boolean }>();
  private readonly firstHere = new KeySet();
  /** Lines of this chunk that repeat a key seen first elsewhere in the drop (or earlier here). */
  duplicates = 0;
  /** Keys whose first line in the drop this chunk holds (the records it adds). */
  firstKeys = 0;
  constructor(private readonly table: EoirTableName) {}

  /** One accepted line of a kept row: its key, the value of its deciding fields, whether it holds the FTA signal. */
  line(key: string, value: string, fta: boolean): void {
    let k = this.batch.get(key);
    if (k === undefined) this.batch.set(key, (k = { lines: 0, values: new Set(), fta: false }));
    k.lines += 1;
    k.values.add(value);
    k.fta ||= fta;
  }

  /**
   * Notes the batch's keys in the run, counts its duplicates, and says for each key whether
   * this chunk records its FTA (exactly one chunk of the run does; the same answer on a retry).
   */
  async settle(run: { drop: DropRef; runId: string }, chunk: DropChunk, keys: DropKeys): Promise<(key: string) => boolean> {
    const batch = this.batch;
    this.batch = new Map();
    const notes: KeyNote[] = [...batch].map(([key, k]) => ({ table: this.table, key, values: [...k.values], fta: k.fta }));
    const verdicts = notes.length > 0 ? await keys.noteKeys(run, chunk, notes) : new Map();
    for (const [key, k] of batch) {
      this.duplicates += k.lines;
      if (verdicts.get(`${this.table}#${key}`)?.first === true && this.firstHere.add(key)) {
        this.duplicates -= 1;
        this.firstKeys += 1;
      }
    }
    return (key) => verdicts.get(`${this.table}#${key}`)?.recordsFta === true;
  }
}

/** Per-table counts of values noted on accepted rows (not rejections). */
export class ValueNotes {
  private readonly notes: Partial<Record<ValueNoteReason, number>> = {};
  add(reason: ValueNoteReason, count = 1): void {
    this.notes[reason] = (this.notes[reason] ?? 0) + count;
  }
  /** Adds counts made elsewhere (a batch's). */
  addCounts(counts: Partial<Record<ValueNoteReason, number>>): void {
    for (const [reason, n] of Object.entries(counts) as [ValueNoteReason, number][]) if (n > 0) this.add(reason, n);
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

/**
 * The finish step's part for repeated keys: the keys whose copies in the drop conflict.
 * Rescissions are not decided here: the drop's FTA signals are (settleCases).
 */
export async function settleRepeatedKeys(run: { drop: DropRef; runId: string }, deps: { ledger: DropKeys }): Promise<KeyConflict[]> {
  const conflicts: KeyConflict[] = [];
  for await (const page of deps.ledger.settledKeys(run)) conflicts.push(...page.conflicts);
  return conflicts;
}

/** Adds the conflicts (counted per table, listed up to 100) to the report. */
export function withRepeatedKeys(report: DropReport, conflicts: readonly KeyConflict[]): DropReport {
  if (conflicts.length === 0) return report;
  for (const c of conflicts) {
    const counts = report.tables[c.table];
    if (counts !== undefined) counts.conflicts = (counts.conflicts ?? 0) + 1;
  }
  report.conflicts = conflictsForReview(conflicts);
  return report;
}
