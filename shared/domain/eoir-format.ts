import { isUtf8 } from 'node:buffer';

/**
 * The EOIR export's file conventions (docs: eoir-format.md section 1.2), as pure functions:
 * line splitting, decoding, field cleaning, dates. No I/O.
 */

const LF = 0x0a;
const CR = 0x0d;

export interface RawLine {
  /** 1-based line number in the file, header included. */
  readonly lineNumber: number;
  readonly bytes: Buffer;
  /**
   * The line was longer than the limit: `bytes` holds only its first `maxLineBytes`
   * bytes, the rest was skipped up to the next line end.
   */
  readonly tooLong?: boolean;
}

/**
 * The longest line the ingest reads whole. EOIR rows are under 2 KB (B_TblProceeding, ~40
 * short fields); a longer line is a broken export or a binary file, and keeping it whole
 * could exhaust memory or exceed DynamoDB's 400 KB item limit downstream.
 */
export const MAX_LINE_BYTES = 64 * 1024;

/**
 * Splits a byte stream into lines (LF or CRLF), without decoding. Memory stays bounded by
 * `maxLineBytes` plus one chunk, whatever the file: a longer line is cut, flagged
 * `tooLong`, and the rest of it skipped.
 */
export async function* splitLines(
  chunks: AsyncIterable<Uint8Array>,
  maxLineBytes: number = MAX_LINE_BYTES,
): AsyncGenerator<RawLine> {
  let carry: Buffer | null = null;
  let lineNumber = 0;
  /** Set while skipping the rest of a too-long line: its first bytes. */
  let skipping: Buffer | null = null;
  for await (const chunk of chunks) {
    let buf: Buffer = carry === null ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) : Buffer.concat([carry, chunk]);
    carry = null;
    let start = 0;
    if (skipping !== null) {
      const nl = buf.indexOf(LF);
      if (nl === -1) continue;
      lineNumber += 1;
      yield { lineNumber, bytes: skipping, tooLong: true };
      skipping = null;
      buf = buf.subarray(nl + 1);
    }
    for (let nl = buf.indexOf(LF, start); nl !== -1; nl = buf.indexOf(LF, start)) {
      const end = nl > start && buf[nl - 1] === CR ? nl - 1 : nl;
      lineNumber += 1;
      if (end - start > maxLineBytes) yield { lineNumber, bytes: Buffer.from(buf.subarray(start, start + maxLineBytes)), tooLong: true };
      else yield { lineNumber, bytes: buf.subarray(start, end) };
      start = nl + 1;
    }
    if (start < buf.length) {
      if (buf.length - start > maxLineBytes) {
        skipping = Buffer.from(buf.subarray(start, start + maxLineBytes));
      } else {
        // Copy the tail so the chunk it came from can be collected.
        carry = Buffer.from(buf.subarray(start));
      }
    }
  }
  if (skipping !== null) {
    lineNumber += 1;
    yield { lineNumber, bytes: skipping, tooLong: true };
  }
  if (carry !== null && carry.length > 0) {
    const end = carry[carry.length - 1] === CR ? carry.length - 1 : carry.length;
    lineNumber += 1;
    yield { lineNumber, bytes: carry.subarray(0, end) };
  }
}

/*
 * Windows-1252 differs from Latin-1 only in 0x80-0x9F (curly quotes, dashes, the euro
 * sign). Node 20's TextDecoder('windows-1252') decodes those bytes as Latin-1 controls,
 * so map them here. Undefined bytes (0x81, 0x8D, 0x8F, 0x90, 0x9D) stay as they are.
 */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d, 0x017d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x9d, 0x017e, 0x0178,
];
 
const C1_RANGE = /[\u0080-\u009f]/g;

function decodeWindows1252(bytes: Buffer): string {
  const latin1 = bytes.toString('latin1');
  return latin1.replace(C1_RANGE, (c) => String.fromCharCode(CP1252_HIGH[c.charCodeAt(0) - 0x80] ?? c.charCodeAt(0)));
}

/**
 * Decodes one line. EOIR files are mostly ASCII; where the bytes are not valid UTF-8 they
 * are Windows-1252 (eoir-format.md 1.2, "Mayagüez").
 */
export function decodeLine(bytes: Buffer): string {
  return isUtf8(bytes) ? bytes.toString('utf8') : decodeWindows1252(bytes);
}

export type Delimiter = '\t' | '|';

/** EOIR's `.csv` files are TAB-separated; some feeds use `|`. Decided from the header line. */
export function detectDelimiter(headerLine: string): Delimiter {
  const tabs = headerLine.split('\t').length;
  const pipes = headerLine.split('|').length;
  return pipes > tabs ? '|' : '\t';
}

// NULs and other control characters turn up inside values (eoir-format.md 1.2).
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/g;

/**
 * One field as the ingest sees it: control characters removed, trimmed (codes are padded,
 * `'SP '`), and the placeholders `NULL`, `N/A` and empty turned to null. `NA` is a real
 * code (juvenile "Not Applicable", nationality Netherlands Antilles) and stays.
 */
export function cleanField(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  // A loop over the (short) field beats a regex over the row: only needed fields are checked.
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return cleanPrintable(raw.replace(CONTROL_CHARS, ''));
  }
  return cleanPrintable(raw);
}

/** `cleanField` for a value known to hold no control characters (the caller checked its chunk). */
export function cleanPrintable(raw: string): string | null {
  const value = raw.trim();
  if (value === '' || value === 'NULL' || value === 'N/A') return null;
  return value;
}


/** Dates outside this range are data-entry errors (IN CHANGELOG: clamp to 1950-2035). */
const MIN_YEAR = 1950;
const MAX_YEAR = 2035;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const digit = (s: string, i: number): number => {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
};

/** Digits of s[from..to), or -1 when one is not a digit. */
function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = digit(s, i);
    if (d < 0) return -1;
    n = n * 10 + d;
  }
  return n;
}

const TIME_PART = /^[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?$/;

/**
 * `2019-12-22 00:00:00.000` -> `2019-12-22`. Returns null for anything that is not a real
 * calendar date between 1950 and 2035. (Hand-rolled: it runs on every row of 46M.)
 */
export function parseEoirDate(value: string | null): string | null {
  if (value === null || value.length < 10) return null;
  if (value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45) return null; // '-'
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 7);
  const day = digits(value, 8, 10);
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12 || day < 1) return null;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const max = month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number);
  if (day > max) return null;
  if (value.length > 10) {
    // The common `HH:MM:SS.mmm` tail is 13 characters; check others with the full pattern.
    const tail = value.slice(10);
    if (!(tail.length === 13 && tail.charCodeAt(3) === 58 && tail.charCodeAt(6) === 58 && tail.charCodeAt(9) === 46) && !TIME_PART.test(tail)) {
      return null;
    }
  }
  return value.length === 10 ? value : value.slice(0, 10);
}

/** EOIR integer keys (IDNCASE, IDNPROCEEDING, ...): digits only, kept as strings. */
export function isIntegerKey(value: string): boolean {
  if (value.length < 1 || value.length > 12) return false;
  for (let i = 0; i < value.length; i++) if (digit(value, i) < 0) return false;
  return true;
}

/** A line's bytes without its trailing CR (CRLF line ends). */
export function trimCr(b: Buffer): Buffer {
  return b.length > 0 && b[b.length - 1] === CR ? b.subarray(0, b.length - 1) : b;
}
