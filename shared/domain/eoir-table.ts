import { isIntegerKey, type Delimiter } from './eoir-format';
import type { RowRejectionReason, TableRejectionReason } from './rejections';

/** The EOIR tables the pipeline reads (docs/spec.md §1.1). */
export const EOIR_TABLES = ['A_TblCase', 'B_TblProceeding', 'tbl_schedule', 'tbl_JuvenileHistory'] as const;
export type EoirTableName = (typeof EOIR_TABLES)[number];

/** File name -> table, case-insensitively (`b_tblproceeding.csv`, `B_TblProceeding.CSV`). */
export function tableForFileName(fileName: string): EoirTableName | undefined {
  const base = fileName.replace(/^.*\//, '').replace(/\.(csv|txt|tsv)$/i, '').toLowerCase();
  return EOIR_TABLES.find((t) => t.toLowerCase() === base);
}

/**
 * EOIR's other main tables (and its schema file), which the ingest does not read: from
 * EOIR's own schema (`EOIRDB_Schema.csv`, shipped with older releases) and the tables of
 * the 2025-2026 releases. Lookup tables are told by folder and name (isEoirLookupFile).
 */
export const EOIR_OTHER_TABLES: readonly string[] = [
  'A_TblCaseIdentifier', 'B_TblProceedCharges', 'D_TblAssociatedBond', 'tblAction', 'tblAdjournmentcodes',
  'tblAppeal', 'tblAppealFedCourts', 'tblBarCodeType', 'tblDecCode', 'tblINSoffice', 'tblInmateHousing',
  'tblLanguage', 'tblPanels', 'tblProBono', 'tblResponsibleParty', 'tblTeams', 'tblThreeMbrReferrals',
  'tblTortureConvID', 'tbl_CasePriorityHistory', 'tbl_Court_Appln', 'tbl_Court_Motions', 'tbl_CustodyHistory',
  'tbl_EOIR_Attorney', 'tbl_Lead_Rider', 'tbl_RepsAssigned', 'tbl_br_DeductCodes', 'EOIRDB_Schema',
];
const OTHER_TABLES = new Set(EOIR_OTHER_TABLES.map((t) => t.toLowerCase()));

/** An EOIR lookup table: in a `Lookup/` folder, or named `tblLookup…` (EOIR mixes the casing). */
function isEoirLookupFile(path: string): boolean {
  return /(^|[\\/])lookups?[\\/]/i.test(path) || /^tbl_?look_?up/i.test(path.replace(/^.*[\\/]/, ''));
}

/**
 * Why a file of a drop that is no table the ingest reads (nor a completion marker) is not
 * read: an EOIR lookup table, another EOIR table, or an unknown file (worth a look).
 */
export function unreadFileReason(path: string): 'EOIR_LOOKUP_TABLE' | 'EOIR_TABLE_NOT_READ' | 'UNKNOWN_TABLE' {
  if (isEoirLookupFile(path)) return 'EOIR_LOOKUP_TABLE';
  const base = path.replace(/^.*[\\/]/, '').replace(/\.(csv|txt|tsv)$/i, '').toLowerCase();
  return OTHER_TABLES.has(base) ? 'EOIR_TABLE_NOT_READ' : 'UNKNOWN_TABLE';
}

/**
 * A drop's completion marker, not a table: EOIR's `Count.txt` (table row counts) or an
 * empty `READY` object (docs/spec.md §1.1, docs/ingest.md).
 */
export function isDropMarker(fileName: string): boolean {
  const base = fileName.replace(/^.*[\\/]/, '').toLowerCase();
  return base === 'count.txt' || base === 'ready';
}

export type RowResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: RowRejectionReason; readonly detail?: string };

/** What a value of a column looks like, for telling a repaired row from a wrong one. */
export type ColumnShape = 'key' | 'date' | 'time' | 'state' | 'zip' | 'yn' | 'code';

/**
 * How to read one table: the columns it needs (matched by header name, case-insensitively,
 * so reordered and added columns do not matter), optional columns (null when the header
 * lacks them, e.g. the identity columns of the DOJ-to-DHS feed), and the row parser that
 * receives the cleaned values of exactly those columns, required first, in that order.
 */
export interface TableSpec<T> {
  readonly table: EoirTableName;
  readonly columns: readonly string[];
  readonly optionalColumns?: readonly string[];
  /** Free-text columns a stray TAB can split (ALIEN_CITY): candidates of the repair. */
  readonly freeText?: readonly string[];
  /** Shapes of columns (by header name) checked when a shifted row is repaired. */
  readonly shapes?: Readonly<Record<string, ColumnShape>>;
  /**
   * The columns (by index in `columns`) that must hold integer keys. When given, `parse`
   * rejects exactly the rows `keyRejection` rejects (KEY_MISSING, then KEY_NOT_INTEGER) and
   * accepts every other row: the row scan then decides a row's fate from these fields alone
   * and builds the row only when a rule asks for it. Without it every row is parsed.
   */
  readonly keyColumns?: readonly number[];
  /** `values` is reused between rows: read it during the call, never keep it. */
  readonly parse: (values: readonly (string | null)[]) => RowResult<T>;
}

/**
 * Why a row with these cleaned values is rejected for its keys: a key column empty
 * (KEY_MISSING, checked first), or not an EOIR integer key (KEY_NOT_INTEGER); null when
 * its keys are fine.
 */
export function keyRejection(values: readonly (string | null | undefined)[], keyColumns: readonly number[]): 'KEY_MISSING' | 'KEY_NOT_INTEGER' | null {
  for (const k of keyColumns) if (values[k] == null) return 'KEY_MISSING';
  for (const k of keyColumns) if (!isIntegerKey(values[k] as string)) return 'KEY_NOT_INTEGER';
  return null;
}

export interface ParsedRow<T> {
  /** 1-based line number, counted from the start of the part read (the file, or a byte range). */
  readonly lineNumber: number;
  /** Byte offset of the row's first byte in the file: exact whether the file is read whole or in ranges. */
  readonly byteOffset: number;
  readonly result: RowResult<T>;
  /** An accepted row's parsed value (`result.value`), so the row is itself an accepted row for the rules: no wrapper per row. */
  readonly value?: T;
  /** True when the row had one stray TAB and was repaired (see `repairShiftedRow`). */
  readonly repaired: boolean;
  /** The raw line (for quarantine), only on rejected rows. */
  readonly raw?: Buffer;
}

/** The header of a table, read once and shared by every byte range of the file. */
export interface TableHeader {
  readonly delimiter: Delimiter;
  readonly names: readonly string[];
  /** Byte length of the header line, its line end included. */
  readonly byteLength: number;
}

export type HeaderResult =
  | { readonly ok: true; readonly header: TableHeader }
  | { readonly ok: false; readonly reason: TableRejectionReason; readonly detail: string };

/** A byte range of a table file: the rows whose first byte lies in [start, end). */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Plans the byte ranges of a file of `size` bytes, each about `chunkBytes`. Each row
 * belongs to exactly one range: the one holding its first byte.
 */
export function planByteRanges(size: number, chunkBytes: number): ByteRange[] {
  const ranges: ByteRange[] = [];
  const step = Math.max(1, Math.floor(chunkBytes));
  for (let start = 0; start < size; start += step) ranges.push({ start, end: Math.min(size, start + step) });
  return ranges.length > 0 ? ranges : [{ start: 0, end: 0 }];
}

/**
 * The bytes a reader of `range` must fetch: from one byte before the range (to see whether
 * a line starts exactly at `range.start`) to the end of the file (the last row may end past
 * `range.end`; the reader stops early).
 */
export function fetchStartFor(range: ByteRange): number {
  return range.start === 0 ? 0 : range.start - 1;
}
