import { normalizeANumber } from './a-number';
import { isAor, type Aor } from './aor';
import type { RowRejectionReason, TableRejectionReason } from './rejections';

/**
 * The UC roster (ICE/ORR records, docs/spec.md §1.2): CSV, header row, UTF-8, one row per
 * UC that DHS transferred to ORR. Pure parsing of the fields of one record (the CSV
 * reading is shared/formats/csv-records.ts): a row becomes a RosterUc or a rejection with a
 * stable reason code.
 */
export const ROSTER_COLUMNS = [
  'A_NUMBER', 'FIRST_NAME', 'LAST_NAME', 'BIRTH_DATE', 'COUNTRY', 'ORR_TRANSFER_DATE',
  'ORR_RELEASE_DATE', 'RELEASE_TYPE', 'SPONSOR_NAME', 'SPONSOR_RELATIONSHIP', 'SPONSOR_STREET',
  'SPONSOR_CITY', 'SPONSOR_STATE', 'SPONSOR_ZIP', 'AOR', 'NTA_SERVED_DATE', 'EOIR_CASE_ID',
] as const;
/** Columns that must be in the header; the others may be absent (read as empty). */
export const ROSTER_REQUIRED = ['A_NUMBER', 'BIRTH_DATE', 'ORR_RELEASE_DATE', 'AOR', 'NTA_SERVED_DATE'] as const;
/** Optional, beyond the spec: `SAFETY_FLAG` (Y/N), a child-safety concern ORR reported. */
export const ROSTER_OPTIONAL = ['SAFETY_FLAG'] as const;

export const RELEASE_TYPES = ['SPONSOR', 'FOSTER', 'AGED_OUT', 'OTHER'] as const;
export type ReleaseType = (typeof RELEASE_TYPES)[number];

export interface PostalAddress {
  readonly street: string | null;
  readonly city: string | null;
  readonly state: string | null;
  readonly zip: string | null;
}

export interface RosterUc {
  readonly aNumber: string;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly birthDate: string | null;
  readonly country: string | null;
  readonly orrTransferDate: string | null;
  /** Null while the child is in ORR care. */
  readonly orrReleaseDate: string | null;
  readonly releaseType: ReleaseType | null;
  readonly sponsorName: string | null;
  readonly sponsorRelationship: string | null;
  readonly sponsorAddress: PostalAddress;
  readonly aor: Aor;
  readonly ntaServedDate: string | null;
  readonly eoirCaseId: string | null;
  readonly safetyFlag: boolean;
}

export type RosterRowResult =
  | { readonly ok: true; readonly value: RosterUc }
  | { readonly ok: false; readonly reason: RowRejectionReason };

export type RosterHeader =
  | { readonly ok: true; readonly index: ReadonlyMap<string, number>; readonly width: number }
  | { readonly ok: false; readonly reason: TableRejectionReason; readonly detail: string };

/** The header record: column names are matched trimmed and in any letter case. */
/**
 * Whether an object under the roster prefix is a roster by its name: a `.csv` file, any
 * letter case (Excel saves ROSTER.CSV as often as roster.csv), in a roster folder
 * (`<rosterId>/<name>.csv` below the prefix). Anything else is refused with its reason
 * before it is read; `rest` is the key without the prefix.
 */
export function rosterFileRefusal(rest: string): { reason: TableRejectionReason; detail: string } | undefined {
  const slash = rest.indexOf('/');
  if (slash > 0 && rest.toLowerCase().endsWith('.csv')) return undefined;
  const name = rest.slice(rest.lastIndexOf('/') + 1) || rest;
  const why = slash <= 0 ? 'not in a roster folder' : 'not a .csv file';
  return { reason: 'NOT_A_ROSTER_FILE', detail: `${name}: ${why}; a roster is rosters/<rosterId>/<name>.csv` };
}

export function parseRosterHeader(fields: readonly string[] | undefined): RosterHeader {
  if (fields === undefined || fields.every((f) => f.trim() === '')) return { ok: false, reason: 'TABLE_EMPTY', detail: 'no header line' };
  const names = fields.map((n, i) => (i === 0 ? n.replace(/^\uFEFF/, '') : n).trim().toUpperCase());
  const index = new Map(names.map((n, i) => [n, i]));
  const missing = ROSTER_REQUIRED.filter((c) => !index.has(c));
  if (missing.length > 0) return { ok: false, reason: 'HEADER_MISSING_COLUMNS', detail: missing.join(',') };
  return { ok: true, index, width: names.length };
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const validDate = (s: string): boolean => ISO_DATE.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);

/**
 * Parses one data record of the roster against its header. A record shorter than the header
 * has its trailing fields empty (Excel omits trailing empty cells); one longer is refused
 * unless the extra fields are empty (a stray trailing comma).
 */
export function parseRosterRow(fields: readonly string[], header: Extract<RosterHeader, { ok: true }>): RosterRowResult {
  if (fields.length > header.width && fields.slice(header.width).some((f) => f.trim() !== '')) return { ok: false, reason: 'ROW_EXTRA_FIELDS' };
  const get = (col: string): string | null => {
    const i = header.index.get(col);
    const v = i === undefined ? undefined : fields[i]?.trim();
    return v === undefined || v === '' ? null : v;
  };
  const aNumber = normalizeANumber(get('A_NUMBER'));
  if (aNumber === null) return { ok: false, reason: 'A_NUMBER_INVALID' };
  const dates = ['BIRTH_DATE', 'ORR_TRANSFER_DATE', 'ORR_RELEASE_DATE', 'NTA_SERVED_DATE'].map(get);
  if (dates.some((d) => d !== null && !validDate(d))) return { ok: false, reason: 'DATE_INVALID' };
  const aor = (get('AOR') ?? '').toUpperCase();
  if (!isAor(aor)) return { ok: false, reason: 'AOR_INVALID' };
  const releaseRaw = get('RELEASE_TYPE')?.toUpperCase() ?? null;
  if (releaseRaw !== null && !(RELEASE_TYPES as readonly string[]).includes(releaseRaw)) {
    return { ok: false, reason: 'RELEASE_TYPE_INVALID' };
  }
  const caseId = get('EOIR_CASE_ID');
  if (caseId !== null && !/^[1-9]\d*$/.test(caseId)) return { ok: false, reason: 'CASE_ID_INVALID' };
  const [birthDate, orrTransferDate, orrReleaseDate, ntaServedDate] = dates as [string | null, string | null, string | null, string | null];
  return {
    ok: true,
    value: {
      aNumber,
      firstName: get('FIRST_NAME'),
      lastName: get('LAST_NAME'),
      birthDate,
      country: get('COUNTRY'),
      orrTransferDate,
      orrReleaseDate,
      releaseType: releaseRaw as ReleaseType | null,
      sponsorName: get('SPONSOR_NAME'),
      sponsorRelationship: get('SPONSOR_RELATIONSHIP'),
      sponsorAddress: {
        street: get('SPONSOR_STREET'),
        city: get('SPONSOR_CITY'),
        state: get('SPONSOR_STATE')?.toUpperCase() ?? null,
        zip: get('SPONSOR_ZIP'),
      },
      aor,
      ntaServedDate,
      eoirCaseId: caseId,
      safetyFlag: (get('SAFETY_FLAG') ?? '').toUpperCase() === 'Y',
    },
  };
}

/** Why a roster UC is, or is not, in the NTA backlog (docs/spec.md §4). */
export type BacklogStatus = 'BACKLOG' | 'IN_ORR_CARE' | 'NTA_SERVED' | 'EOIR_CASE';

/** Backlog: released by ORR, no NTA served, no EOIR case. */
export function backlogStatus(uc: Pick<RosterUc, 'orrReleaseDate' | 'ntaServedDate' | 'eoirCaseId'>): BacklogStatus {
  if (uc.ntaServedDate !== null) return 'NTA_SERVED';
  if (uc.eoirCaseId !== null) return 'EOIR_CASE';
  if (uc.orrReleaseDate === null) return 'IN_ORR_CARE';
  return 'BACKLOG';
}
