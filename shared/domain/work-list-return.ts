import { normalizeANumber } from './a-number';
import type { RowRejectionReason, TableRejectionReason } from './rejections';
import type { PostalAddress } from './roster';
import { OUTCOME_COLUMNS } from './work-list';

/**
 * A work list a field office returns with its outcome columns filled (NTA_SERVED_DATE,
 * ADDRESS_VERIFIED_DATE with VERIFIED_STREET/CITY/STATE/ZIP, I830_FILED_DATE, OUTCOME_NOTE).
 * Rows are found by A_NUMBER or EOIR_CASE_ID. A row with no outcome filled is one the office
 * has not worked yet: counted, nothing recorded. OUTCOME_NOTE is the office's own note:
 * read, never stored (it may hold anything).
 */
export interface ReturnedOutcome {
  readonly aNumber: string | null;
  readonly caseId: string | null;
  readonly ntaServedOn: string | null;
  readonly addressVerified: { readonly on: string; readonly address: PostalAddress } | null;
  readonly i830FiledOn: string | null;
}

export type ReturnHeader =
  | { readonly ok: true; readonly index: ReadonlyMap<string, number> }
  | { readonly ok: false; readonly reason: TableRejectionReason; readonly detail: string };

export type ReturnRow =
  | { readonly ok: true; readonly outcome: ReturnedOutcome | null }
  | { readonly ok: false; readonly reason: RowRejectionReason };

export function parseReturnHeader(fields: readonly string[] | undefined): ReturnHeader {
  if (fields === undefined || fields.every((f) => f.trim() === '')) return { ok: false, reason: 'TABLE_EMPTY', detail: 'no header row' };
  const names = fields.map((n, i) => (i === 0 ? n.replace(/^\uFEFF/, '') : n).trim().toUpperCase());
  const index = new Map<string, number>();
  names.forEach((n, i) => {
    if (!index.has(n)) index.set(n, i);
  });
  const missing: string[] = [];
  if (!index.has('A_NUMBER') && !index.has('EOIR_CASE_ID')) missing.push('A_NUMBER or EOIR_CASE_ID');
  if (!OUTCOME_COLUMNS.some((c) => c !== 'OUTCOME_NOTE' && index.has(c))) missing.push('an outcome column (NTA_SERVED_DATE, ADDRESS_VERIFIED_DATE, I830_FILED_DATE)');
  return missing.length > 0 ? { ok: false, reason: 'HEADER_MISSING_COLUMNS', detail: missing.join('; ') } : { ok: true, index };
}

/**
 * A date as a field office writes it: YYYY-MM-DD (the work list's own format), or M/D/YYYY
 * (what Excel in a US locale writes when it saves a sheet as CSV). Null when neither.
 */
export function parseOutcomeDate(raw: string): string | null {
  const s = raw.trim();
  let iso: string | null = null;
  const ymd = /^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$/.exec(s);
  if (ymd) iso = `${ymd[1]}-${ymd[2]}-${ymd[3]}`;
  const mdy = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s);
  if (mdy) iso = `${mdy[3]}-${mdy[1]!.padStart(2, '0')}-${mdy[2]!.padStart(2, '0')}`;
  if (iso === null) return null;
  const d = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || !d.toISOString().startsWith(iso) ? null : iso;
}

export function parseReturnRow(fields: readonly string[], header: Extract<ReturnHeader, { ok: true }>): ReturnRow {
  const get = (col: string): string | null => {
    const i = header.index.get(col);
    const v = i === undefined ? undefined : fields[i]?.trim();
    return v === undefined || v === '' ? null : v;
  };
  const raw = {
    nta: get('NTA_SERVED_DATE'),
    verified: get('ADDRESS_VERIFIED_DATE'),
    i830: get('I830_FILED_DATE'),
    street: get('VERIFIED_STREET'),
    city: get('VERIFIED_CITY'),
    state: get('VERIFIED_STATE'),
    zip: get('VERIFIED_ZIP'),
  };
  const anyAddress = raw.street !== null || raw.city !== null || raw.state !== null || raw.zip !== null;
  if (raw.nta === null && raw.verified === null && raw.i830 === null && !anyAddress) return { ok: true, outcome: null };
  const aRaw = get('A_NUMBER');
  const caseId = get('EOIR_CASE_ID');
  if (aRaw === null && caseId === null) return { ok: false, reason: 'KEY_MISSING' };
  const aNumber = aRaw === null ? null : normalizeANumber(aRaw);
  if (aRaw !== null && aNumber === null) return { ok: false, reason: 'A_NUMBER_INVALID' };
  if (caseId !== null && !/^[1-9]\d*$/.test(caseId)) return { ok: false, reason: 'CASE_ID_INVALID' };
  const dates = [raw.nta, raw.verified, raw.i830].map((d) => (d === null ? null : parseOutcomeDate(d)));
  if ([raw.nta, raw.verified, raw.i830].some((d, i) => d !== null && dates[i] === null)) return { ok: false, reason: 'DATE_INVALID' };
  const [ntaServedOn, verifiedOn, i830FiledOn] = dates as [string | null, string | null, string | null];
  if ((verifiedOn === null) === anyAddress) return { ok: false, reason: 'OUTCOME_INCOMPLETE' };
  return {
    ok: true,
    outcome: {
      aNumber,
      caseId,
      ntaServedOn,
      addressVerified: verifiedOn === null ? null : { on: verifiedOn, address: { street: raw.street, city: raw.city, state: raw.state?.toUpperCase() ?? null, zip: raw.zip } },
      i830FiledOn,
    },
  };
}
