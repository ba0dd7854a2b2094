import { isUnaccompaniedCode, type JuvenileHistoryRow } from '../juvenile';
import { rowAt, type KeyLine, type RowsIn } from './row-verdicts';

/**
 * tbl_JuvenileHistory's rule: a row with idnJuvenile UJ (4) or J2 (3) marks its case a UC
 * case (docs/spec.md §2); J, J1, AJ and NA alone do not. Returns the cases it marks (a
 * case repeated is listed once per line) and the key lines of the rows kept.
 */
export function classifyJuvenileRows(rows: RowsIn<JuvenileHistoryRow>): { ucCaseIds: string[]; keyLines: KeyLine[] } {
  const ucCaseIds: string[] = [];
  const keyLines: KeyLine[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rowAt(rows, i).value;
    if (!isUnaccompaniedCode(r.idnJuvenile)) continue;
    ucCaseIds.push(r.caseId);
    keyLines.push({ key: r.historyId, value: `idnJuvenile=${r.idnJuvenile}`, fta: false });
  }
  return { ucCaseIds, keyLines };
}
