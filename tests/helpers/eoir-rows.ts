/**
 * The row builders the drop generators share (tests/helpers/drop-generator.ts,
 * tests/helpers/opla-list-generator.ts, bench/gen-drop.ts): EOIR's text layout (fields
 * separated by tabs, rows ended by CRLF, docs/eoir-format.md), Count.txt, and the seeded
 * PRNG that makes a generated drop replayable from its seed.
 */

/** EOIR's row end (the exports are written on Windows). */
export const EOIR_ROW_END = '\r\n';

/** One EOIR row: the fields joined by tabs (a field holding a tab shifts the row, as EOIR's do). */
export const eoirRow = (fields: readonly string[]): string => fields.join('\t');

/** A whole EOIR table file: each row, each ended by CRLF. */
export const eoirTable = (rows: readonly (readonly string[])[]): string => rows.map((r) => eoirRow(r) + EOIR_ROW_END).join('');

/** Count.txt: each table's name and row count, one table a row. */
export const countTxt = (counts: readonly (readonly [string, number])[]): string => eoirTable(counts.map(([table, n]) => [table, String(n)]));

/** A small deterministic PRNG (mulberry32) in [0, 1), so a failing seed can be replayed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A YYYY-MM-DD date moved by whole days (UTC). */
export const shiftDays = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
