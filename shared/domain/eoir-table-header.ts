import { cleanField, decodeLine, detectDelimiter, MAX_LINE_BYTES, trimCr } from './eoir-format';
import type { EoirTableName, HeaderResult, TableHeader, TableSpec } from './eoir-table';
import type { TableRejectionReason } from './rejections';

const LF = 0x0a;
const CR = 0x0d;
const TAB = 0x09;
const NUL = 0x00;

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
