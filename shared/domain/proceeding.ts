import { parseEoirDate } from './eoir-format';
import { keyRejection, type RowResult, type TableSpec } from './eoir-table';

/**
 * ABSENTIA read as docs/spec.md §3 says: trimmed and upper-cased, exactly `Y` is an order; `N`,
 * empty or NULL is no order; anything else (a date from a shifted column, junk) is neither,
 * and neither creates nor rescinds an FTA.
 */
export type AbsentiaValue = 'ORDER' | 'NO_ORDER' | 'UNKNOWN';

export function readAbsentia(raw: string | null | undefined): AbsentiaValue {
  const v = (raw ?? '').trim().toUpperCase();
  if (v === 'Y') return 'ORDER';
  return v === 'N' || v === '' ? 'NO_ORDER' : 'UNKNOWN';
}

/** The B_TblProceeding fields the pipeline uses (eoir-format.md 1.3, 3.1). */
export interface ProceedingRow {
  readonly proceedingId: string;
  readonly caseId: string;
  /** BASE_CITY_CODE: the court. */
  readonly court: string | null;
  readonly caseType: string | null;
  readonly decisionCode: string | null;
  /** ABSENTIA, trimmed and upper-cased, is exactly `Y` (docs/spec.md §3). Junk and `N` are false. */
  readonly inAbsentia: boolean;
  /** ABSENTIA as an order, no order, or a value that is neither (readAbsentia). */
  readonly absentia: AbsentiaValue;
  readonly hearingDate: string | null;
  readonly completionDate: string | null;
  /** OSC_DATE: the date the NTA was issued; the proceeding was opened then. */
  readonly ntaDate: string | null;
}

/** IDNPROCEEDING, IDNCASE: every row needs them as integer keys. */
const PROCEEDING_KEYS = [0, 1];
/** Indexes of PROCEEDING_TABLE's columns the rules read before building a row. */
export const PROCEEDING_COLUMN = { IDNCASE: 1, ABSENTIA: 5 } as const;

export const PROCEEDING_TABLE: TableSpec<ProceedingRow> = {
  table: 'B_TblProceeding',
  columns: [
    'IDNPROCEEDING', 'IDNCASE', 'BASE_CITY_CODE', 'CASE_TYPE', 'DEC_CODE', 'ABSENTIA',
    'HEARING_DATE', 'COMP_DATE', 'OSC_DATE',
  ],
  // ~71 real rows carry an extra TAB before the COMP_DATE/appeal columns (DD eoir_proceeding.R).
  shapes: {
    IDNPROCEEDING: 'key', IDNCASE: 'key', OSC_DATE: 'date', INPUT_DATE: 'date', HEARING_DATE: 'date', HEARING_TIME: 'time',
    COMP_DATE: 'date', ABSENTIA: 'yn', TRANS_IN_DATE: 'date', DATE_APPEAL_DUE_STATUS: 'date', DATE_DETAINED: 'date',
    DATE_RELEASED: 'date', CASE_TYPE: 'code', DEC_CODE: 'code', DEC_TYPE: 'code', BASE_CITY_CODE: 'code', CUSTODY: 'code',
  },
  keyColumns: PROCEEDING_KEYS,
  parse: (values): RowResult<ProceedingRow> => {
    const [proceedingId, caseId, court, caseType, dec, absentia, hearing, comp, osc] = values;
    // A shifted real row carried `FC` as IDNPROCEEDING (DD eoir_proceeding.R): KEY_NOT_INTEGER.
    const keys = keyRejection(values, PROCEEDING_KEYS);
    if (keys !== null || proceedingId == null || caseId == null) return { ok: false, reason: keys ?? 'KEY_MISSING' };
    return {
      ok: true,
      value: {
        proceedingId,
        caseId,
        court: court ?? null,
        caseType: caseType ?? null,
        decisionCode: dec ?? null,
        inAbsentia: readAbsentia(absentia) === 'ORDER',
        absentia: readAbsentia(absentia),
        hearingDate: parseEoirDate(hearing ?? null),
        completionDate: parseEoirDate(comp ?? null),
        ntaDate: parseEoirDate(osc ?? null),
      },
    };
  },
};
