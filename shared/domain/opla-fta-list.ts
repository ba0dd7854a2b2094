import { normalizeANumber } from './a-number';
import { isAor, type Aor } from './aor';
import type { FtaKind } from './fta';
import type { RowRejectionReason, TableRejectionReason } from './rejections';

/**
 * OPLA's FTA list (a PLANet export): one row per FTA OPLA entered, with a header row:
 * EOIR_CASE_ID, A_NUMBER (either may be empty, not both), FTA_DATE (the hearing missed,
 * YYYY-MM-DD), FTA_TYPE (IN_ABSENTIA_ORDER or NO_SHOW), RECORDED_ON (when OPLA entered it),
 * AOR. It lands as `opla/<export id>/fta-list.csv`, with the roster's file conventions.
 */
export const OPLA_FTA_TYPES = ['IN_ABSENTIA_ORDER', 'NO_SHOW'] as const;
export type OplaFtaType = (typeof OPLA_FTA_TYPES)[number];

/** The DOJ FTA kind an OPLA FTA_TYPE names (OPLA's NO_SHOW is EOIR's no-show adjournment, ADJ_RSN 11). */
export const OPLA_TYPE_KIND: Readonly<Record<OplaFtaType, FtaKind>> = {
  IN_ABSENTIA_ORDER: 'IN_ABSENTIA_ORDER',
  NO_SHOW: 'NO_SHOW_ADJOURNMENT',
};

function isOplaFtaType(value: string): value is OplaFtaType {
  return (OPLA_FTA_TYPES as readonly string[]).includes(value);
}

export interface OplaEntry {
  /** 1-based line of the row in the export. */
  readonly line: number;
  readonly caseId: string | null;
  /** 9 digits (8-digit numbers padded), or null. */
  readonly aNumber: string | null;
  readonly ftaDate: string;
  readonly ftaType: OplaFtaType;
  readonly recordedOn: string;
  readonly aor: Aor;
}

export const OPLA_COLUMNS = ['EOIR_CASE_ID', 'A_NUMBER', 'FTA_DATE', 'FTA_TYPE', 'RECORDED_ON', 'AOR'] as const;

export type OplaHeader =
  | { readonly ok: true; readonly index: ReadonlyMap<string, number> }
  | { readonly ok: false; readonly reason: TableRejectionReason; readonly detail: string };

export type OplaRow = { readonly ok: true; readonly entry: OplaEntry } | { readonly ok: false; readonly reason: RowRejectionReason };

/** Columns are found by name (any order, any letter case, extra columns ignored); all six must be there. */
export function parseOplaHeader(fields: readonly string[] | undefined): OplaHeader {
  if (fields === undefined || fields.every((f) => f.trim() === '')) return { ok: false, reason: 'TABLE_EMPTY', detail: 'no header row' };
  const index = new Map<string, number>();
  fields.forEach((n, i) => {
    const name = n.replace(/^\uFEFF/, '').trim().toUpperCase();
    if (!index.has(name)) index.set(name, i);
  });
  const missing = OPLA_COLUMNS.filter((c) => !index.has(c));
  return missing.length > 0 ? { ok: false, reason: 'HEADER_MISSING_COLUMNS', detail: missing.join(', ') } : { ok: true, index };
}

/** A calendar date written YYYY-MM-DD (a time of midnight, as exports add, is allowed); null otherwise. */
export function parseIsoDate(raw: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z?)?$/.exec(raw.trim());
  if (!m) return null;
  const iso = m[1] as string;
  const d = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || !d.toISOString().startsWith(iso) ? null : iso;
}

/**
 * One row, checked whole: a case reference (EOIR_CASE_ID a positive integer, or an A_NUMBER
 * of 8 or 9 digits; KEY_MISSING when neither), FTA_DATE and RECORDED_ON dates, FTA_TYPE one
 * of the two, AOR one of the 25 field offices. The first failing check is the reason.
 */
export function parseOplaRow(line: number, fields: readonly string[], header: Extract<OplaHeader, { ok: true }>): OplaRow {
  const get = (col: string): string => fields[header.index.get(col) ?? -1]?.trim() ?? '';
  const caseRaw = get('EOIR_CASE_ID');
  const aRaw = get('A_NUMBER');
  if (caseRaw === '' && aRaw === '') return { ok: false, reason: 'KEY_MISSING' };
  if (caseRaw !== '' && !/^[1-9]\d*$/.test(caseRaw)) return { ok: false, reason: 'CASE_ID_INVALID' };
  const aNumber = aRaw === '' ? null : normalizeANumber(aRaw);
  if (aRaw !== '' && aNumber === null) return { ok: false, reason: 'A_NUMBER_INVALID' };
  const ftaDate = parseIsoDate(get('FTA_DATE'));
  const recordedOn = parseIsoDate(get('RECORDED_ON'));
  if (ftaDate === null || recordedOn === null) return { ok: false, reason: 'DATE_INVALID' };
  const type = get('FTA_TYPE').toUpperCase();
  if (!isOplaFtaType(type)) return { ok: false, reason: 'FTA_TYPE_INVALID' };
  const aor = get('AOR').toUpperCase();
  if (!isAor(aor)) return { ok: false, reason: 'AOR_INVALID' };
  return { ok: true, entry: { line, caseId: caseRaw === '' ? null : caseRaw, aNumber, ftaDate, ftaType: type, recordedOn, aor } };
}

/** Two rows are one entry when they name the same case the same way, the same type and date. */
export function oplaEntryKey(e: OplaEntry): string {
  return `${e.caseId === null ? `A:${e.aNumber ?? ''}` : `C:${e.caseId}`}|${e.ftaType}|${e.ftaDate}`;
}
