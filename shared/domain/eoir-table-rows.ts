import { cleanField, decodeLine, MAX_LINE_BYTES, trimCr } from './eoir-format';
import { fetchStartFor, type ByteRange, type ColumnShape, type ParsedRow, type TableHeader, type TableSpec } from './eoir-table';
import type { LocatedRow } from './ingest-rules/row-verdicts';
import { repairShiftedRow } from './eoir-row-repair';
import type { RowRejectionReason } from './rejections';

const LF = 0x0a;
const CR = 0x0d;
/** Bytes of a too-long row kept for the quarantine (the rest is skipped, never held). */
export const TOO_LONG_ROW_KEPT_BYTES = 1024;

/**
 * Scans the rows of one byte range of a table (the whole file is the range [0, Infinity)).
 * `chunks` are the file's bytes from `fetchStartFor(range)`. Yields one batch of rows per
 * input chunk (ScannedRows: the accepted rows, read field by field, and the rejected ones
 * with their reasons), synchronously scanned (no per-row promise), so memory stays bounded by
 * `maxLineBytes` plus one chunk whatever the file size: a line longer than `maxLineBytes`
 * is rejected ROW_TOO_LONG (its first TOO_LONG_ROW_KEPT_BYTES kept for the quarantine) and
 * the rest of it skipped up to the next line end, never held. Blank lines are skipped
 * (they hold no row); the header line (offset 0) is never a row.
 */
export async function* scanTableRange<T>(
  chunks: AsyncIterable<Uint8Array>,
  header: TableHeader,
  indexes: readonly number[],
  spec: TableSpec<T>,
  range: ByteRange = { start: 0, end: Number.POSITIVE_INFINITY },
  maxLineBytes: number = MAX_LINE_BYTES,
): AsyncGenerator<ScannedRows<T>> {
  const parser = rowParser(header, indexes, spec, maxLineBytes);
  let offset = fetchStartFor(range); // file offset of buf[0]
  let carry: Buffer | null = null;
  // Where the next line starts (file offset), once known; before that we skip to the first LF.
  let aligned = range.start === 0;
  let lineNumber = 0;
  let done = false;
  /** A too-long line being skipped: its row, yielded when its line end is found. */
  let skipping: RejectedRow | null = null;
  const caseColumn = spec.columns.findIndex((c) => c.toLowerCase() === 'idncase');
  let lastRows = 0;
  for await (const chunk of chunks) {
    const buf: Buffer = carry === null ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) : Buffer.concat([carry, chunk]);
    carry = null;
    let pos = 0;
    const batch = new ScannedRows(spec, caseColumn, lastRows + (lastRows >> 3));
    if (skipping !== null) {
      const nl = buf.indexOf(LF);
      if (nl === -1) {
        offset += buf.length;
        continue;
      }
      batch.rejected.push(skipping);
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
      batch.useText(text);
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
          parser.text(batch, text, at, end, buf, pos, lineNumber, lineStart);
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
        if (end > pos && lineStart >= header.byteLength) parser.bytes(batch, buf.subarray(pos, end), lineNumber, lineStart);
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
    lastRows = batch.length;
    if (batch.length > 0 || batch.rejected.length > 0) yield batch;
    if (done) return;
    if (pos < buf.length) carry = Buffer.from(buf.subarray(pos));
    offset += pos;
  }
  if (skipping !== null) {
    const last = new ScannedRows(spec, caseColumn);
    last.rejected.push(skipping);
    yield last;
    return;
  }
  if (carry !== null && carry.length > 0 && offset < range.end && offset >= header.byteLength) {
    const line = trimCr(carry);
    lineNumber += 1;
    if (line.length > 0) {
      const last = new ScannedRows(spec, caseColumn);
      parser.bytes(last, line, lineNumber, offset);
      yield last;
    }
  }
}

/**
 * The rows of one byte range of a table, each a ParsedRow (accepted with its parsed value,
 * or rejected with its reason and raw bytes), in line order: scanTableRange with every
 * accepted row built. For readers that want every row (small tables, tests).
 */
export async function* parseTableRange<T>(
  chunks: AsyncIterable<Uint8Array>,
  header: TableHeader,
  indexes: readonly number[],
  spec: TableSpec<T>,
  range: ByteRange = { start: 0, end: Number.POSITIVE_INFINITY },
  maxLineBytes: number = MAX_LINE_BYTES,
): AsyncGenerator<ParsedRow<T>[]> {
  for await (const scanned of scanTableRange(chunks, header, indexes, spec, range, maxLineBytes)) {
    const rows: ParsedRow<T>[] = [];
    let r = 0;
    for (let i = 0; i < scanned.length; i++) {
      const row = scanned.row(i);
      while (r < scanned.rejected.length && (scanned.rejected[r] as RejectedRow).lineNumber < row.lineNumber) rows.push(scanned.rejected[r++] as RejectedRow);
      rows.push({ lineNumber: row.lineNumber, byteOffset: row.byteOffset, repaired: scanned.isRepaired(i), result: { ok: true, value: row.value }, value: row.value });
    }
    while (r < scanned.rejected.length) rows.push(scanned.rejected[r++] as RejectedRow);
    yield rows;
  }
}

interface RowParser<T> {
  /** A line of an ASCII chunk: `text[from..to)`, whose bytes are `buf[base + from..base + to)`; the batch reads `text`. */
  text(batch: ScannedRows<T>, text: string, from: number, to: number, buf: Buffer, base: number, lineNumber: number, byteOffset: number): void;
  bytes(batch: ScannedRows<T>, bytes: Buffer, lineNumber: number, byteOffset: number): void;
  /** A line over the limit: rejected ROW_TOO_LONG, `kept` (its first bytes) for the quarantine. */
  tooLong(kept: Buffer, lineNumber: number, byteOffset: number): RejectedRow;
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
  const keyColumns = spec.keyColumns;
  const starts = new Int32Array(width + 2);
  /** Cleaned bounds of the fields read, [from, to) in the text; from -1: null. */
  const bounds = new Int32Array(n * 2);
  const values = new Array<string | null>(n).fill(null);
  const d = delimiter.charCodeAt(0);
  const reject = (batch: ScannedRows<T>, reason: RowRejectionReason, rawBuf: Buffer, rawFrom: number, rawTo: number, lineNumber: number, byteOffset: number): void => {
    batch.rejected.push({ lineNumber, byteOffset, repaired: false, result: { ok: false, reason }, raw: Buffer.from(rawBuf.subarray(rawFrom, rawTo)) });
  };
  /** The row from `values` through spec.parse: kept whole in the batch (an irregular row), or rejected. */
  const parsed = (batch: ScannedRows<T>, repaired: boolean, rawBuf: Buffer, rawFrom: number, rawTo: number, lineNumber: number, byteOffset: number): void => {
    const result = spec.parse(values);
    if (result.ok) batch.addParsed(values, result.value, repaired, lineNumber, byteOffset);
    else batch.rejected.push({ lineNumber, byteOffset, repaired, result, raw: Buffer.from(rawBuf.subarray(rawFrom, rawTo)) });
  };
  /**
   * Scans the line `s[from..to)` into `batch` (no slice of it is made). `rawBuf[rawFrom..rawTo)`
   * are its bytes, copied only for a rejected row. `decoded`: `s` is the line decoded on its
   * own (it held bytes >= 0x80); otherwise `s` is the chunk read as latin-1, and a line found
   * to hold such a byte in a field read is decoded on its own. A plain line (the right
   * number of fields, the fields read ASCII without control characters) of a table with
   * keyColumns is kept as the bounds of its fields: no string, no object, until a rule asks.
   */
  const parse = (batch: ScannedRows<T>, s: string, from: number, to: number, rawBuf: Buffer, rawFrom: number, rawTo: number, lineNumber: number, byteOffset: number, decoded: boolean): void => {
    // One pass over the line's characters for the field boundaries (a row has ~30 fields,
    // the rules read ~8); only the fields read are looked at again.
    let count = 1;
    starts[0] = from;
    /** A byte of the line that is a control character (the delimiter aside) or >= 0x7f. */
    let odd = false;
    if (decoded) {
      for (let p = from; p < to; p++) {
        if (s.charCodeAt(p) === d) {
          if (count <= width) starts[count] = p + 1;
          count++;
        }
      }
    } else {
      // `s` is the chunk read as latin-1: its characters are `rawBuf`'s bytes, which are
      // quicker to walk (a typed array) than the string.
      const shift = from - rawFrom;
      for (let p = rawFrom; p < rawTo; p++) {
        const c = rawBuf[p] as number;
        if (c === d) {
          if (count <= width) starts[count] = p + 1 + shift;
          count++;
        } else if (c < 0x20 || c >= 0x7f) odd = true;
      }
    }
    if (count === width) {
      // A field read holding a byte >= 0x80: the line is decoded on its own (UTF-8 or cp1252);
      // one holding a control character is cleaned by cleanField. Others are ASCII, cleaned in place.
      let plain = !decoded && keyColumns !== undefined;
      for (let k = 0; k < n; k++) {
        const i = indexes[k] as number;
        if (i < 0) {
          bounds[2 * k] = -1;
          values[k] = null;
          continue;
        }
        const a = starts[i] as number;
        const b = i + 1 < width ? (starts[i + 1] as number) - 1 : to;
        // A line of printable ASCII (most lines) needs no look at its fields' characters.
        const kind = decoded ? PLAIN_UNICODE : odd ? fieldKind(s, a, b) : PLAIN_ASCII;
        if (kind === HIGH) {
          const bytes = rawBuf.subarray(rawFrom, rawTo);
          const line = decodeLine(bytes);
          parse(batch, line, 0, line.length, bytes, 0, bytes.length, lineNumber, byteOffset, true);
          return;
        }
        if (plain && kind !== PLAIN_ASCII) {
          // The row turned out irregular: the fields held as bounds so far become strings.
          plain = false;
          for (let j = 0; j < k; j++) values[j] = (bounds[2 * j] as number) < 0 ? null : s.slice(bounds[2 * j], bounds[2 * j + 1]);
        }
        if (plain) cleanAsciiBounds(s, a, b, bounds, k);
        else values[k] = kind === PLAIN_ASCII ? cleanAsciiRange(s, a, b) : cleanField(s.slice(a, b));
      }
      if (plain) {
        const reason = keyBoundsRejection(s, bounds, keyColumns as readonly number[]);
        if (reason !== null) reject(batch, reason, rawBuf, rawFrom, rawTo, lineNumber, byteOffset);
        else batch.addPlain(bounds, lineNumber, byteOffset);
        return;
      }
      parsed(batch, false, rawBuf, rawFrom, rawTo, lineNumber, byteOffset);
      return;
    }
    if (!decoded && fieldKind(s, from, to) === HIGH) {
      const bytes = rawBuf.subarray(rawFrom, rawTo);
      const line = decodeLine(bytes);
      parse(batch, line, 0, line.length, bytes, 0, bytes.length, lineNumber, byteOffset, true);
      return;
    }
    const fields = s.slice(from, to).split(delimiter);
    const fixed = fields.length === width + 1 ? repairShiftedRow(fields, freeText, shapes) : undefined;
    if (fixed === undefined) {
      reject(batch, fields.length > width ? 'ROW_EXTRA_FIELDS' : 'ROW_MISSING_FIELDS', rawBuf, rawFrom, rawTo, lineNumber, byteOffset);
      return;
    }
    for (let k = 0; k < n; k++) {
      const i = indexes[k] as number;
      values[k] = i < 0 ? null : cleanField(fixed[i]);
    }
    parsed(batch, true, rawBuf, rawFrom, rawTo, lineNumber, byteOffset);
  };
  const tooLong = (kept: Buffer, lineNumber: number, byteOffset: number): RejectedRow => ({
    lineNumber,
    byteOffset,
    repaired: false,
    result: { ok: false, reason: 'ROW_TOO_LONG' },
    raw: Buffer.from(kept.subarray(0, TOO_LONG_ROW_KEPT_BYTES)),
  });
  return {
    text: (batch, text, from, to, buf, base, lineNumber, byteOffset) => {
      if (to - from > maxLineBytes) batch.rejected.push(tooLong(buf.subarray(base + from, base + to), lineNumber, byteOffset));
      else parse(batch, text, from, to, buf, base + from, base + to, lineNumber, byteOffset, false);
    },
    bytes: (batch, bytes, lineNumber, byteOffset) => {
      if (bytes.length > maxLineBytes) {
        batch.rejected.push(tooLong(bytes, lineNumber, byteOffset));
        return;
      }
      const line = decodeLine(bytes);
      parse(batch, line, 0, line.length, bytes, 0, bytes.length, lineNumber, byteOffset, true);
    },
    tooLong,
  };
}

const NO_BOUNDS = new Int32Array(0);
const NO_ROWS = new Float64Array(0);

/** A row the scan rejected: where it was read, why, and its raw bytes (for the quarantine). */
export interface RejectedRow {
  readonly lineNumber: number;
  readonly byteOffset: number;
  readonly repaired: boolean;
  readonly result: { readonly ok: false; readonly reason: RowRejectionReason; readonly detail?: string };
  readonly raw: Buffer;
}

/**
 * One chunk's rows as the row scan leaves them: the accepted rows, read field by field
 * (`field`, `fieldIs`, `fieldAtLeast`: the cleaned value of a spec column, by its index in
 * the spec's columns then optional columns) and built into the table's row only when asked
 * (`row`), and the rejected rows with their reasons (`rejected`, in line order). A plain
 * line is held as the bounds of its fields in the chunk's text; a line that was decoded,
 * cleaned of control characters or repaired is held parsed.
 */
export class ScannedRows<T> {
  /** Accepted rows. */
  length = 0;
  /** Rejected rows, in line order, with their reason and raw bytes. */
  readonly rejected: RejectedRow[] = [];
  /** Accepted rows that were repaired (one stray TAB undone). */
  repairedCount = 0;
  private text = '';
  private readonly width: number;
  private bounds: Int32Array;
  private lines: Float64Array;
  private offsets: Float64Array;
  /** Rows held parsed (irregular lines), by row index: their cleaned values and row. */
  private parsed: Map<number, { values: (string | null)[]; value: T; repaired: boolean }> | null = null;
  private caseIdCache: string[] | null = null;
  private readonly values: (string | null)[];

  /** `expectedRows`: room made at the first row (the previous chunk's count: chunks are alike). */
  constructor(private readonly spec: TableSpec<T>, private readonly caseColumn: number, private readonly expectedRows = 0) {
    this.width = spec.columns.length + (spec.optionalColumns?.length ?? 0);
    this.values = new Array<string | null>(this.width).fill(null);
    this.bounds = NO_BOUNDS;
    this.lines = NO_ROWS;
    this.offsets = NO_ROWS;
  }

  /** The chunk's text (latin-1) the plain rows' bounds point into. */
  useText(text: string): void {
    this.text = text;
  }

  private grow(): void {
    // A chunk of a real table holds hundreds of rows; a tiny chunk (tests) a few.
    const rows = Math.max(64, this.lines.length === 0 ? this.expectedRows : this.lines.length * 2);
    const bounds = new Int32Array(rows * this.width * 2);
    bounds.set(this.bounds);
    this.bounds = bounds;
    const lines = new Float64Array(rows);
    lines.set(this.lines);
    this.lines = lines;
    const offsets = new Float64Array(rows);
    offsets.set(this.offsets);
    this.offsets = offsets;
  }

  /** @internal The row scan: a plain row, its fields' bounds in the text. */
  addPlain(fieldBounds: Int32Array, lineNumber: number, byteOffset: number): void {
    const i = this.length;
    if (i === this.lines.length) this.grow();
    this.bounds.set(fieldBounds, i * this.width * 2);
    this.lines[i] = lineNumber;
    this.offsets[i] = byteOffset;
    this.length = i + 1;
  }

  /** @internal The row scan: a row parsed whole (decoded, cleaned of control characters, or repaired). */
  addParsed(values: readonly (string | null)[], value: T, repaired: boolean, lineNumber: number, byteOffset: number): void {
    const i = this.length;
    if (i === this.lines.length) this.grow();
    this.bounds[i * this.width * 2] = -2;
    this.lines[i] = lineNumber;
    this.offsets[i] = byteOffset;
    (this.parsed ??= new Map()).set(i, { values: [...values], value, repaired });
    if (repaired) this.repairedCount += 1;
    this.length = i + 1;
  }

  /**
   * Takes the accepted rows of `next` (a later chunk's batch of the same table and scan) after
   * this batch's own, so a reader can hand rows over in batches larger than a stream chunk.
   * The texts are joined and `next`'s bounds shifted; `next`'s rejected rows are not taken
   * (the reader accounts for them as each chunk is scanned), nor its `repairedCount`.
   */
  absorb(next: ScannedRows<T>): void {
    const shift = this.text.length;
    this.text += next.text;
    this.caseIdCache = null;
    const span = this.width * 2;
    const bounds = new Int32Array(span);
    for (let j = 0; j < next.length; j++) {
      const held = next.parsed?.get(j);
      if (held !== undefined) {
        const i = this.length;
        if (i === this.lines.length) this.grow();
        this.bounds[i * span] = -2;
        this.lines[i] = next.lines[j] as number;
        this.offsets[i] = next.offsets[j] as number;
        (this.parsed ??= new Map()).set(i, held);
        this.length = i + 1;
        continue;
      }
      for (let k = 0; k < span; k++) {
        const b = next.bounds[j * span + k] as number;
        bounds[k] = b < 0 ? b : b + shift;
      }
      this.addPlain(bounds, next.lines[j] as number, next.offsets[j] as number);
    }
  }

  /** The cleaned value of column `k` (index in the spec's columns, then optional columns) of accepted row `i`. */
  field(i: number, k: number): string | null {
    const at = (i * this.width + k) * 2;
    if (this.bounds[i * this.width * 2] === -2) return this.parsed?.get(i)?.values[k] ?? null;
    const a = this.bounds[at] as number;
    return a < 0 ? null : this.text.slice(a, this.bounds[at + 1]);
  }

  /** Whether field(i, k) === value, without cutting a string. */
  fieldIs(i: number, k: number, value: string): boolean {
    if (this.bounds[i * this.width * 2] === -2) return this.field(i, k) === value;
    const at = (i * this.width + k) * 2;
    const a = this.bounds[at] as number;
    if (a < 0 || (this.bounds[at + 1] as number) - a !== value.length) return false;
    return this.text.startsWith(value, a);
  }

  /** Whether field(i, k) is not null and sorts at or after `value` (string order), without cutting a string. */
  fieldAtLeast(i: number, k: number, value: string): boolean {
    if (this.bounds[i * this.width * 2] === -2) {
      const v = this.field(i, k);
      return v !== null && v >= value;
    }
    const at = (i * this.width + k) * 2;
    const a = this.bounds[at] as number;
    if (a < 0) return false;
    const b = this.bounds[at + 1] as number;
    const t = this.text;
    for (let p = 0; p < value.length; p++) {
      if (a + p >= b) return false;
      const c = t.charCodeAt(a + p);
      const v = value.charCodeAt(p);
      if (c !== v) return c > v;
    }
    return true;
  }

  /** IDNCASE of accepted row `i` (every table the ingest reads has one, a key). */
  caseId(i: number): string {
    if (this.caseIdCache !== null) return this.caseIdCache[i] as string;
    return this.field(i, this.caseColumn) as string;
  }

  /** IDNCASE of every accepted row, in row order (cut once per batch). */
  caseIds(): string[] {
    if (this.caseIdCache === null) {
      const ids = new Array<string>(this.length);
      for (let i = 0; i < this.length; i++) ids[i] = this.field(i, this.caseColumn) as string;
      this.caseIdCache = ids;
    }
    return this.caseIdCache;
  }

  /** Whether accepted row `i` was repaired (one stray TAB undone). */
  isRepaired(i: number): boolean {
    return this.parsed?.get(i)?.repaired === true;
  }

  /** Accepted row `i` built into the table's row, with where it was read. */
  row(i: number): LocatedRow<T> {
    const lineNumber = this.lines[i] as number;
    const byteOffset = this.offsets[i] as number;
    const held = this.parsed?.get(i);
    if (held !== undefined) return { value: held.value, lineNumber, byteOffset };
    const values = this.values;
    for (let k = 0; k < this.width; k++) values[k] = this.field(i, k);
    const result = this.spec.parse(values);
    // The scan accepted the row for its keys; keyColumns promises parse accepts it too.
    if (!result.ok) throw new Error(`${this.spec.table}: parse rejected a row its keys accept (${result.reason}); keyColumns and parse disagree`);
    return { value: result.value, lineNumber, byteOffset };
  }

  /** The accepted rows for which `keep(i)` holds, built. */
  where(keep: (i: number) => boolean): LocatedRow<T>[] {
    const out: LocatedRow<T>[] = [];
    for (let i = 0; i < this.length; i++) if (keep(i)) out.push(this.row(i));
    return out;
  }
}

/**
 * keyRejection over fields held as bounds in `s` (ASCII, cleaned): KEY_MISSING when a key
 * column is null, else KEY_NOT_INTEGER when one is not 1-12 digits, else null.
 */
function keyBoundsRejection(s: string, bounds: Int32Array, keyColumns: readonly number[]): 'KEY_MISSING' | 'KEY_NOT_INTEGER' | null {
  for (const k of keyColumns) if ((bounds[2 * k] as number) < 0) return 'KEY_MISSING';
  for (const k of keyColumns) {
    const a = bounds[2 * k] as number;
    const b = bounds[2 * k + 1] as number;
    if (b - a > 12) return 'KEY_NOT_INTEGER';
    for (let p = a; p < b; p++) {
      const c = s.charCodeAt(p);
      if (c < 0x30 || c > 0x39) return 'KEY_NOT_INTEGER';
    }
  }
  return null;
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

/** cleanAsciiRange's bounds instead of its string: into `out[2k], out[2k+1]`, from -1 for null. */
function cleanAsciiBounds(s: string, a: number, b: number, out: Int32Array, k: number): void {
  while (a < b && s.charCodeAt(a) === 0x20) a++;
  while (b > a && s.charCodeAt(b - 1) === 0x20) b--;
  const len = b - a;
  if (len === 0 || (len === 4 && s.startsWith('NULL', a)) || (len === 3 && s.startsWith('N/A', a))) {
    out[2 * k] = -1;
    return;
  }
  out[2 * k] = a;
  out[2 * k + 1] = b;
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
