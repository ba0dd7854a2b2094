import {
  cleanField,
  decodeLine,
  detectDelimiter,
  splitLines,
  type Delimiter,
  type RawLine,
} from './eoir-format';
import type { RowRejectionReason, TableRejectionReason } from './rejections';

/** The EOIR tables the pipeline reads (pipeline spec 1.1). */
export const EOIR_TABLES = ['A_TblCase', 'B_TblProceeding', 'tbl_schedule', 'tbl_JuvenileHistory'] as const;
export type EoirTableName = (typeof EOIR_TABLES)[number];

/** File name -> table, case-insensitively (`b_tblproceeding.csv`, `B_TblProceeding.CSV`). */
export function tableForFileName(fileName: string): EoirTableName | undefined {
  const base = fileName.replace(/^.*\//, '').replace(/\.(csv|txt|tsv)$/i, '').toLowerCase();
  return EOIR_TABLES.find((t) => t.toLowerCase() === base);
}

/**
 * A drop's completion marker, not a table: EOIR's `Count.txt` (table row counts) or an
 * empty `READY` object (pipeline spec 1.1).
 */
export function isDropMarker(fileName: string): boolean {
  const base = fileName.replace(/^.*\//, '').toLowerCase();
  return base === 'count.txt' || base === 'ready';
}

export type RowResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: RowRejectionReason; readonly detail?: string };

/**
 * How to read one table: the columns it needs (matched by header name, case-insensitively,
 * so reordered and added columns do not matter), and the row parser that receives the
 * cleaned values of exactly those columns, in that order.
 */
export interface TableSpec<T> {
  readonly table: EoirTableName;
  readonly columns: readonly string[];
  readonly parse: (values: readonly (string | null)[]) => RowResult<T>;
}

export interface ParsedRow<T> {
  readonly lineNumber: number;
  readonly result: RowResult<T>;
}

export type OpenedTable<T> =
  | { readonly ok: true; readonly delimiter: Delimiter; readonly rows: AsyncIterable<ParsedRow<T>> }
  | { readonly ok: false; readonly reason: TableRejectionReason; readonly detail: string };

/**
 * Reads the header of an EOIR table and returns its data rows, each parsed or rejected
 * with a reason. Blank lines are skipped (they hold no row). A header without a needed
 * column rejects the whole table.
 */
export async function openEoirTable<T>(
  chunks: AsyncIterable<Uint8Array>,
  spec: TableSpec<T>,
): Promise<OpenedTable<T>> {
  const lines = splitLines(chunks)[Symbol.asyncIterator]();
  let first = await lines.next();
  while (!first.done && first.value.bytes.length === 0) first = await lines.next();
  if (first.done) return { ok: false, reason: 'TABLE_EMPTY', detail: `${spec.table} has no header line` };
  if (first.value.tooLong === true || first.value.bytes.includes(0)) {
    return { ok: false, reason: 'TABLE_NOT_TEXT', detail: `${spec.table} does not start with a text header line` };
  }

  const headerText = decodeLine(first.value.bytes);
  const delimiter = detectDelimiter(headerText);
  const header = headerText.split(delimiter).map((h) => (cleanField(h) ?? '').toLowerCase());
  const indexes = spec.columns.map((c) => header.indexOf(c.toLowerCase()));
  const missing = spec.columns.filter((_, i) => indexes[i] === -1);
  if (missing.length > 0) {
    return {
      ok: false,
      reason: 'HEADER_MISSING_COLUMNS',
      detail: `${spec.table} header lacks ${missing.join(', ')}`,
    };
  }
  const width = header.length;

  async function* rows(): AsyncGenerator<ParsedRow<T>> {
    for (let next = await lines.next(); !next.done; next = await lines.next()) {
      const line: RawLine = next.value;
      if (line.bytes.length === 0) continue;
      if (line.tooLong === true) {
        yield { lineNumber: line.lineNumber, result: { ok: false, reason: 'ROW_TOO_LONG' } };
        continue;
      }
      yield { lineNumber: line.lineNumber, result: parseLine(line, delimiter, width, indexes, spec) };
    }
  }
  return { ok: true, delimiter, rows: rows() };
}

function parseLine<T>(
  line: RawLine,
  delimiter: Delimiter,
  width: number,
  indexes: readonly number[],
  spec: TableSpec<T>,
): RowResult<T> {
  const fields = decodeLine(line.bytes).split(delimiter);
  if (fields.length > width) return { ok: false, reason: 'ROW_EXTRA_FIELDS' };
  if (fields.length < width) return { ok: false, reason: 'ROW_MISSING_FIELDS' };
  return spec.parse(indexes.map((i) => cleanField(fields[i])));
}
