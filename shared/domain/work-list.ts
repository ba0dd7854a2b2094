import type { PlannedUc } from './nta-plan';

/**
 * A field office's NTA service work list for one AOR and one day, as CSV a spreadsheet
 * opens as it is: header row, one UC a line in plan order, RFC 4180 quoting, CRLF.
 */
export const WORK_LIST_COLUMNS = [
  'PLANNED_DATE', 'AOR', 'RANK', 'A_NUMBER', 'LAST_NAME', 'FIRST_NAME', 'BIRTH_DATE', 'COUNTRY',
  'ORR_RELEASE_DATE', 'PRIOR_FTA', 'SAFETY_FLAG', 'SPONSOR_NAME', 'SPONSOR_RELATIONSHIP',
  'SPONSOR_STREET', 'SPONSOR_CITY', 'SPONSOR_STATE', 'SPONSOR_ZIP',
] as const;

export const csvField = (v: string | null | undefined): string =>
  v === null || v === undefined ? '' : /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;

export function workListCsv(rows: readonly (PlannedUc & { fields: Readonly<Record<string, string | null>> })[]): string {
  const lines = [WORK_LIST_COLUMNS.join(',')];
  for (const r of rows) {
    const values: Record<string, string | null> = {
      ...r.fields,
      PLANNED_DATE: r.plannedDate,
      AOR: r.aor,
      RANK: String(r.rank),
      A_NUMBER: r.aNumber,
    };
    lines.push(WORK_LIST_COLUMNS.map((c) => csvField(values[c])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** S3 key of a work list: `worklists/<AOR>/<YYYY-MM-DD>.csv`. */
export const workListKey = (aor: string, date: string): string => `worklists/${aor}/${date}.csv`;
