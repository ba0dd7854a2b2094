import { cleanField, decodeLine, detectDelimiter, isIntegerKey, MAX_LINE_BYTES, parseEoirDate, type Delimiter } from './eoir-format';
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
 * empty `READY` object (pipeline spec 1.1, README "What a drop is").
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
  /** `values` is reused between rows: read it during the call, never keep it. */
  readonly parse: (values: readonly (string | null)[]) => RowResult<T>;
}

export interface ParsedRow<T> {
  /** 1-based line number, counted from the start of the part read (the file, or a byte range). */
  readonly lineNumber: number;
  /** Byte offset of the row's first byte in the file: exact whether the file is read whole or in ranges. */
  readonly byteOffset: number;
  readonly result: RowResult<T>;
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

const LF = 0x0a;
const CR = 0x0d;
const TAB = 0x09;
const NUL = 0x00;
/** Bytes of a too-long row kept for the quarantine (the rest is skipped, never held). */
export const TOO_LONG_ROW_KEPT_BYTES = 1024;

/**
 * Reads the header line from the first bytes of a table file (leading blank lines skipped).
 * A file with no line at all is TABLE_EMPTY. A file whose first line is not text (a control
 * byte other than TAB; NULs are allowed, EOIR exports embed them, eoir-format.md 1.2) or
 * runs past MAX_LINE_BYTES without a line end is TABLE_NOT_TEXT: a binary file, a zip or
 * gzip renamed `.csv`, never an EOIR header. At most MAX_LINE_BYTES plus one chunk is read
 * after the blank lines.
 *
 * Linear in the bytes read: blank lines (CR and LF bytes) are dropped as they arrive and
 * never held, and each byte is looked at once (only a new chunk is searched for the line
 * end), so megabytes of blank lines before the header cost what reading them costs.
 * `scan`, when given, counts the bytes looked at (for tests of that promise).
 */
export async function readTableHeader(
  chunks: AsyncIterable<Uint8Array>,
  table: EoirTableName,
  maxLineBytes: number = MAX_LINE_BYTES,
  scan?: { bytes: number },
): Promise<HeaderResult> {
  /** Blank-line bytes before the header, dropped as read. */
  let skipped = 0;
  /** The header line's bytes so far (from its first byte), and where its LF is once found. */
  const parts: Buffer[] = [];
  let held = 0;
  let lineEnd = -1;
  for await (const chunk of chunks) {
    let c = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (held === 0) {
      const blank = leadingBlankBytes(c);
      if (scan) scan.bytes += blank;
      skipped += blank;
      c = c.subarray(blank);
      if (c.length === 0) continue;
    }
    const nl = c.indexOf(LF);
    if (scan) scan.bytes += nl === -1 ? c.length : nl + 1;
    if (nl !== -1) {
      parts.push(c.subarray(0, nl));
      lineEnd = held + nl;
      held += nl;
      break;
    }
    parts.push(c);
    held += c.length;
    if (held > maxLineBytes + 1) break;
  }
  if (held === 0 && lineEnd === -1) return { ok: false, reason: 'TABLE_EMPTY', detail: `${table} has no header line` };
  const line = trimCr(Buffer.concat(parts, held));
  const end = skipped + (lineEnd === -1 ? held : lineEnd + 1);
  if (line.length > maxLineBytes) {
    return { ok: false, reason: 'TABLE_NOT_TEXT', detail: `${table} has no line end in its first ${maxLineBytes} bytes` };
  }
  if (!isTextLine(line)) {
    return { ok: false, reason: 'TABLE_NOT_TEXT', detail: `${table} starts with control bytes, not a text header line` };
  }
  const text = decodeLine(line);
  const delimiter = detectDelimiter(text);
  const names = text.split(delimiter).map((h) => (cleanField(h) ?? '').toLowerCase());
  return { ok: true, header: { delimiter, names, byteLength: end } };
}

const trimCr = (b: Buffer): Buffer => (b.length > 0 && b[b.length - 1] === CR ? b.subarray(0, b.length - 1) : b);

function leadingBlankBytes(buf: Buffer): number {
  let i = 0;
  while (i < buf.length && (buf[i] === LF || buf[i] === CR)) i++;
  return i;
}

/** Text: no control byte but TAB (and NUL and stray CR, EOIR quirks); cp1252 bytes >= 0x80 are text. */
function isTextLine(line: Buffer): boolean {
  for (const b of line) if (b < 0x20 && b !== TAB && b !== NUL && b !== CR) return false;
  return line.some((b) => b !== NUL);
}

/** The needed columns' positions in a header, or the table rejection when one is missing. */
export function mapColumns<T>(
  header: TableHeader,
  spec: TableSpec<T>,
): { ok: true; indexes: readonly number[] } | { ok: false; reason: TableRejectionReason; detail: string } {
  const required = spec.columns.map((c) => header.names.indexOf(c.toLowerCase()));
  const missing = spec.columns.filter((_, i) => required[i] === -1);
  if (missing.length > 0) {
    return { ok: false, reason: 'HEADER_MISSING_COLUMNS', detail: `${spec.table} header lacks ${missing.join(', ')}` };
  }
  const optional = (spec.optionalColumns ?? []).map((c) => header.names.indexOf(c.toLowerCase()));
  return { ok: true, indexes: [...required, ...optional] };
}

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

/**
 * Parses the rows of one byte range of a table (the whole file is the range [0, Infinity)).
 * `chunks` are the file's bytes from `fetchStartFor(range)`. Yields one batch of rows per
 * input chunk, synchronously parsed (no per-row promise), so memory stays bounded by
 * `maxLineBytes` plus one chunk whatever the file size: a line longer than `maxLineBytes`
 * is rejected ROW_TOO_LONG (its first TOO_LONG_ROW_KEPT_BYTES kept for the quarantine) and
 * the rest of it skipped up to the next line end, never held. Blank lines are skipped
 * (they hold no row); the header line (offset 0) is never a row.
 */
export async function* parseTableRange<T>(
  chunks: AsyncIterable<Uint8Array>,
  header: TableHeader,
  indexes: readonly number[],
  spec: TableSpec<T>,
  range: ByteRange = { start: 0, end: Number.POSITIVE_INFINITY },
  maxLineBytes: number = MAX_LINE_BYTES,
): AsyncGenerator<ParsedRow<T>[]> {
  const parser = rowParser(header, indexes, spec, maxLineBytes);
  let offset = fetchStartFor(range); // file offset of buf[0]
  let carry: Buffer | null = null;
  // Where the next line starts (file offset), once known; before that we skip to the first LF.
  let aligned = range.start === 0;
  let lineNumber = 0;
  let done = false;
  /** A too-long line being skipped: its row, yielded when its line end is found. */
  let skipping: ParsedRow<T> | null = null;
  for await (const chunk of chunks) {
    const buf: Buffer = carry === null ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) : Buffer.concat([carry, chunk]);
    carry = null;
    let pos = 0;
    const batch: ParsedRow<T>[] = [];
    if (skipping !== null) {
      const nl = buf.indexOf(LF);
      if (nl === -1) {
        offset += buf.length;
        continue;
      }
      batch.push(skipping);
      skipping = null;
      pos = nl + 1;
    }
    if (!aligned) {
      const nl = buf.indexOf(LF);
      if (nl === -1) {
        offset += buf.length;
        continue;
      }
      pos = nl + 1;
      aligned = true;
    }
    const last = buf.lastIndexOf(LF);
    if (last >= pos) {
      // One latin-1 string for the chunk: character offsets are byte offsets, and an ASCII
      // line (most lines of real files) is read from it directly; a line holding any byte
      // >= 0x80 is decoded on its own (decodeLine: UTF-8 or cp1252), by the row parser.
      const text = buf.toString('latin1', pos, last + 1);
      let at = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', at)) {
        const lineStart = offset + pos + at;
        if (lineStart >= range.end) {
          done = true;
          break;
        }
        const end = nl > at && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        lineNumber += 1;
        if (end > at && lineStart >= header.byteLength) {
          batch.push(parser.text(text, at, end, buf, pos, lineNumber, lineStart));
        }
        at = nl + 1;
      }
      pos += at;
    } else {
      for (let nl = buf.indexOf(LF, pos); nl !== -1; nl = buf.indexOf(LF, pos)) {
        const lineStart = offset + pos;
        if (lineStart >= range.end) {
          done = true;
          break;
        }
        const end = nl > pos && buf[nl - 1] === CR ? nl - 1 : nl;
        lineNumber += 1;
        // The header line (and blank lines before it) are not rows.
        if (end > pos && lineStart >= header.byteLength) batch.push(parser.bytes(buf.subarray(pos, end), lineNumber, lineStart));
        pos = nl + 1;
      }
    }
    if (!done && buf.length - pos > maxLineBytes + 1 && offset + pos >= header.byteLength) {
      // No line end within the limit (a CR may still precede the LF): this line is too long.
      // (The header, read and capped by readTableHeader, is never a row.)
      const lineStart = offset + pos;
      if (lineStart >= range.end) done = true;
      else {
        lineNumber += 1;
        skipping = parser.tooLong(buf.subarray(pos, pos + TOO_LONG_ROW_KEPT_BYTES), lineNumber, lineStart);
        pos = buf.length;
      }
    }
    if (batch.length > 0) yield batch;
    if (done) return;
    if (pos < buf.length) carry = Buffer.from(buf.subarray(pos));
    offset += pos;
  }
  if (skipping !== null) {
    yield [skipping];
    return;
  }
  if (carry !== null && carry.length > 0 && offset < range.end && offset >= header.byteLength) {
    const line = trimCr(carry);
    lineNumber += 1;
    if (line.length > 0) yield [parser.bytes(line, lineNumber, offset)];
  }
}

interface RowParser<T> {
  /** A line of an ASCII chunk: `text[from..to)`, whose bytes are `buf[base + from..base + to)`. */
  text(text: string, from: number, to: number, buf: Buffer, base: number, lineNumber: number, byteOffset: number): ParsedRow<T>;
  bytes(bytes: Buffer, lineNumber: number, byteOffset: number): ParsedRow<T>;
  /** A line over the limit: rejected ROW_TOO_LONG, `kept` (its first bytes) for the quarantine. */
  tooLong(kept: Buffer, lineNumber: number, byteOffset: number): ParsedRow<T>;
}

function rowParser<T>(header: TableHeader, indexes: readonly number[], spec: TableSpec<T>, maxLineBytes: number): RowParser<T> {
  const width = header.names.length;
  const delimiter = header.delimiter;
  const freeText = new Set((spec.freeText ?? []).map((c) => header.names.indexOf(c.toLowerCase())).filter((i) => i >= 0));
  const shapes: [number, ColumnShape][] = [];
  for (const [name, shape] of Object.entries(spec.shapes ?? {})) {
    const i = header.names.indexOf(name.toLowerCase());
    if (i >= 0) shapes.push([i, shape]);
  }
  const n = indexes.length;
  const starts = new Int32Array(width + 2);
  const values = new Array<string | null>(n).fill(null);
  const d = delimiter.charCodeAt(0);
  /**
   * Parses the line `s[from..to)` (no slice of it is made: only the needed fields are cut
   * from `s`). `rawBuf[rawFrom..rawTo)` are its bytes, copied only for a rejected row.
   * `decoded`: `s` is the line decoded on its own (it held bytes >= 0x80); otherwise `s` is
   * the chunk read as latin-1, and a line found to hold such a byte is decoded on its own.
   */
  const parse = (s: string, from: number, to: number, rawBuf: Buffer, rawFrom: number, rawTo: number, lineNumber: number, byteOffset: number, decoded: boolean): ParsedRow<T> => {
    // One pass over the line's characters for the field boundaries (a row has ~30 fields,
    // the rules read ~8); only the fields read are looked at again.
    let count = 1;
    starts[0] = from;
    for (let p = from; p < to; p++) {
      if (s.charCodeAt(p) === d) {
        if (count <= width) starts[count] = p + 1;
        count++;
      }
    }
    // One array per parser, reused: `spec.parse` reads it synchronously and keeps nothing.
    let repaired = false;
    if (count === width) {
      // A field read holding a byte >= 0x80: the line is decoded on its own (UTF-8 or cp1252);
      // one holding a control character is cleaned by cleanField. Others are ASCII, cleaned in place.
      for (let k = 0; k < n; k++) {
        const i = indexes[k] as number;
        if (i < 0) values[k] = null;
        else {
          const a = starts[i] as number;
          const b = i + 1 < width ? (starts[i + 1] as number) - 1 : to;
          const kind = decoded ? PLAIN_UNICODE : fieldKind(s, a, b);
          if (kind === HIGH) {
            const bytes = rawBuf.subarray(rawFrom, rawTo);
            const line = decodeLine(bytes);
            return parse(line, 0, line.length, bytes, 0, bytes.length, lineNumber, byteOffset, true);
          }
          values[k] = kind === PLAIN_ASCII ? cleanAsciiRange(s, a, b) : cleanField(s.slice(a, b));
        }
      }
    } else {
      if (!decoded && fieldKind(s, from, to) === HIGH) {
        const bytes = rawBuf.subarray(rawFrom, rawTo);
        const line = decodeLine(bytes);
        return parse(line, 0, line.length, bytes, 0, bytes.length, lineNumber, byteOffset, true);
      }
      const fields = s.slice(from, to).split(delimiter);
      const fixed = fields.length === width + 1 ? repairShiftedRow(fields, freeText, shapes) : undefined;
      if (fixed === undefined) {
        const reason: RowRejectionReason = fields.length > width ? 'ROW_EXTRA_FIELDS' : 'ROW_MISSING_FIELDS';
        return { lineNumber, byteOffset, repaired, result: { ok: false, reason }, raw: Buffer.from(rawBuf.subarray(rawFrom, rawTo)) };
      }
      repaired = true;
      for (let k = 0; k < n; k++) {
        const i = indexes[k] as number;
        values[k] = i < 0 ? null : cleanField(fixed[i]);
      }
    }
    const result = spec.parse(values);
    return result.ok ? { lineNumber, byteOffset, repaired, result } : { lineNumber, byteOffset, repaired, result, raw: Buffer.from(rawBuf.subarray(rawFrom, rawTo)) };
  };
  const tooLong = (kept: Buffer, lineNumber: number, byteOffset: number): ParsedRow<T> => ({
    lineNumber,
    byteOffset,
    repaired: false,
    result: { ok: false, reason: 'ROW_TOO_LONG' },
    raw: Buffer.from(kept.subarray(0, TOO_LONG_ROW_KEPT_BYTES)),
  });
  const self: RowParser<T> = {
    text: (text, from, to, buf, base, lineNumber, byteOffset) =>
      to - from > maxLineBytes
        ? tooLong(buf.subarray(base + from, base + to), lineNumber, byteOffset)
        : parse(text, from, to, buf, base + from, base + to, lineNumber, byteOffset, false),
    bytes: (bytes, lineNumber, byteOffset) => {
      if (bytes.length > maxLineBytes) return tooLong(bytes, lineNumber, byteOffset);
      const line = decodeLine(bytes);
      return parse(line, 0, line.length, bytes, 0, bytes.length, lineNumber, byteOffset, true);
    },
    tooLong,
  };
  return self;
}

const PLAIN_ASCII = 0;
const CONTROL = 1;
const HIGH = 2;
/** A decoded line: cleaned by cleanField (its whitespace may be other than spaces). */
const PLAIN_UNICODE = 3;

/** Whether `s[a..b)` (latin-1 text) holds a byte >= 0x80 (HIGH), else a control character (CONTROL), else neither. */
function fieldKind(s: string, a: number, b: number): number {
  let kind = PLAIN_ASCII;
  for (let p = a; p < b; p++) {
    const c = s.charCodeAt(p);
    if (c >= 0x80) return HIGH;
    if (c < 0x20 || c === 0x7f) kind = CONTROL;
  }
  return kind;
}

/**
 * `cleanField` of `s[a..b)` for a field known to be ASCII without control characters: the
 * spaces around it dropped, `NULL`, `N/A` and empty read as null; nothing is cut from `s`
 * for a null.
 */
function cleanAsciiRange(s: string, a: number, b: number): string | null {
  while (a < b && s.charCodeAt(a) === 0x20) a++;
  while (b > a && s.charCodeAt(b - 1) === 0x20) b--;
  const len = b - a;
  if (len === 0) return null;
  if (len === 4 && s.charCodeAt(a) === 0x4e && s.startsWith('NULL', a)) return null;
  if (len === 3 && s.charCodeAt(a) === 0x4e && s.startsWith('N/A', a)) return null;
  return s.slice(a, b);
}

/**
 * The stray-tab repair rule (eoir-format.md 1.2: about 101 A_TblCase rows, mostly a TAB
 * inside ALIEN_CITY, and about 71 B_TblProceeding rows with an extra TAB). A row with
 * exactly one field too many is repaired only when exactly ONE way of undoing one stray
 * TAB gives a row in which every column of known shape (keys, dates, times, state, ZIP,
 * Y/N flags, codes) holds a value of that shape or is empty. The candidates are: joining a
 * free-text column with the field after it (the TAB was inside the text, e.g. a city), and
 * dropping one empty field (an extra TAB between fields). Candidates giving the same row
 * count once. No candidate, or two different ones: the row is not repaired (rejected as
 * ROW_EXTRA_FIELDS). The rule never guesses between two readings.
 */
export function repairShiftedRow(
  fields: readonly string[],
  freeText: ReadonlySet<number>,
  shapes: readonly (readonly [number, ColumnShape])[],
): string[] | undefined {
  if (shapes.length === 0) return undefined;
  const seen = new Set<string>();
  let found: string[] | undefined;
  let count = 0;
  const consider = (candidate: string[]): void => {
    const key = candidate.join('\t');
    if (seen.has(key)) return;
    seen.add(key);
    if (!shapes.every(([i, shape]) => fitsShape(candidate[i], shape))) return;
    count += 1;
    found = candidate;
  };
  for (const i of freeText) {
    if (i + 1 < fields.length) {
      consider([...fields.slice(0, i), `${fields[i]} ${fields[i + 1]}`.trim(), ...fields.slice(i + 2)]);
    }
  }
  for (let i = 0; i < fields.length; i++) {
    if ((cleanField(fields[i]) ?? '') === '' ) consider([...fields.slice(0, i), ...fields.slice(i + 1)]);
    if (count > 1) return undefined;
  }
  return count === 1 ? found : undefined;
}

const SHAPES: Record<ColumnShape, (v: string) => boolean> = {
  key: isIntegerKey,
  date: (v) => parseEoirDate(v) !== null,
  time: (v) => /^\d{3,4}$/.test(v),
  state: (v) => /^[A-Z]{2}$/i.test(v),
  zip: (v) => /^\d{3,5}(-?\d{4})?$/.test(v),
  yn: (v) => /^[YN]$/i.test(v),
  code: (v) => /^[A-Z0-9/]{1,6}$/i.test(v),
};

function fitsShape(raw: string | undefined, shape: ColumnShape): boolean {
  const v = cleanField(raw);
  return v === null || SHAPES[shape](v);
}

export type OpenedTable<T> =
  | { readonly ok: true; readonly delimiter: Delimiter; readonly rows: AsyncIterable<ParsedRow<T>> }
  | { readonly ok: false; readonly reason: TableRejectionReason; readonly detail: string };

/**
 * Reads a whole table from one stream: the header, then every data row parsed or rejected
 * with a reason. A header without a needed column rejects the whole table.
 */
export async function openEoirTable<T>(chunks: AsyncIterable<Uint8Array>, spec: TableSpec<T>): Promise<OpenedTable<T>> {
  // Buffer the stream's chunks so the header read does not lose any bytes.
  const iterator = chunks[Symbol.asyncIterator]();
  const seen: Uint8Array[] = [];
  async function* headerChunks(): AsyncGenerator<Uint8Array> {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      seen.push(next.value);
      yield next.value;
    }
  }
  const head = await readTableHeader(headerChunks(), spec.table);
  if (!head.ok) return head;
  const mapped = mapColumns(head.header, spec);
  if (!mapped.ok) return mapped;
  async function* replay(): AsyncGenerator<Uint8Array> {
    yield* seen;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  const batches = parseTableRange(replay(), head.header, mapped.indexes, spec);
  async function* rows(): AsyncGenerator<ParsedRow<T>> {
    for await (const batch of batches) yield* batch;
  }
  return { ok: true, delimiter: head.header.delimiter, rows: rows() };
}
