import { cleanField, decodeLine, MAX_LINE_BYTES, trimCr } from './eoir-format';
import { fetchStartFor, type ByteRange, type ColumnShape, type ParsedRow, type TableHeader, type TableSpec } from './eoir-table';
import { repairShiftedRow } from './eoir-row-repair';
import type { RowRejectionReason } from './rejections';

const LF = 0x0a;
const CR = 0x0d;
/** Bytes of a too-long row kept for the quarantine (the rest is skipped, never held). */
export const TOO_LONG_ROW_KEPT_BYTES = 1024;

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
        if (rawBuf[p] === d) {
          if (count <= width) starts[count] = p + 1 + shift;
          count++;
        }
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
    return result.ok ? { lineNumber, byteOffset, repaired, result, value: result.value } : { lineNumber, byteOffset, repaired, result, raw: Buffer.from(rawBuf.subarray(rawFrom, rawTo)) };
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
