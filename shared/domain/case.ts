import { parseEoirDate } from './eoir-format';
import { keyRejection, type RowResult, type TableSpec } from './eoir-table';

/** An address as EOIR holds it (A_TblCase; eoir-format.md section 5). No street in the public export. */
export interface EoirAddress {
  readonly city: string | null;
  readonly state: string | null;
  /** First 5 digits, zero-padded (DD eoir_case.R); null when not numeric. */
  readonly zip: string | null;
  /** ALIEN_STREET, only in the DOJ-to-DHS feed. */
  readonly street: string | null;
}

/** The A_TblCase fields the pipeline uses. Identity fields are present only in the DOJ-to-DHS feed. */
export interface CaseRow {
  readonly caseId: string;
  /** CASEPRIORITY_CODE `UC` (Unaccompanied Children) makes a UC case (docs/spec.md §2). */
  readonly ucPriority: boolean;
  /** Address of record now. */
  readonly address: EoirAddress | null;
  /** ADDRESS_CHANGEDON: when the address of record last changed (null: never). */
  readonly addressChangedOn: string | null;
  /** UPDATED_CITY/STATE/ZIPCODE: the address before the last change (99.9% empty). */
  readonly previousAddress: EoirAddress | null;
  /** ALIEN_NBR (A-number, 9 digits) when the feed carries it. PII: never logged. */
  readonly aNumber: string | null;
  /** ALIEN_FIRST_NAME / ALIEN_LAST_NAME when the feed carries them (DOJ-to-DHS). PII: never logged. */
  readonly firstName?: string | null;
  readonly lastName?: string | null;
  /**
   * LATEST_HEARING / LATEST_TIME / LATEST_CAL_TYPE (copied by EOIR from tbl_schedule) with
   * UPDATE_SITE (the base city that has jurisdiction); null when LATEST_HEARING is no date.
   */
  readonly latestHearing?: { readonly date: string; readonly time: string | null; readonly calType: string | null; readonly court: string | null } | null;
  /** E_28_DATE (the attorney's EOIR-28 notice of appearance) or ATTY_NBR on file. */
  readonly attorneyOfRecord?: boolean;
}

/** A-numbers are 9 digits; 8-digit ones get a leading 0 (docs/spec.md §1.2). */
export function normalizeANumber(raw: string | null): string | null {
  if (raw === null) return null;
  const digits = raw.replace(/^A/i, '').replace(/[-\s]/g, '');
  if (!/^\d{8,9}$/.test(digits)) return null;
  return digits.padStart(9, '0');
}

/** ZIP+4, dropped leading zeros and junk (eoir-format.md 5): keep 3-5 digits, pad to 5. */
export function normalizeZip(raw: string | null): string | null {
  if (raw === null) return null;
  const m = /^(\d{3,5})(?:-?\d{4})?$/.exec(raw);
  return m ? (m[1] as string).padStart(5, '0') : null;
}

function address(city: string | null, state: string | null, zip: string | null, street: string | null): EoirAddress | null {
  const z = normalizeZip(zip);
  if (city === null && state === null && z === null && street === null) return null;
  return { city, state: state?.toUpperCase() ?? null, zip: z, street };
}

/** IDNCASE: every row needs it as an integer key. */
const CASE_KEYS = [0];
/** Indexes of CASE_TABLE's columns (required, then optional) the rules read before building a row. */
export const CASE_COLUMN = { IDNCASE: 0, CASEPRIORITY_CODE: 4, ALIEN_NBR: 9, LATEST_HEARING: 13 } as const;

export const CASE_TABLE: TableSpec<CaseRow> = {
  table: 'A_TblCase',
  columns: ['IDNCASE', 'ALIEN_CITY', 'ALIEN_STATE', 'ALIEN_ZIPCODE', 'CASEPRIORITY_CODE'],
  optionalColumns: [
    'ADDRESS_CHANGEDON', 'UPDATED_CITY', 'UPDATED_STATE', 'UPDATED_ZIPCODE', 'ALIEN_NBR', 'ALIEN_STREET', 'ALIEN_FIRST_NAME', 'ALIEN_LAST_NAME',
    'LATEST_HEARING', 'LATEST_TIME', 'LATEST_CAL_TYPE', 'UPDATE_SITE', 'E_28_DATE', 'ATTY_NBR',
  ],
  // Most real shifted A_TblCase rows come from a TAB inside ALIEN_CITY (DD eoir_case.R).
  freeText: ['ALIEN_CITY', 'UPDATED_CITY', 'ALIEN_FIRST_NAME', 'ALIEN_LAST_NAME'],
  shapes: {
    IDNCASE: 'key', ALIEN_STATE: 'state', ALIEN_ZIPCODE: 'zip', UPDATED_STATE: 'state', UPDATED_ZIPCODE: 'zip',
    LATEST_HEARING: 'date', LATEST_TIME: 'time', LATEST_CAL_TYPE: 'code', CUSTODY: 'code', CASE_TYPE: 'code',
    UPDATE_SITE: 'code', DATE_OF_ENTRY: 'date', ADDRESS_CHANGEDON: 'date', E_28_DATE: 'date', UP_BOND_DATE: 'date',
    C_RELEASE_DATE: 'date', DATE_DETAINED: 'date', DATE_RELEASED: 'date', DETENTION_DATE: 'date',
    CASEPRIORITY_CODE: 'code', SITE_TYPE: 'code', LPR: 'code',
  },
  keyColumns: CASE_KEYS,
  parse: (values): RowResult<CaseRow> => {
    const [caseId, city, state, zip, priority, changedOn, upCity, upState, upZip, aNbr, street, firstName, lastName, latest, latestTime, latestCal, site, e28, attyNbr] = values;
    const keys = keyRejection(values, CASE_KEYS);
    if (keys !== null || caseId == null) return { ok: false, reason: keys ?? 'KEY_MISSING' };
    return {
      ok: true,
      value: {
        caseId,
        ucPriority: priority != null && priority.toUpperCase() === 'UC',
        address: address(city ?? null, state ?? null, zip ?? null, street ?? null),
        addressChangedOn: parseEoirDate(changedOn ?? null),
        previousAddress: address(upCity ?? null, upState ?? null, upZip ?? null, null),
        aNumber: normalizeANumber(aNbr ?? null),
        firstName: firstName ?? null,
        lastName: lastName ?? null,
        latestHearing: latestHearingOf(latest ?? null, latestTime ?? null, latestCal ?? null, site ?? null),
        attorneyOfRecord: e28 != null || attyNbr != null,
      },
    };
  },
};

function latestHearingOf(date: string | null, time: string | null, calType: string | null, court: string | null): CaseRow['latestHearing'] {
  const day = parseEoirDate(date);
  return day === null ? null : { date: day, time: time !== null && /^\d{4}$/.test(time) ? time : null, calType: calType?.toUpperCase() ?? null, court };
}
