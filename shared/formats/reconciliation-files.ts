import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import type { ReconciliationLine } from '../domain/opla-reconciliation';

/** The columns of the reconciliation list (CSV, xlsx and the emailed attachment). */
export const RECONCILIATION_COLUMNS = [
  'CATEGORY', 'REASON', 'AOR', 'FTA_ID', 'FTA_KIND', 'EOIR_CASE_ID', 'A_NUMBER', 'DOJ_FTA_DATE', 'DOJ_STATUS', 'DOJ_RECORDED_ON',
  'OPLA_LINE', 'OPLA_FTA_DATE', 'OPLA_RECORDED_ON', 'DAYS_SINCE_FTA', 'DAYS_SINCE_RECORDED',
] as const;

type Column = (typeof RECONCILIATION_COLUMNS)[number];
const DATE_COLUMNS: ReadonlySet<Column> = new Set(['DOJ_FTA_DATE', 'DOJ_RECORDED_ON', 'OPLA_FTA_DATE', 'OPLA_RECORDED_ON']);
const NUMBER_COLUMNS: ReadonlySet<Column> = new Set(['OPLA_LINE', 'DAYS_SINCE_FTA', 'DAYS_SINCE_RECORDED']);

function cells(l: ReconciliationLine): Record<Column, string | number | null> {
  return {
    CATEGORY: l.category, REASON: l.reason, AOR: l.aor, FTA_ID: l.ftaId, FTA_KIND: l.kind, EOIR_CASE_ID: l.caseId, A_NUMBER: l.aNumber,
    DOJ_FTA_DATE: l.dojDate, DOJ_STATUS: l.dojStatus, DOJ_RECORDED_ON: l.dojRecordedOn,
    OPLA_LINE: l.oplaLine, OPLA_FTA_DATE: l.oplaDate, OPLA_RECORDED_ON: l.oplaRecordedOn,
    DAYS_SINCE_FTA: l.daysSinceFta, DAYS_SINCE_RECORDED: l.daysSinceRecorded,
  };
}

/**
 * The list as CSV: RFC 4180, CRLF, and a cell starting with = + - @ prefixed with ' by
 * csv-stringify's escape_formulas (the same safety as the work lists'), so a spreadsheet
 * never runs a value as a formula.
 */
export function reconciliationCsv(lines: readonly ReconciliationLine[]): string {
  return stringify(
    lines.map((l) => {
      const c = cells(l);
      return RECONCILIATION_COLUMNS.map((k) => (c[k] === null ? '' : String(c[k])));
    }),
    { header: true, columns: [...RECONCILIATION_COLUMNS], record_delimiter: 'windows', escape_formulas: true, quoted_match: /[\r\n]/ },
  );
}

/**
 * The list as xlsx (exceljs): a summary sheet (counts per AOR) and the list, its header bold,
 * frozen, filtered; ids and codes as text cells (an A-number keeps its leading 0), dates as
 * dates, counts as numbers. Values are written as values, never as formulas.
 */
export async function reconciliationXlsx(
  lines: readonly ReconciliationLine[],
  summary: readonly { aor: string; matched: number; missingFromOpla: number; unsupported: number; rescindedInDoj: number; oldestMissingDays: number | null }[],
): Promise<Uint8Array> {
  const book = new ExcelJS.Workbook();
  book.creator = 'Docket Watch';
  const counts = book.addWorksheet('Summary', { views: [{ state: 'frozen', ySplit: 1 }] });
  counts.columns = ['AOR', 'MISSING_FROM_OPLA', 'UNSUPPORTED', 'RESCINDED_IN_DOJ', 'MATCHED', 'OLDEST_MISSING_DAYS'].map((h) => ({
    header: h, key: h, width: Math.max(10, h.length + 2), style: { numFmt: h === 'AOR' ? '@' : '0' },
  }));
  counts.getRow(1).font = { bold: true };
  for (const s of summary) {
    counts.addRow({ AOR: s.aor, MISSING_FROM_OPLA: s.missingFromOpla, UNSUPPORTED: s.unsupported, RESCINDED_IN_DOJ: s.rescindedInDoj, MATCHED: s.matched, OLDEST_MISSING_DAYS: s.oldestMissingDays });
  }
  const sheet = book.addWorksheet('Reconciliation', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = RECONCILIATION_COLUMNS.map((c) => ({
    header: c, key: c, width: Math.max(12, c.length + 2), style: { numFmt: DATE_COLUMNS.has(c) ? 'yyyy-mm-dd' : NUMBER_COLUMNS.has(c) ? '0' : '@' },
  }));
  sheet.getRow(1).font = { bold: true };
  for (const l of lines) {
    const c = cells(l);
    const row: Record<string, string | number | Date | null> = {};
    for (const k of RECONCILIATION_COLUMNS) {
      const v = c[k];
      row[k] = typeof v === 'string' && DATE_COLUMNS.has(k) ? new Date(`${v}T00:00:00Z`) : v;
    }
    sheet.addRow(row);
  }
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: RECONCILIATION_COLUMNS.length } };
  return new Uint8Array(await book.xlsx.writeBuffer());
}
