import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { COLUMN_KIND, WORK_LIST_COLUMNS, type WorkListRow } from '../domain/work-list';

/**
 * The two files of a work list. CSV: RFC 4180, CRLF, and a cell that starts with = + - @
 * (a sponsor name typed as a formula) is prefixed with ' by csv-stringify's escape_formulas,
 * so a spreadsheet shows it as text and never runs it. A spreadsheet opening the CSV still
 * reads 012345678 as a number: the xlsx is the file to open.
 */
export function workListCsv(rows: readonly WorkListRow[]): string {
  return stringify(
    rows.map((r) => WORK_LIST_COLUMNS.map((c) => r[c] ?? '')),
    {
      header: true,
      columns: [...WORK_LIST_COLUMNS],
      record_delimiter: 'windows',
      escape_formulas: true,
      // csv-stringify quotes only the record delimiter (CRLF); a lone LF or CR in a street
      // must be quoted too, or a spreadsheet breaks the row there.
      quoted_match: /[\r\n]/,
    },
  );
}

const utcDate = (iso: string): Date | null => (/^\d{4}-\d{2}-\d{2}$/.test(iso) ? new Date(`${iso}T00:00:00Z`) : null);

/**
 * XLSX with exceljs: a header row (bold, frozen, with filters), identifiers and codes as
 * text cells formatted as text (`@`, so a value typed in later stays text too), dates as
 * date cells (yyyy-mm-dd), the rank as a number. Strings are written as strings, never as
 * formulas, whatever they start with.
 */
export async function workListXlsx(rows: readonly WorkListRow[], sheetName: string): Promise<Uint8Array> {
  const book = new ExcelJS.Workbook();
  book.creator = 'Docket Watch';
  const sheet = book.addWorksheet(sheetName.slice(0, 31), { views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }] });
  sheet.columns = WORK_LIST_COLUMNS.map((c) => ({
    header: c,
    key: c,
    width: Math.max(12, c.length + 2),
    style: { numFmt: COLUMN_KIND[c] === 'date' ? 'yyyy-mm-dd' : COLUMN_KIND[c] === 'number' ? '0' : '@' },
  }));
  sheet.getRow(1).font = { bold: true };
  for (const r of rows) {
    const values: Record<string, string | number | Date | null> = {};
    for (const c of WORK_LIST_COLUMNS) {
      const v = r[c];
      if (v === null) values[c] = null;
      else if (COLUMN_KIND[c] === 'date') values[c] = utcDate(v) ?? v;
      else if (COLUMN_KIND[c] === 'number' && /^\d+$/.test(v)) values[c] = Number(v);
      else values[c] = v;
    }
    sheet.addRow(values);
  }
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: WORK_LIST_COLUMNS.length } };
  return new Uint8Array(await book.xlsx.writeBuffer());
}
