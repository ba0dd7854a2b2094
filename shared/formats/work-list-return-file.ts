import ExcelJS from 'exceljs';
import { csvRecords, sniffText, type CsvRecord, type TextEncodingName } from './csv-records';

/**
 * A returned work list as records (header first), whichever file the field office sent
 * back: the .xlsx it received (read with exceljs; first sheet; a cell's shown value, never a
 * formula run) or a .csv (csv-records.ts: any encoding and line ends Excel writes).
 */
export type ReturnFile =
  | { readonly ok: true; readonly format: 'xlsx' | 'csv'; readonly encoding?: TextEncodingName; readonly records: AsyncIterable<CsvRecord> }
  | { readonly ok: false; readonly reason: 'TABLE_EMPTY' | 'TABLE_NOT_TEXT' | 'WORKBOOK_UNREADABLE'; readonly detail: string };

/** A day's work list is a few hundred rows; a workbook this big is not one (and is not loaded). */
export const MAX_WORKBOOK_BYTES = 32 * 1024 * 1024;

const pad = (n: number): string => String(n).padStart(2, '0');

/** What the cell shows, as text: dates as YYYY-MM-DD, formulas by their cached result. */
export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return `${value.getUTCFullYear()}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`;
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('formula' in value || 'sharedFormula' in value) return cellText((value as { result?: ExcelJS.CellValue }).result ?? null);
    if ('text' in value) return String(value.text);
    if ('error' in value) return '';
    return '';
  }
  return String(value);
}

async function readAll(bytes: AsyncIterable<Uint8Array>): Promise<Buffer | null> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of bytes) {
    size += chunk.length;
    if (size > MAX_WORKBOOK_BYTES) return null;
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

export async function readReturnFile(fileName: string, open: () => AsyncIterable<Uint8Array>): Promise<ReturnFile> {
  if (!/\.xlsx$/i.test(fileName)) {
    const sniff = await sniffText(open());
    if (!sniff.ok) return sniff;
    return { ok: true, format: 'csv', encoding: sniff.encoding, records: csvRecords(open(), sniff.encoding) };
  }
  const bytes = await readAll(open());
  if (bytes === null) return { ok: false, reason: 'WORKBOOK_UNREADABLE', detail: `larger than ${MAX_WORKBOOK_BYTES} bytes` };
  if (bytes.length === 0) return { ok: false, reason: 'TABLE_EMPTY', detail: 'the file is empty' };
  const book = new ExcelJS.Workbook();
  try {
    await book.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (err) {
    return { ok: false, reason: 'WORKBOOK_UNREADABLE', detail: `not an .xlsx workbook (${err instanceof Error ? err.message.slice(0, 120) : 'unreadable'})` };
  }
  const sheet = book.worksheets[0];
  if (sheet === undefined || sheet.rowCount === 0) return { ok: false, reason: 'TABLE_EMPTY', detail: 'the workbook has no rows' };
  async function* records(): AsyncGenerator<CsvRecord> {
    for (let r = 1; r <= sheet!.rowCount; r++) {
      const row = sheet!.getRow(r);
      const fields: string[] = [];
      for (let c = 1; c <= row.cellCount; c++) fields.push(cellText(row.getCell(c).value));
      if (fields.every((f) => f.trim() === '')) continue;
      yield { ok: true, line: r, fields, raw: fields.join(',') };
    }
  }
  return { ok: true, format: 'xlsx', records: records() };
}
