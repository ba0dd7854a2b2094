import { isIntegerKey } from './eoir-format';
import type { RowResult, TableSpec } from './eoir-table';

/**
 * tbl_JuvenileHistory.idnJuvenile is an integer key into tblLookup_Juvenile
 * (eoir-format.md section 2): 1 J, 2 J1, 3 J2, 4 UJ, 5 NA, 6 AJ.
 */
export const JUVENILE_CODES = { J: 1, J1: 2, J2: 3, UJ: 4, NA: 5, AJ: 6 } as const;

/**
 * Pipeline spec section 2: UJ (4, Unaccompanied Juvenile) and J2 (3, Unaccompanied
 * Juvenile - Asylum) make a case a UC case. J, J1, AJ and NA alone do not.
 */
export function isUnaccompaniedCode(idnJuvenile: number): boolean {
  return idnJuvenile === JUVENILE_CODES.UJ || idnJuvenile === JUVENILE_CODES.J2;
}

export interface JuvenileHistoryRow {
  readonly historyId: string;
  readonly caseId: string;
  readonly proceedingId: string | null;
  readonly idnJuvenile: number;
}

const KNOWN_CODES: ReadonlySet<number> = new Set(Object.values(JUVENILE_CODES));

export const JUVENILE_HISTORY_TABLE: TableSpec<JuvenileHistoryRow> = {
  table: 'tbl_JuvenileHistory',
  columns: ['idnJuvenileHistory', 'idnCase', 'idnProceeding', 'idnJuvenile'],
  parse: ([historyId, caseId, proceedingId, juvenile]): RowResult<JuvenileHistoryRow> => {
    if (historyId == null || caseId == null) return { ok: false, reason: 'KEY_MISSING' };
    if (!isIntegerKey(historyId) || !isIntegerKey(caseId)) return { ok: false, reason: 'KEY_NOT_INTEGER' };
    const idnJuvenile = juvenile == null ? Number.NaN : Number(juvenile);
    if (!KNOWN_CODES.has(idnJuvenile)) return { ok: false, reason: 'JUVENILE_CODE_INVALID' };
    return {
      ok: true,
      value: {
        historyId,
        caseId,
        // idnProceeding is missing on ~99 real rows (MIT); the designation still counts.
        proceedingId: proceedingId != null && isIntegerKey(proceedingId) ? proceedingId : null,
        idnJuvenile,
      },
    };
  },
};
