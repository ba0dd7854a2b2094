import type { PlannedUc } from './nta-plan';
import type { RosterUc } from './roster';

/**
 * A field office's NTA service work list for one AOR and one day, one UC a row in plan
 * order, written twice: `.xlsx`, the file a person opens (A-numbers, ZIPs and ids are text
 * cells, so leading zeros stay; dates are dates), and `.csv` (RFC 4180, CRLF) for systems.
 * The outcome columns are empty: the field office fills them and returns the file under
 * `returns/<AOR>/` (shared/domain/work-list-return.ts).
 */
export const WORK_LIST_COLUMNS = [
  'PLANNED_DATE', 'AOR', 'RANK', 'A_NUMBER', 'LAST_NAME', 'FIRST_NAME', 'BIRTH_DATE', 'COUNTRY',
  'ORR_RELEASE_DATE', 'PRIOR_FTA', 'SAFETY_FLAG', 'SPONSOR_NAME', 'SPONSOR_RELATIONSHIP',
  'SPONSOR_STREET', 'SPONSOR_CITY', 'SPONSOR_STATE', 'SPONSOR_ZIP',
  'NTA_SERVED_DATE', 'ADDRESS_VERIFIED_DATE', 'VERIFIED_STREET', 'VERIFIED_CITY', 'VERIFIED_STATE',
  'VERIFIED_ZIP', 'I830_FILED_DATE', 'OUTCOME_NOTE',
] as const;
export type WorkListColumn = (typeof WORK_LIST_COLUMNS)[number];

/** The columns the field office fills in (spec of work-list returns). */
export const OUTCOME_COLUMNS = [
  'NTA_SERVED_DATE', 'ADDRESS_VERIFIED_DATE', 'VERIFIED_STREET', 'VERIFIED_CITY', 'VERIFIED_STATE',
  'VERIFIED_ZIP', 'I830_FILED_DATE', 'OUTCOME_NOTE',
] as const satisfies readonly WorkListColumn[];

/** How a spreadsheet must hold a column: identifiers and codes as text, never as numbers. */
export type CellKind = 'date' | 'number' | 'text';
export const COLUMN_KIND: Readonly<Record<WorkListColumn, CellKind>> = Object.fromEntries(
  WORK_LIST_COLUMNS.map((c) => [c, c.endsWith('_DATE') ? 'date' : c === 'RANK' ? 'number' : 'text']),
) as Record<WorkListColumn, CellKind>;

export type WorkListRow = Readonly<Record<WorkListColumn, string | null>>;

/** The rows of a work list, values as strings (dates YYYY-MM-DD), outcome columns empty. */
export function workListRows(planned: readonly (PlannedUc & { fields: Readonly<Record<string, string | null>> })[]): WorkListRow[] {
  return planned.map((r) => {
    const values: Record<string, string | null> = {
      ...r.fields,
      PLANNED_DATE: r.plannedDate,
      AOR: r.aor,
      RANK: String(r.rank),
      A_NUMBER: r.aNumber,
    };
    return Object.fromEntries(WORK_LIST_COLUMNS.map((c) => [c, OUTCOME_COLUMNS.includes(c as never) ? null : (values[c] ?? null)])) as WorkListRow;
  });
}

/** RFC 4180 quoting of one field (reports other than work lists). */
export const csvField = (v: string | null | undefined): string =>
  v === null || v === undefined ? '' : /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;

/** S3 keys of a work list: `worklists/<AOR>/<YYYY-MM-DD>.csv` and the `.xlsx` beside it. */
export const workListKey = (aor: string, date: string): string => `worklists/${aor}/${date}.csv`;
export const workListXlsxKey = (aor: string, date: string): string => `worklists/${aor}/${date}.xlsx`;

/**
 * The roster fields a field office needs to serve a backlog UC's NTA, under their
 * work-list column names (PII: never logged). Stored with the backlog entry, so the
 * work lists read one partition per AOR.
 */
export function workListFieldsOf(uc: RosterUc, priorFta: boolean): Readonly<Record<string, string | null>> {
  return {
    LAST_NAME: uc.lastName,
    FIRST_NAME: uc.firstName,
    BIRTH_DATE: uc.birthDate,
    COUNTRY: uc.country,
    ORR_RELEASE_DATE: uc.orrReleaseDate,
    PRIOR_FTA: priorFta ? 'Y' : 'N',
    SAFETY_FLAG: uc.safetyFlag ? 'Y' : 'N',
    SPONSOR_NAME: uc.sponsorName,
    SPONSOR_RELATIONSHIP: uc.sponsorRelationship,
    SPONSOR_STREET: uc.sponsorAddress.street,
    SPONSOR_CITY: uc.sponsorAddress.city,
    SPONSOR_STATE: uc.sponsorAddress.state,
    SPONSOR_ZIP: uc.sponsorAddress.zip,
  };
}
