import { parse, type CsvError } from 'csv-parse';
import { Readable } from 'node:stream';

/**
 * Reading CSV files as spreadsheets write them (UC rosters, work-list returns): RFC 4180 with
 * the liberties Excel takes. csv-parse does the parsing; this module adds what it leaves to us:
 * the text encoding, a refusal for what is not a table at all, and true line numbers.
 */

/** The text encodings a spreadsheet export arrives in: UTF-8 (with or without BOM) or Windows-1252. */
export type TextEncodingName = 'UTF-8' | 'WINDOWS-1252';

export type TextSniff =
  | { readonly ok: true; readonly encoding: TextEncodingName }
  | { readonly ok: false; readonly reason: 'TABLE_EMPTY' | 'TABLE_NOT_TEXT'; readonly detail: string };

const SPACE = new Set([0x20, 0x09, 0x0d, 0x0a, 0xef, 0xbb, 0xbf]);

/**
 * Reads the bytes once to choose the encoding: valid UTF-8 is UTF-8; anything else is
 * Windows-1252 (Excel's "CSV" on Windows), which maps every byte. A NUL byte means the file
 * is not text (a workbook, a PDF, UTF-16): refused, never read as rows. Memory stays at one chunk.
 */
export async function sniffText(bytes: AsyncIterable<Uint8Array>): Promise<TextSniff> {
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let validUtf8 = true;
  let blank = true;
  let first: Uint8Array | undefined;
  for await (const chunk of bytes) {
    first ??= chunk;
    if (chunk.includes(0)) {
      const utf16 = (first[0] === 0xff && first[1] === 0xfe) || (first[0] === 0xfe && first[1] === 0xff);
      return { ok: false, reason: 'TABLE_NOT_TEXT', detail: utf16 ? 'UTF-16 text: save the sheet as CSV (UTF-8)' : 'NUL bytes: not a CSV text file' };
    }
    if (blank && chunk.some((b) => !SPACE.has(b))) blank = false;
    if (validUtf8) {
      try {
        utf8.decode(chunk, { stream: true });
      } catch {
        validUtf8 = false;
      }
    }
  }
  if (validUtf8) {
    try {
      utf8.decode();
    } catch {
      validUtf8 = false;
    }
  }
  if (blank) return { ok: false, reason: 'TABLE_EMPTY', detail: first === undefined ? 'the file is empty' : 'the file holds only blank lines' };
  return { ok: true, encoding: validUtf8 ? 'UTF-8' : 'WINDOWS-1252' };
}

/** A record of the file, or a stretch csv-parse could not read as one (counted by the caller). */
export type CsvRecord =
  | { readonly ok: true; readonly line: number; readonly fields: readonly string[]; readonly raw: string }
  | { readonly ok: false; readonly line: number; readonly reason: 'ROW_MALFORMED_QUOTES' | 'ROW_TOO_LONG'; readonly raw: string };

/** No spreadsheet row is this long; a longer record is an unclosed quote that swallowed lines. */
export const MAX_RECORD_CHARS = 64 * 1024;

const LINE_BREAK = /\r\n|\r|\n/g;
const lineBreaks = (s: string): number => s.match(LINE_BREAK)?.length ?? 0;
const crlfs = (s: string): number => s.split('\r\n').length - 1;
const trimBreaks = (s: string): string => s.replace(/^[\r\n]+|[\r\n]+$/g, '');

/**
 * Streams the records of a CSV file (header first, as any other record) in the given
 * encoding. Handles a BOM, CRLF/LF/CR line ends (detected from the first one), line breaks
 * inside quoted fields (kept in the field), short rows (the caller pads them) and blank lines
 * (skipped). A record csv-parse cannot read (a bad closing quote, a quote never closed) is
 * yielded as a failure with its line, and reading goes on. `line` is the line the record
 * starts on, 1-based, counting every line end of the file.
 */
export async function* csvRecords(bytes: AsyncIterable<Uint8Array>, encoding: TextEncodingName): AsyncGenerator<CsvRecord> {
  const decoder = new TextDecoder(encoding === 'UTF-8' ? 'utf-8' : 'windows-1252');
  async function* text(): AsyncGenerator<string> {
    for await (const chunk of bytes) yield decoder.decode(chunk, { stream: true });
    const tail = decoder.decode();
    if (tail !== '') yield tail;
  }
  // Skips are reported while parsing, ahead of the records still buffered: each waits for
  // the records read before it (csv-parse's `records` count) to be yielded first.
  const skipped: { after: number; record: CsvRecord }[] = [];
  // csv-parse counts CR and LF of a CRLF inside quotes as two lines; `extra` undoes that.
  let extra = 0;
  const parser = parse({
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    info: true,
    raw: true,
    on_skip: (err: CsvError | undefined, raw: string | undefined) => {
      const at = err as unknown as { lines?: number; records?: number } | undefined;
      const lines = Number(at?.lines ?? 0);
      const body = trimBreaks(raw ?? '');
      extra += crlfs(body);
      const record: CsvRecord = { ok: false, line: Math.max(1, lines - extra - lineBreaks(body)), reason: 'ROW_MALFORMED_QUOTES', raw: body.slice(0, 1024) };
      skipped.push({ after: Number(at?.records ?? 0), record });
      return undefined;
    },
  });
  const source = Readable.from(text());
  source.on('error', (e) => parser.destroy(e));
  source.pipe(parser);
  for await (const out of parser as AsyncIterable<{ record: string[]; info: { lines: number; records: number }; raw: string }>) {
    const { record, info, raw } = out;
    while (skipped.length > 0 && (skipped[0]?.after ?? 0) < info.records) yield (skipped.shift() as (typeof skipped)[number]).record;
    let inside = 0;
    let size = 0;
    for (const f of record) {
      extra += crlfs(f);
      inside += lineBreaks(f);
      size += f.length;
    }
    const line = info.lines - extra - inside;
    const body = trimBreaks(raw);
    if (size > MAX_RECORD_CHARS) yield { ok: false, line, reason: 'ROW_TOO_LONG', raw: body.slice(0, 1024) };
    else yield { ok: true, line, fields: record, raw: body };
  }
  for (const s of skipped) yield s.record;
}
