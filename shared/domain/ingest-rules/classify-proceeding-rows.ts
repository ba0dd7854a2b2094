import { detectInAbsentiaOrder, inAbsentiaFtaId } from '../fta';
import { signalOfFta, withdrawsOrder } from '../fta-signal';
import type { ScannedRows } from '../eoir-table-rows';
import { PROCEEDING_COLUMN, type ProceedingRow } from '../proceeding';
import { rowAt, standingAt, type CaseStanding, type DropContext, type KeyLine, type Refusals, type RowsIn, type SignalShown, type SignalWithdrawn, type StandingOf, type ValueNoteCounts } from './row-verdicts';

/**
 * B_TblProceeding's rules (docs/spec.md §3), for every case, UC or not:
 * - ABSENTIA `Y` is an in absentia order, dated COMP_DATE else HEARING_DATE; an order with
 *   neither date is refused FTA_DATE_MISSING (unusable data, whatever the case);
 * - an order is a signal shown by the drop (an FTA at once for a UC case);
 * - ABSENTIA `N` or empty on a proceeding whose order the case has withdraws it
 *   (ABSENTIA_WITHDRAWN); a value that is neither is noted (ABSENTIA_VALUE_UNKNOWN) and
 *   changes nothing;
 * - a proceeding opened (OSC_DATE) after one of the case's orders withdraws that order
 *   (CASE_REOPENED): the case was reopened.
 * UC cases' rows give key lines (IDNPROCEEDING with its deciding values).
 * A row with no order (ABSENTIA `N` or empty) of a case with no UC mark and no signals has
 * nothing to say: from the row scan it is passed over on its IDNCASE and ABSENTIA alone,
 * never built.
 */
export function classifyProceedingRows(
  rows: RowsIn<ProceedingRow>,
  standing: StandingOf,
  drop: DropContext,
): { refusals: Refusals; notes: ValueNoteCounts; keyLines: KeyLine[]; shown: SignalShown[]; withdrawn: SignalWithdrawn[] } {
  const { dropId, asOf } = drop;
  const refusals: Refusals = new Map();
  const notes: ValueNoteCounts = {};
  const keyLines: KeyLine[] = [];
  const shown: SignalShown[] = [];
  const withdrawn: SignalWithdrawn[] = [];
  const scanned = Array.isArray(rows) ? null : (rows as ScannedRows<ProceedingRow>);
  for (let i = 0; i < rows.length; i++) {
    let known: CaseStanding | undefined;
    if (scanned !== null) {
      known = standingAt(scanned, i, standing);
      if (known?.uc !== true && (known?.signals ?? null) === null && noOrderIn(scanned, i)) continue;
    }
    const r = rowAt(rows, i);
    const p = r.value;
    if (p.inAbsentia && p.completionDate === null && p.hearingDate === null) {
      refusals.set(i, 'FTA_DATE_MISSING');
      continue;
    }
    if (p.absentia === 'UNKNOWN') notes.ABSENTIA_VALUE_UNKNOWN = (notes.ABSENTIA_VALUE_UNKNOWN ?? 0) + 1;
    if (scanned === null) known = standing(p.caseId);
    const signals = known?.signals ?? null;
    const ucCase = known?.uc === true;
    if (p.inAbsentia) {
      const found = detectInAbsentiaOrder(p, { dropId, table: 'B_TblProceeding', lineNumber: r.lineNumber, byteOffset: r.byteOffset });
      if (found.kind === 'undated') refusals.set(i, 'FTA_DATE_MISSING');
      if (found.kind === 'fta') shown.push({ signal: signalOfFta(found.fta), asOf, ucCase });
      if (ucCase) keyLines.push({ key: p.proceedingId, value: `ABSENTIA=Y ${p.completionDate ?? p.hearingDate}`, fta: found.kind === 'fta' });
    } else {
      if (ucCase) keyLines.push({ key: p.proceedingId, value: `ABSENTIA=${p.absentia === 'NO_ORDER' ? 'N' : '?'}`, fta: false });
      if (signals?.orders.has(p.proceedingId) === true && withdrawsOrder(p)) {
        withdrawn.push({ caseId: p.caseId, ftaId: inAbsentiaFtaId(p.proceedingId), withdrawal: { asOf, reason: 'ABSENTIA_WITHDRAWN', dropId } });
      }
    }
    if (signals !== null && p.ntaDate !== null) {
      for (const [proceedingId, date] of signals.orders) {
        if (proceedingId !== p.proceedingId && p.ntaDate > date) {
          withdrawn.push({ caseId: p.caseId, ftaId: inAbsentiaFtaId(proceedingId), withdrawal: { asOf, reason: 'CASE_REOPENED', dropId } });
        }
      }
    }
  }
  return { refusals, notes, keyLines, shown, withdrawn };
}

/** ABSENTIA of a scanned row reads as no order (readAbsentia: `N` or empty), from its field alone. */
function noOrderIn(rows: ScannedRows<ProceedingRow>, i: number): boolean {
  const k = PROCEEDING_COLUMN.ABSENTIA;
  return rows.fieldIs(i, k, 'N') || rows.isNull(i, k) || rows.fieldIs(i, k, 'n');
}
