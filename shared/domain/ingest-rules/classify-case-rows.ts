import { CASE_COLUMN, type CaseRow } from '../case';
import type { ScannedRows } from '../eoir-table-rows';
import { asOfDay, hearingOfCase, type UpcomingHearing } from '../upcoming-hearing';
import { rowAt, type DropContext, type KeyLine, type RowsIn } from './row-verdicts';

/**
 * A_TblCase's rules, before the store is asked: CASEPRIORITY_CODE `UC` marks the case a UC
 * case (docs/spec.md §2); an ALIEN_NBR is noted to match the case to rosters; any case's
 * LATEST_HEARING on or after the drop's day is its upcoming hearing (the case may become a
 * UC case after this drop). Only rows with a LATEST_HEARING that late are turned into one.
 */
export function classifyCaseRows(
  rows: RowsIn<CaseRow>,
  drop: DropContext,
): { priorityCaseIds: string[]; withANumber: { caseId: string; aNumber: string }[]; upcoming: UpcomingHearing[] } {
  const day = asOfDay(drop.asOf);
  const priorityCaseIds: string[] = [];
  const withANumber: { caseId: string; aNumber: string }[] = [];
  const upcoming: UpcomingHearing[] = [];
  const scanned = Array.isArray(rows) ? null : (rows as ScannedRows<CaseRow>);
  for (let i = 0; i < rows.length; i++) {
    // From the row scan, a row with no UC priority, no ALIEN_NBR and no LATEST_HEARING on
    // or after the day is passed over unbuilt: it has nothing to say.
    if (scanned !== null && !ucPriorityIn(scanned, i) && scanned.isNull(i, CASE_COLUMN.ALIEN_NBR) && !scanned.fieldAtLeast(i, CASE_COLUMN.LATEST_HEARING, day)) continue;
    const r = rowAt(rows, i).value;
    if (r.ucPriority) priorityCaseIds.push(r.caseId);
    if (r.aNumber !== null) withANumber.push({ caseId: r.caseId, aNumber: r.aNumber });
    const latest = r.latestHearing;
    if (latest !== undefined && latest !== null && latest.date >= day) {
      const h = hearingOfCase(r, drop);
      if (h !== null) upcoming.push(h);
    }
  }
  return { priorityCaseIds, withANumber, upcoming };
}

/**
 * The UC cases' A_TblCase rows kept: a key line per row, and one row per case (its last
 * line) for the sightings and addresses written.
 */
export function keptCaseRows(ucRows: readonly { readonly value: CaseRow }[]): { keyLines: KeyLine[]; unique: CaseRow[] } {
  const keyLines: KeyLine[] = [];
  const byCase = new Map<string, CaseRow>();
  for (const { value: r } of ucRows) {
    keyLines.push({ key: r.caseId, value: `CASEPRIORITY_CODE=${r.ucPriority ? 'UC' : '-'}`, fta: false });
    byCase.set(r.caseId, r);
  }
  return { keyLines, unique: [...byCase.values()] };
}

/** CASEPRIORITY_CODE of a scanned row is `UC`, any letter case, from its field alone. */
function ucPriorityIn(rows: ScannedRows<CaseRow>, i: number): boolean {
  const k = CASE_COLUMN.CASEPRIORITY_CODE;
  return rows.fieldIs(i, k, 'UC') || rows.fieldIs(i, k, 'uc') || rows.fieldIs(i, k, 'Uc') || rows.fieldIs(i, k, 'uC');
}
