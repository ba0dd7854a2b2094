import { cleanField, decodeLine, MAX_LINE_BYTES, trimCr } from './eoir-format';
import { fetchStartFor, type ByteRange, type ColumnShape, type ParsedRow, type TableHeader, type TableSpec } from './eoir-table';
import type { LocatedRow } from './ingest-rules/row-verdicts';
import { repairShiftedRow } from './eoir-row-repair';
import { numericKey, numericKeyIn, numericKeyInBytes } from '../lib/key-set';
import type { RowRejectionReason } from './rejections';

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
/** Bytes of a too-long row kept for the quarantine (the rest is skipped, never held). */
export const TOO_LONG_ROW_KEPT_BYTES = 1024;

/**
 * Input bytes the row scan gathers before it scans them into one batch, whatever the size
 * of the source's chunks (a zip entry or an S3 body arrives 16-64 KiB at a time): the
 * per-batch costs (a text, the bounds arrays, a call of the rules) are paid once per this
 * many bytes (about 800 tbl_schedule rows). Under V8's largest young-generation object
 * (128 KiB), so a batch's text is allocated, and dropped, in the young generation.
 */
export const SCAN_BATCH_BYTES = 120 * 1024;
/**
 * The first batch of a scan is this many bytes, and each next one twice the last, up to
 * `batchBytes`: a table's first rows reach the ingest's rules (and its first FTAs the
 * queues) after a few hundred rows, not after a full batch of thousands.
 */
export const FIRST_SCAN_BATCH_BYTES = 8 * 1024;

/**
 * Scans the rows of one byte range of a table (the whole file is the range [0, Infinity)).
 * `chunks` are the file's bytes from `fetchStartFor(range)`, any size; each chunk is copied
 * into the scan's own buffer before the next is asked for, so a source may reuse its
 * buffer once the scan asks for more. Yields one batch of rows (ScannedRows: the accepted
 * rows, read field by field, and the rejected ones with their reasons) per `batchBytes` of
 * input or so (the first `firstBatchBytes`, each next twice the last: FIRST_SCAN_BATCH_BYTES),
 * synchronously scanned (no per-row promise), so memory stays bounded by
 * `maxLineBytes` plus `batchBytes` plus one batch whatever the file size: a line longer
 * than `maxLineBytes` is rejected ROW_TOO_LONG (its first TOO_LONG_ROW_KEPT_BYTES kept for
 * the quarantine) and the rest of it skipped up to the next line end, never held. Blank
 * lines are skipped (they hold no row); the header line (offset 0) is never a row.
 */
export async function* scanTableRange<T>(
  chunks: AsyncIterable<Uint8Array>,
  header: TableHeader,
  indexes: readonly number[],
  spec: TableSpec<T>,
  range: ByteRange = { start: 0, end: Number.POSITIVE_INFINITY },
  maxLineBytes: number = MAX_LINE_BYTES,
  batchBytes: number = SCAN_BATCH_BYTES,
  firstBatchBytes: number = FIRST_SCAN_BATCH_BYTES,
): AsyncGenerator<ScannedRows<T>> {
  const scanner = new RowScanner(header, indexes, spec, range, maxLineBytes);
  const full = Math.max(1, batchBytes);
  // Small first batches, doubling up to `full`.
  let size = Math.max(1, Math.min(full, firstBatchBytes));
  // Room for a batch, and for a whole line of the longest length read (and its CR LF);
  // a scan of small batches starts smaller and grows to that as a long line needs it.
  const room = Math.max(full, maxLineBytes + 2);
  let work = Buffer.allocUnsafe(Math.min(room, Math.max(size, 4096)));
  let fill = 0;
  for await (const chunk of chunks) {
    let at = 0;
    while (at < chunk.length) {
      if ((fill >= size && fill === work.length) || work.length < size) {
        const grown = Buffer.allocUnsafe(Math.min(room, Math.max(size, work.length * 2)));
        work.copy(grown, 0, 0, fill);
        work = grown;
      }
      // Up to `size` bytes held, then scanned; past a tail longer than that (a line carried
      // over, in a scan of small batches), the buffer's room.
      const n = Math.min(chunk.length - at, fill < size ? size - fill : work.length - fill);
      work.set(n === chunk.length ? chunk : chunk.subarray(at, at + n), fill);
      fill += n;
      at += n;
      if (fill >= size) {
        fill = scanner.scan(work, fill, false);
        const batch = scanner.take();
        if (batch !== null) yield batch;
        if (scanner.done) return;
        size = Math.min(full, size * 2);
      }
    }
  }
  scanner.scan(work, fill, true);
  const batch = scanner.take();
  if (batch !== null) yield batch;
}

/**
 * The row scan's state over one byte range: where the next line starts in the file, the
 * line count, a too-long line being skipped, and the batch being built (its accepted rows'
 * field bounds, line numbers and offsets, written where the batch will keep them: in
 * blocks shared by consecutive batches, each batch a view of its part).
 */
class RowScanner<T> {
  done = false;
  /** File offset of the scan buffer's first byte. */
  private offset: number;
  /** Where the next line starts is known; before that the scan skips to the first LF. */
  private aligned: boolean;
  private lineNumber = 0;
  /** A too-long line being skipped: its row, rejected when its line end is found. */
  private skipping: RejectedRow | null = null;
  /** The delimiter's byte. */
  private readonly delimiter: number;
  private readonly width: number;
  private readonly n: number;
  private readonly span: number;
  private readonly indexes: Int32Array;
  private readonly keyColumns: Int32Array | null;
  private readonly caseColumn: number;
  /** Field starts of the line being scanned (byte offsets), by header column. */
  private readonly starts: Int32Array;
  // The batch being built.
  private rows = 0;
  /** The block the batch's field bounds are written to, from `boundsBase` (`span` per row). */
  private bounds = new Int32Array(0);
  private boundsBase = 0;
  /** The block its line numbers, byte offsets and case keys are written to, from `metaBase` (META per row). */
  private meta = new Float64Array(0);
  private metaBase = 0;
  private parsed: Map<number, HeldRow<T>> | null = null;
  private rejected: RejectedRow[] = [];
  private repaired = 0;
  private text = '';
  // The slow path (an irregular line): a line held parsed, decoded, cleaned, or repaired.
  private readonly freeText: ReadonlySet<number>;
  private readonly shapes: readonly (readonly [number, ColumnShape])[];
  private readonly lineBounds: Int32Array;
  private readonly values: (string | null)[];

  constructor(
    private readonly header: TableHeader,
    indexes: readonly number[],
    private readonly spec: TableSpec<T>,
    private readonly range: ByteRange,
    private readonly maxLineBytes: number,
  ) {
    this.offset = fetchStartFor(range);
    this.aligned = range.start === 0;
    this.width = header.names.length;
    this.n = indexes.length;
    this.span = 2 * this.n;
    this.indexes = Int32Array.from(indexes);
    this.keyColumns = spec.keyColumns === undefined ? null : Int32Array.from(spec.keyColumns);
    this.caseColumn = spec.columns.findIndex((c) => c.toLowerCase() === 'idncase');
    this.starts = new Int32Array(this.width + 2);
    this.delimiter = header.delimiter.charCodeAt(0);
    this.freeText = new Set((spec.freeText ?? []).map((c) => header.names.indexOf(c.toLowerCase())).filter((i) => i >= 0));
    const shapes: [number, ColumnShape][] = [];
    for (const [name, shape] of Object.entries(spec.shapes ?? {})) {
      const i = header.names.indexOf(name.toLowerCase());
      if (i >= 0) shapes.push([i, shape]);
    }
    this.shapes = shapes;
    this.lineBounds = new Int32Array(this.span);
    this.values = new Array<string | null>(this.n).fill(null);
  }

  /**
   * Scans the lines of `work[0..fill)`: every complete line, and at the `end` of the input
   * the last line without its LF. Returns the bytes kept (a line not yet ended, moved to the
   * buffer's start). A line that has run past the limit is rejected and skipped.
   */
  scan(work: Buffer, fill: number, end: boolean): number {
    const buf = fill === work.length ? work : work.subarray(0, fill);
    let pos = 0;
    if (this.skipping !== null) {
      const nl = buf.indexOf(LF);
      if (nl === -1) {
        this.offset += fill;
        if (end) {
          this.rejected.push(this.skipping);
          this.skipping = null;
        }
        return 0;
      }
      this.rejected.push(this.skipping);
      this.skipping = null;
      pos = nl + 1;
    }
    if (!this.aligned) {
      const nl = buf.indexOf(LF, pos);
      if (nl === -1) {
        this.offset += fill;
        return 0;
      }
      pos = nl + 1;
      this.aligned = true;
    }
    const last = buf.lastIndexOf(LF);
    if (last >= pos) {
      this.lines(buf, pos, last + 1);
      if (this.done) return 0;
      pos = last + 1;
    }
    const lineStart = this.offset + pos;
    if (end) {
      // The last line, with no line end.
      if (pos < fill && lineStart < this.range.end && lineStart >= this.header.byteLength) {
        const line = trimCr(buf.subarray(pos, fill));
        this.lineNumber += 1;
        if (line.length > 0) this.bytesLine(line, this.lineNumber, lineStart);
      }
      return 0;
    }
    if (fill - pos > this.maxLineBytes + 1) {
      // No line end within the limit (a CR may still precede the LF): this line is too long.
      // (The header, read and capped by readTableHeader, is never a row: its bytes are dropped.)
      this.offset += fill;
      if (lineStart < this.header.byteLength) return 0;
      if (lineStart >= this.range.end) {
        this.done = true;
        return 0;
      }
      this.lineNumber += 1;
      this.skipping = tooLongRow(buf.subarray(pos, pos + TOO_LONG_ROW_KEPT_BYTES), this.lineNumber, lineStart);
      return 0;
    }
    if (pos > 0) work.copyWithin(0, pos, fill);
    this.offset += pos;
    return fill - pos;
  }

  /** The batch built since the last call (null when it holds no row): a view of the rows written; the next batch is written after it. */
  take(): ScannedRows<T> | null {
    if (this.rows === 0 && this.rejected.length === 0) return null;
    const bounds = this.bounds.subarray(this.boundsBase, this.boundsBase + this.rows * this.span);
    this.boundsBase += this.rows * this.span;
    const meta = this.meta.subarray(this.metaBase, this.metaBase + this.rows * META);
    this.metaBase += this.rows * META;
    const batch = new ScannedRows(this.spec, this.caseColumn, {
      text: this.rows === 0 ? '' : this.text,
      bounds,
      meta,
      length: this.rows,
      parsed: this.parsed,
      rejected: this.rejected,
      repairedCount: this.repaired,
    });
    this.rows = 0;
    this.parsed = null;
    this.rejected = [];
    this.repaired = 0;
    this.text = '';
    return batch;
  }

  /**
   * Scans the complete lines of `buf[from..to)` (`to` just past an LF). One walk over each
   * line's bytes finds its fields (a row has ~30, the rules read ~8) and whether it is
   * plain: the right number of fields, no control character, and its read fields ASCII or,
   * in a cp1252 line, bytes that read the same in latin-1 (highFieldsPlain). A plain line
   * of a table with keyColumns is kept as its read fields' cleaned bounds in the batch's
   * text (the bytes read as latin-1: character offsets are byte offsets), its keys checked
   * and its case key read on the bytes: no string, no object, until a rule asks. Any other
   * line takes the slow path (`parse`).
   */
  private lines(buf: Buffer, from: number, to: number): void {
    const text = buf.toString('latin1', from, to);
    this.text = text;
    const d = this.delimiter;
    const starts = this.starts;
    const width = this.width;
    const n = this.n;
    const span = this.span;
    const indexes = this.indexes;
    const keyColumns = this.keyColumns;
    const caseColumn = this.caseColumn;
    const offset = this.offset;
    const rangeEnd = this.range.end;
    const headerBytes = this.header.byteLength;
    const maxLineBytes = this.maxLineBytes;
    let bounds = this.bounds;
    let meta = this.meta;
    let boundsBase = this.boundsBase;
    let metaBase = this.metaBase;
    let rows = this.rows;
    let lineNumber = this.lineNumber;
    let p = from;
    while (p < to) {
      const ls = p;
      let count = 1;
      /** Control characters (CR included) in the line. */
      let odd = 0;
      /** Where its first byte >= 0x80 is, -1 when it has none. */
      let high = -1;
      starts[0] = ls;
      // The delimiter first (a line has ~30), then printable ASCII (most bytes): one compare
      // each; anything else is the line end, a control character or a byte >= 0x80.
      for (;;) {
        const c = buf[p] as number;
        if (c === d) {
          if (count <= width) starts[count] = p + 1;
          count++;
        } else if (((c - 0x20) >>> 0) >= 0x5f) {
          if (c === LF) break;
          if (c < 0x80) odd++;
          else if (high < 0) high = p;
        }
        p++;
      }
      let end = p;
      p++;
      if (end > ls && buf[end - 1] === CR) {
        end--;
        odd--;
      }
      const lineStart = offset + ls;
      if (lineStart >= rangeEnd) {
        this.done = true;
        break;
      }
      lineNumber++;
      // Blank lines, the header line (and blank lines before it) are not rows.
      if (end === ls || lineStart < headerBytes) continue;
      if (end - ls > maxLineBytes) {
        this.rejected.push(tooLongRow(buf.subarray(ls, end), lineNumber, lineStart));
        continue;
      }
      if (odd !== 0 || count !== width || keyColumns === null) {
        this.rows = rows;
        this.parse(text, ls - from, end - from, buf, ls, end, lineNumber, lineStart, false);
        rows = this.rows;
        bounds = this.bounds;
        meta = this.meta;
        boundsBase = this.boundsBase;
        metaBase = this.metaBase;
        continue;
      }
      if (boundsBase + (rows + 1) * span > bounds.length || metaBase + (rows + 1) * META > meta.length) {
        this.rows = rows;
        this.room();
        bounds = this.bounds;
        meta = this.meta;
        boundsBase = this.boundsBase;
        metaBase = this.metaBase;
      }
      const o = boundsBase + rows * span;
      for (let k = 0; k < n; k++) {
        const i = indexes[k] as number;
        if (i < 0) {
          bounds[o + 2 * k] = -1;
          continue;
        }
        let a = starts[i] as number;
        let b = i + 1 < width ? (starts[i + 1] as number) - 1 : end;
        while (a < b && buf[a] === SPACE) a++;
        while (b > a && buf[b - 1] === SPACE) b--;
        if (isNullField(buf, a, b - a)) bounds[o + 2 * k] = -1;
        else {
          bounds[o + 2 * k] = a - from;
          bounds[o + 2 * k + 1] = b - from;
        }
      }
      if (high >= 0 && !highFieldsPlain(buf, from, bounds, o, n, high, end)) {
        this.rows = rows;
        this.parse(text, ls - from, end - from, buf, ls, end, lineNumber, lineStart, false);
        rows = this.rows;
        bounds = this.bounds;
        meta = this.meta;
        boundsBase = this.boundsBase;
        metaBase = this.metaBase;
        continue;
      }
      const reason = keyBytesRejection(buf, from, bounds, o, keyColumns);
      if (reason !== null) {
        this.reject(reason, false, buf, ls, end, lineNumber, lineStart);
        continue;
      }
      meta[metaBase + META * rows] = lineNumber;
      meta[metaBase + META * rows + 1] = lineStart;
      const ca = caseColumn < 0 ? -1 : (bounds[o + 2 * caseColumn] as number);
      meta[metaBase + META * rows + 2] = ca < 0 ? -1 : numericKeyInBytes(buf, from + ca, from + (bounds[o + 2 * caseColumn + 1] as number));
      rows++;
    }
    this.rows = rows;
    this.lineNumber = lineNumber;
  }

  /**
   * Room for one more row of the batch: when a block is full, a new one (4 times the last,
   * starting small so that a byte range of a few rows allocates little,
   * up to SLAB_BYTES, at least twice the batch's rows so far), the batch's rows moved in.
   * A block is freed when no batch cut from it is alive: a reader holding a batch holds
   * at most its block. (A backing store per batch, allocated, zeroed, freed and its rows
   * copied in, cost about a tenth of the scan's CPU time here, much of it system time.)
   */
  private room(): void {
    const rows = this.rows + 1;
    if (this.boundsBase + rows * this.span > this.bounds.length) {
      const size = Math.max(this.bounds.length === 0 ? 64 : Math.min(SLAB_BYTES / 4, this.bounds.length * 4), 2 * rows * this.span);
      const block = new Int32Array(size);
      block.set(this.bounds.subarray(this.boundsBase, this.boundsBase + this.rows * this.span));
      this.bounds = block;
      this.boundsBase = 0;
    }
    if (this.metaBase + rows * META > this.meta.length) {
      const size = Math.max(this.meta.length === 0 ? 4 * META : Math.min(SLAB_BYTES / 8, this.meta.length * 4), 2 * META * rows);
      const block = new Float64Array(size);
      block.set(this.meta.subarray(this.metaBase, this.metaBase + this.rows * META));
      this.meta = block;
      this.metaBase = 0;
    }
  }

  private reject(reason: RowRejectionReason, repaired: boolean, raw: Buffer, from: number, to: number, lineNumber: number, byteOffset: number): void {
    this.rejected.push({ lineNumber, byteOffset, repaired, result: { ok: false, reason }, raw: Buffer.from(raw.subarray(from, to)) });
  }

  /** A plain row held as `lineBounds` (its read fields' bounds in the batch's text `s`). */
  private addPlain(s: string, lineBounds: Int32Array, lineNumber: number, byteOffset: number): void {
    const i = this.rows;
    const c = this.caseColumn;
    this.room();
    this.bounds.set(lineBounds, this.boundsBase + i * this.span);
    this.meta[this.metaBase + META * i] = lineNumber;
    this.meta[this.metaBase + META * i + 1] = byteOffset;
    this.meta[this.metaBase + META * i + 2] = c < 0 || (lineBounds[2 * c] as number) < 0 ? -1 : numericKeyIn(s, lineBounds[2 * c] as number, lineBounds[2 * c + 1] as number);
    this.rows = i + 1;
  }

  /** The row from `values` through spec.parse: held parsed in the batch (an irregular row), or rejected. */
  private addParsed(repaired: boolean, raw: Buffer, from: number, to: number, lineNumber: number, byteOffset: number): void {
    const result = this.spec.parse(this.values);
    if (!result.ok) {
      this.rejected.push({ lineNumber, byteOffset, repaired, result, raw: Buffer.from(raw.subarray(from, to)) });
      return;
    }
    const i = this.rows;
    this.room();
    this.bounds[this.boundsBase + i * this.span] = -2;
    const caseId = this.caseColumn < 0 ? null : this.values[this.caseColumn];
    this.meta[this.metaBase + META * i] = lineNumber;
    this.meta[this.metaBase + META * i + 1] = byteOffset;
    this.meta[this.metaBase + META * i + 2] = caseId == null ? -1 : numericKey(caseId);
    (this.parsed ??= new Map()).set(i, { values: [...this.values], value: result.value, repaired });
    if (repaired) this.repaired += 1;
    this.rows = i + 1;
  }

  /** The last line of the input (no LF after it): decoded on its own, then parsed. */
  private bytesLine(bytes: Buffer, lineNumber: number, byteOffset: number): void {
    if (bytes.length > this.maxLineBytes) {
      this.rejected.push(tooLongRow(bytes, lineNumber, byteOffset));
      return;
    }
    const line = decodeLine(bytes);
    this.parse(line, 0, line.length, bytes, 0, bytes.length, lineNumber, byteOffset, true);
  }

  /**
   * The slow path: the line `s[from..to)`, whose bytes are `raw[rawFrom..rawTo)` (copied
   * only for a rejected row). `decoded`: `s` is the line decoded on its own (it held bytes
   * >= 0x80); otherwise `s` is the batch's text (latin-1), and a line found to hold such a
   * byte in a field read is decoded on its own (UTF-8 or cp1252) and parsed again. A line
   * with control characters only in fields not read, or only spaces to trim, is still held
   * as bounds; one with a control character in a field read is cleaned (cleanField) and
   * held parsed; one with a field too many is repaired (repairShiftedRow) or rejected.
   */
  private parse(s: string, from: number, to: number, raw: Buffer, rawFrom: number, rawTo: number, lineNumber: number, byteOffset: number, decoded: boolean): void {
    const { width, n, indexes, starts, values, lineBounds } = this;
    const d = this.header.delimiter.charCodeAt(0);
    let count = 1;
    starts[0] = from;
    for (let p = from; p < to; p++) {
      if (s.charCodeAt(p) === d) {
        if (count <= width) starts[count] = p + 1;
        count++;
      }
    }
    if (count === width) {
      let plain = !decoded && this.keyColumns !== null;
      for (let k = 0; k < n; k++) {
        const i = indexes[k] as number;
        if (i < 0) {
          lineBounds[2 * k] = -1;
          values[k] = null;
          continue;
        }
        const a = starts[i] as number;
        const b = i + 1 < width ? (starts[i + 1] as number) - 1 : to;
        const kind = decoded ? PLAIN_UNICODE : fieldKind(s, a, b);
        if (kind === HIGH) {
          const bytes = raw.subarray(rawFrom, rawTo);
          const line = decodeLine(bytes);
          this.parse(line, 0, line.length, bytes, 0, bytes.length, lineNumber, byteOffset, true);
          return;
        }
        if (plain && kind !== PLAIN_ASCII) {
          // The row turned out irregular: the fields held as bounds so far become strings.
          plain = false;
          for (let j = 0; j < k; j++) values[j] = (lineBounds[2 * j] as number) < 0 ? null : s.slice(lineBounds[2 * j], lineBounds[2 * j + 1]);
        }
        if (plain) cleanAsciiBounds(s, a, b, lineBounds, k);
        else values[k] = kind === PLAIN_ASCII ? cleanAsciiRange(s, a, b) : cleanField(s.slice(a, b));
      }
      if (plain) {
        const reason = keyBoundsRejection(s, lineBounds, this.keyColumns as Int32Array);
        if (reason !== null) this.reject(reason, false, raw, rawFrom, rawTo, lineNumber, byteOffset);
        else this.addPlain(s, lineBounds, lineNumber, byteOffset);
        return;
      }
      this.addParsed(false, raw, rawFrom, rawTo, lineNumber, byteOffset);
      return;
    }
    if (!decoded && fieldKind(s, from, to) === HIGH) {
      const bytes = raw.subarray(rawFrom, rawTo);
      const line = decodeLine(bytes);
      this.parse(line, 0, line.length, bytes, 0, bytes.length, lineNumber, byteOffset, true);
      return;
    }
    const fields = s.slice(from, to).split(this.header.delimiter);
    const fixed = fields.length === width + 1 ? repairShiftedRow(fields, this.freeText, this.shapes) : undefined;
    if (fixed === undefined) {
      this.reject(fields.length > width ? 'ROW_EXTRA_FIELDS' : 'ROW_MISSING_FIELDS', false, raw, rawFrom, rawTo, lineNumber, byteOffset);
      return;
    }
    for (let k = 0; k < n; k++) {
      const i = indexes[k] as number;
      values[k] = i < 0 ? null : cleanField(fixed[i]);
    }
    this.addParsed(true, raw, rawFrom, rawTo, lineNumber, byteOffset);
  }
}

/** Numbers kept per accepted row: its line number, byte offset and case key (numericKey of its IDNCASE, -1 when none). */
const META = 3;

/** A block's size: about ten tbl_schedule batches' bounds. */
const SLAB_BYTES = 512 * 1024;

/** A line over the limit: rejected ROW_TOO_LONG, `kept` (its first bytes) for the quarantine. */
function tooLongRow(kept: Buffer, lineNumber: number, byteOffset: number): RejectedRow {
  return { lineNumber, byteOffset, repaired: false, result: { ok: false, reason: 'ROW_TOO_LONG' }, raw: Buffer.from(kept.subarray(0, TOO_LONG_ROW_KEPT_BYTES)) };
}

/** `buf[a..a+len)` (a field trimmed of spaces) reads as null: empty, `NULL` or `N/A`. */
function isNullField(buf: Buffer, a: number, len: number): boolean {
  if (len === 0) return true;
  if (len === 4) return buf[a] === 0x4e && buf[a + 1] === 0x55 && buf[a + 2] === 0x4c && buf[a + 3] === 0x4c;
  if (len === 3) return buf[a] === 0x4e && buf[a + 1] === 0x2f && buf[a + 2] === 0x41;
  return false;
}

/**
 * Whether the read fields of a line with a byte >= 0x80 (the first at `high`, the line
 * ending at `end`), held as cleaned bounds at `bounds[o..o+2n)` (relative to `base` in
 * `buf`), are what the slow path's decoding and cleaning would make of them: fields of
 * ASCII only are, whatever the line's encoding; a field with a byte >= 0x80 is when the
 * line is surely not UTF-8 (then it is cp1252, eoir-format.md 1.2: notCertainlyUtf8 decides
 * from its first such byte), the field holds no byte 0x80-0x9F (where cp1252 differs from
 * latin-1, the text's reading) and neither of its ends is 0xA0 (a no-break space, which
 * trimming a decoded field drops).
 */
function highFieldsPlain(buf: Buffer, base: number, bounds: Int32Array, o: number, n: number, high: number, end: number): boolean {
  let cp1252: boolean | null = null;
  for (let k = 0; k < n; k++) {
    const a = bounds[o + 2 * k] as number;
    if (a < 0) continue;
    const from = base + a;
    const to = base + (bounds[o + 2 * k + 1] as number);
    if (to <= high) continue;
    for (let p = from; p < to; p++) {
      const c = buf[p] as number;
      if (c < 0x80) continue;
      cp1252 ??= surelyNotUtf8(buf, high, end);
      if (!cp1252 || c < 0xa0 || ((p === from || p === to - 1) && c === 0xa0)) return false;
    }
  }
  return true;
}

/**
 * Whether the bytes `buf[..end)` of a line are surely not UTF-8, from its first byte >= 0x80
 * at `high` (all before it ASCII) and the byte after it: no well-formed UTF-8 sequence
 * (RFC 3629) starts with 0x80-0xC1 or 0xF5-0xFF, and each that starts with 0xC2-0xF4 goes on
 * with a byte 0x80-0xBF. False when a sequence may start there (the slow path decides).
 */
function surelyNotUtf8(buf: Buffer, high: number, end: number): boolean {
  const b0 = buf[high] as number;
  if (b0 < 0xc2 || b0 > 0xf4 || high + 1 >= end) return true;
  return ((buf[high + 1] as number) & 0xc0) !== 0x80;
}

/**
 * keyRejection over a plain row's fields held as bounds (relative to `base` in `buf`) at
 * `bounds[o..]`: KEY_MISSING when a key column is null, else KEY_NOT_INTEGER when one is
 * not 1-12 digits, else null.
 */
function keyBytesRejection(buf: Buffer, base: number, bounds: Int32Array, o: number, keyColumns: Int32Array): 'KEY_MISSING' | 'KEY_NOT_INTEGER' | null {
  for (let j = 0; j < keyColumns.length; j++) if ((bounds[o + 2 * (keyColumns[j] as number)] as number) < 0) return 'KEY_MISSING';
  for (let j = 0; j < keyColumns.length; j++) {
    const k = keyColumns[j] as number;
    const a = base + (bounds[o + 2 * k] as number);
    const b = base + (bounds[o + 2 * k + 1] as number);
    if (b - a > 12) return 'KEY_NOT_INTEGER';
    for (let p = a; p < b; p++) {
      const c = buf[p] as number;
      if (c < 0x30 || c > 0x39) return 'KEY_NOT_INTEGER';
    }
  }
  return null;
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
  batchBytes: number = SCAN_BATCH_BYTES,
): AsyncGenerator<ParsedRow<T>[]> {
  for await (const scanned of scanTableRange(chunks, header, indexes, spec, range, maxLineBytes, batchBytes)) {
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

/** A row the scan rejected: where it was read, why, and its raw bytes (for the quarantine). */
export interface RejectedRow {
  readonly lineNumber: number;
  readonly byteOffset: number;
  readonly repaired: boolean;
  readonly result: { readonly ok: false; readonly reason: RowRejectionReason; readonly detail?: string };
  readonly raw: Buffer;
}

/** A row held parsed (an irregular line): its cleaned values and its row. */
interface HeldRow<T> {
  readonly values: readonly (string | null)[];
  readonly value: T;
  readonly repaired: boolean;
}

/** What the row scan hands a batch: `bounds` (2 per read field and row) and `meta` (line number, byte offset, case key: META per row), sized to `length` rows. */
interface ScannedParts<T> {
  readonly text: string;
  readonly bounds: Int32Array;
  readonly meta: Float64Array;
  readonly length: number;
  readonly parsed: Map<number, HeldRow<T>> | null;
  readonly rejected: RejectedRow[];
  readonly repairedCount: number;
}

/**
 * One batch of rows as the row scan leaves them: the accepted rows, read field by field
 * (`field`, `fieldIs`, `isNull`, `fieldAtLeast`: the cleaned value of a spec column, by its index in
 * the spec's columns then optional columns) and built into the table's row only when asked
 * (`row`), and the rejected rows with their reasons (`rejected`, in line order). A plain
 * line is held as the bounds of its fields in the batch's text; a line that was decoded,
 * cleaned of control characters or repaired is held parsed.
 */
export class ScannedRows<T> {
  /** Accepted rows. */
  length: number;
  /** Rejected rows, in line order, with their reason and raw bytes. */
  readonly rejected: RejectedRow[];
  /** Accepted rows that were repaired (one stray TAB undone). */
  repairedCount: number;
  private text: string;
  private readonly width: number;
  /** Per row, the cleaned bounds [from, to) in `text` of each field read (from -1: null); -2 first: the row is held parsed. */
  private bounds: Int32Array;
  /** Per row, its line number and byte offset. */
  private meta: Float64Array;
  /** Rows held parsed (irregular lines), by row index. */
  private parsed: Map<number, HeldRow<T>> | null;
  private caseIdCache: string[] | null = null;
  private readonly values: (string | null)[];

  /** @internal Made by the row scan. */
  constructor(private readonly spec: TableSpec<T>, private readonly caseColumn: number, parts: ScannedParts<T>) {
    this.width = spec.columns.length + (spec.optionalColumns?.length ?? 0);
    this.values = new Array<string | null>(this.width).fill(null);
    this.text = parts.text;
    this.bounds = parts.bounds;
    this.meta = parts.meta;
    this.length = parts.length;
    this.parsed = parts.parsed;
    this.rejected = parts.rejected;
    this.repairedCount = parts.repairedCount;
  }

  /** Room for `rows` accepted rows (doubling, so gathering many batches copies each row a bounded number of times). */
  private reserve(rows: number): void {
    if (rows * META <= this.meta.length) return;
    const room = Math.max(rows, 2 * (this.meta.length / META), 64);
    const bounds = new Int32Array(room * this.width * 2);
    bounds.set(this.bounds.subarray(0, this.length * this.width * 2));
    this.bounds = bounds;
    const meta = new Float64Array(room * META);
    meta.set(this.meta.subarray(0, this.length * META));
    this.meta = meta;
  }

  /**
   * Takes the accepted rows of `next` (a later batch of the same table and scan) after
   * this batch's own, so a reader can hand rows over in batches larger than a scan's.
   * The texts are joined and `next`'s bounds shifted; `next`'s rejected rows are not taken
   * (the reader accounts for them as each batch is scanned), nor its `repairedCount`.
   */
  absorb(next: ScannedRows<T>): void {
    const shift = this.text.length;
    this.text += next.text;
    this.caseIdCache = null;
    this.reserve(this.length + next.length);
    const span = this.width * 2;
    for (let j = 0; j < next.length; j++) {
      const i = this.length + j;
      for (let m = 0; m < META; m++) this.meta[META * i + m] = next.meta[META * j + m] as number;
      const held = next.parsed?.get(j);
      if (held !== undefined) {
        this.bounds[i * span] = -2;
        (this.parsed ??= new Map()).set(i, held);
        continue;
      }
      for (let k = 0; k < span; k++) {
        const b = next.bounds[j * span + k] as number;
        this.bounds[i * span + k] = b < 0 ? b : b + shift;
      }
    }
    this.length += next.length;
  }

  /** The cleaned value of column `k` (index in the spec's columns, then optional columns) of accepted row `i`. */
  field(i: number, k: number): string | null {
    const at = (i * this.width + k) * 2;
    if (this.bounds[i * this.width * 2] === -2) return this.parsed?.get(i)?.values[k] ?? null;
    const a = this.bounds[at] as number;
    return a < 0 ? null : this.text.slice(a, this.bounds[at + 1]);
  }

  /** Whether field(i, k) is null, without cutting a string. */
  isNull(i: number, k: number): boolean {
    if (this.bounds[i * this.width * 2] === -2) return this.field(i, k) === null;
    return (this.bounds[(i * this.width + k) * 2] as number) < 0;
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

  /**
   * The case key of accepted row `i`'s IDNCASE (numericKey: the IDNCASE as a number when it
   * is a plain decimal below 2^32, as EOIR's are; equal for two rows exactly when their
   * IDNCASE strings are), found by the scan without cutting a string; -1 when the row has
   * no IDNCASE or one of another shape (leading zeros, more digits: ask by the string).
   */
  caseKey(i: number): number {
    return this.meta[META * i + 2] as number;
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
    const lineNumber = this.meta[META * i] as number;
    const byteOffset = this.meta[META * i + 1] as number;
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
function keyBoundsRejection(s: string, bounds: Int32Array, keyColumns: ArrayLike<number>): 'KEY_MISSING' | 'KEY_NOT_INTEGER' | null {
  for (let j = 0; j < keyColumns.length; j++) if ((bounds[2 * (keyColumns[j] as number)] as number) < 0) return 'KEY_MISSING';
  for (let j = 0; j < keyColumns.length; j++) {
    const k = keyColumns[j] as number;
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
