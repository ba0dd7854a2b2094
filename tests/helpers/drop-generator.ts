import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FtaKind } from '../../shared/domain/fta';
import { countTxt, eoirTable, mulberry32 } from './eoir-rows';
import { tempDir } from './temp-dir';

/** The identity values a generated drop carries: the pipeline must never log any of them. */
export interface DropPii {
  readonly aNumbers: readonly string[];
  readonly lastNames: readonly string[];
  readonly firstNames: readonly string[];
  readonly streets: readonly string[];
  readonly birthDates: readonly string[];
}

export interface GeneratedDrop {
  readonly folder: string;
  readonly dropId: string;
  readonly pii: DropPii;
  /**
   * The ground truth, from what the generator wrote and docs/spec.md §2-3 (not from the
   * ingest): what the ingest must find.
   */
  readonly expected: {
    /** Juvenile UJ/J2 or CASEPRIORITY_CODE UC (docs/spec.md §2). */
    readonly ucCases: number;
    /** The UC cases that are UC by CASEPRIORITY_CODE UC alone (no juvenile history code says so). */
    readonly priorityUcCases: number;
    readonly ftas: number;
    /** Every FTA of a UC case: `IA-<IDNPROCEEDING>` (ABSENTIA Y) and `NS-<IDNSCHEDULE>` (ADJ_RSN 11). */
    readonly ftaIds: readonly string[];
    /** Each FTA's date (YYYY-MM-DD): the in-absentia order's hearing, or the no-show's ADJ_DATE. */
    readonly ftaDates: Readonly<Record<string, string>>;
    /** The same FTAs with what identifies them to OPLA: case, A-number, kind, date (YYYY-MM-DD), court. */
    readonly ftaDetails: readonly GeneratedFta[];
    readonly inAbsentiaOrders: number;
    readonly noShows: number;
    readonly caseRows: number;
    readonly proceedingRows: number;
    /** The shifted rows: two fields too many readings fit none, so ROW_EXTRA_FIELDS. */
    readonly proceedingRejected: number;
    readonly juvenileRows: number;
    readonly scheduleRows: number;
  };
}

export interface GeneratedFta {
  readonly ftaId: string;
  readonly kind: FtaKind;
  readonly caseId: string;
  readonly proceedingId: string;
  readonly aNumber: string;
  readonly date: string;
  readonly court: string;
}

export interface DropOptions {
  /** Different seeds give different cases and people; the same seed gives the same drop. */
  readonly seed: number;
  readonly cases: number;
  /** Rows with a stray tab that carry identity values in the wrong columns (rejected). */
  readonly shiftedRows?: number;
  /** Drop folder name (the drop id); defaults to `generated-<seed>`. */
  readonly dropId?: string;
  /** Parent folder; a fresh temp folder by default. */
  readonly parent?: string;
  /**
   * Years the hearings fall in, case i in `ftaYears[i % n]` (both its hearing and its earlier
   * adjourned one); by default hearings in 2025 and adjourned hearings in 2024.
   */
  readonly ftaYears?: readonly number[];
}

const FIRST = ['María', 'José', 'Yesenia', 'Kevin', 'Dulce', 'Brayan', 'Génesis', 'Wilmer', 'Ashly', 'Elmer', 'Yaritza', 'Darwin'];
const LAST = ['Hernández', 'Xicará', 'Quiñónez', 'Ajanel', 'Pérez Tzoc', 'Mejía', 'Cux', 'Ventura', 'Chávez', 'Tum', 'Ordóñez', 'Lémus'];
const STREETS = ['Calle Esperanza', 'Avenida Los Pinos', 'Harrisburg Blvd', 'Westheimer Rd', 'Jamaica Ave', 'Broadway', 'Calle Ocho'];
const COURTS = ['HOU', 'NYC', 'LOS', 'MIA', 'DAL', 'SFR', 'CHI', 'ATL'];

/**
 * Writes a drop in EOIR's layout WITH the identity columns EOIR exports hold
 * (A_TblCase: ALIEN_NBR, ALIEN_LAST_NAME, ALIEN_FIRST_NAME, ALIEN_STREET, C_BIRTHDATE;
 * B_TblProceeding also carries ALIEN_NBR), plus tbl_JuvenileHistory, tbl_schedule and
 * Count.txt. About half the cases are UC cases (UJ or J2; a few others only by
 * CASEPRIORITY_CODE UC); about half have an in-absentia order, and about a quarter a
 * hearing adjourned ADJ_RSN 11 (a no-show), the others 09/10/33/01/8B (no FTA).
 * Shifted rows push names and A-numbers into the wrong columns.
 */
export function generateDrop(options: DropOptions): GeneratedDrop {
  const rnd = mulberry32(options.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const dropId = options.dropId ?? `generated-${options.seed}`;
  const folder = join(options.parent ?? tempDir('drop'), dropId);
  mkdirSync(folder, { recursive: true });
  // Case ids are 7 digits, proceeding ids 7 digits, A-numbers 9: an A-number cannot pass for an id.
  const caseBase = 3_000_000 + (options.seed % 500) * 2_000;
  const pii = { aNumbers: [] as string[], lastNames: [] as string[], firstNames: [] as string[], streets: [] as string[], birthDates: [] as string[] };

  const caseRows: string[][] = [['IDNCASE', 'ALIEN_NBR', 'ALIEN_LAST_NAME', 'ALIEN_FIRST_NAME', 'ALIEN_STREET', 'ALIEN_CITY', 'ALIEN_STATE', 'ALIEN_ZIPCODE', 'NAT', 'C_BIRTHDATE', 'CASEPRIORITY_CODE']];
  const juvenileRows: string[][] = [['idnJuvenileHistory', 'idnCase', 'idnProceeding', 'idnJuvenile', 'DATCREATEDON']];
  const proceedingRows: string[][] = [['IDNPROCEEDING', 'IDNCASE', 'ALIEN_NBR', 'BASE_CITY_CODE', 'CASE_TYPE', 'DEC_CODE', 'ABSENTIA', 'HEARING_DATE', 'COMP_DATE', 'OSC_DATE']];
  const scheduleRows: string[][] = [['IDNSCHEDULE', 'IDNPROCEEDING', 'IDNCASE', 'BASE_CITY_CODE', 'CAL_TYPE', 'ADJ_DATE', 'ADJ_RSN', 'ADJ_MEDIUM']];
  let ucCases = 0;
  let priorityUcCases = 0;
  let inAbsentiaOrders = 0;
  let noShows = 0;
  const ftaIds: string[] = [];
  const ftaDates: Record<string, string> = {};
  const year = (i: number, fallback: number): number => (options.ftaYears?.length ? (options.ftaYears[i % options.ftaYears.length] ?? fallback) : fallback);
  const ftaDetails: GeneratedFta[] = [];
  for (let i = 0; i < options.cases; i++) {
    const caseId = String(caseBase + i);
    const proceedingId = String(caseBase + 4_000_000 + i);
    const scheduleId = String(caseBase + 10_000_000 + i);
    const aNumber = String(200_000_000 + Math.floor(rnd() * 99_999_999));
    const first = `${pick(FIRST)}${i % 7 === 0 ? ' Abigail' : ''}`;
    const last = `${pick(LAST)}-${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(97 + ((i * 7) % 26))}${String.fromCharCode(97 + ((i * 3) % 26))}`;
    const street = `${100 + Math.floor(rnd() * 9800)} ${pick(STREETS)}`;
    const birth = `20${String(6 + Math.floor(rnd() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rnd() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rnd() * 28)).padStart(2, '0')}`;
    pii.aNumbers.push(aNumber);
    pii.firstNames.push(first);
    pii.lastNames.push(last);
    pii.streets.push(street);
    pii.birthDates.push(birth);

    const juvenileUc = rnd() < 0.5;
    // Spec 2: a case is also a UC case by CASEPRIORITY_CODE UC alone.
    const priorityUc = !juvenileUc && rnd() < 0.1;
    const isUc = juvenileUc || priorityUc;
    if (isUc) ucCases += 1;
    if (priorityUc) priorityUcCases += 1;
    caseRows.push([caseId, aNumber, last, first, street, 'HOUSTON', 'TX', '77002', 'GT', `${birth} 00:00:00.000`, priorityUc ? 'UC' : 'N/A']);
    const code = juvenileUc ? pick(['4', '3']) : pick(['6', '5', '1', '2']);
    juvenileRows.push([String(caseBase + 8_000_000 + i), caseId, proceedingId, code, '2024-01-05 10:00:00.000']);

    const absentia = rnd() < 0.5;
    const hearingDay = `${year(i, 2025)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
    if (isUc && absentia) {
      inAbsentiaOrders += 1;
      ftaIds.push(`IA-${proceedingId}`);
      ftaDates[`IA-${proceedingId}`] = hearingDay;
    }
    const hearing = `${hearingDay} 00:00:00.000`;
    const court = pick(COURTS);
    if (isUc && absentia) ftaDetails.push({ ftaId: `IA-${proceedingId}`, kind: 'IN_ABSENTIA_ORDER', caseId, proceedingId, aNumber, date: hearing.slice(0, 10), court });
    proceedingRows.push([proceedingId, caseId, aNumber, court, 'RMV', absentia ? 'X' : '', absentia ? 'Y' : 'N', hearing, absentia ? hearing : '', '2023-06-01 00:00:00.000']);

    // One earlier hearing per case; ADJ_RSN 11 is a no-show (docs/spec.md §3), 09/10/33 are not the respondent's.
    const adjRsn = rnd() < 0.25 ? '11' : pick(['09', '10', '33', '01', '8B', '']);
    const adjDay = `${year(i, 2024)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
    if (isUc && adjRsn === '11') {
      noShows += 1;
      ftaIds.push(`NS-${scheduleId}`);
      ftaDates[`NS-${scheduleId}`] = adjDay;
    }
    const adjDate = `${adjDay} 00:00:00.000`;
    if (isUc && adjRsn === '11') ftaDetails.push({ ftaId: `NS-${scheduleId}`, kind: 'NO_SHOW_ADJOURNMENT', caseId, proceedingId, aNumber, date: adjDate.slice(0, 10), court });
    scheduleRows.push([scheduleId, proceedingId, caseId, court, 'M', adjDate, adjRsn, adjRsn === '11' ? 'P' : pick(['P', 'V', 'H'])]);
  }
  const shifted = options.shiftedRows ?? 0;
  for (let i = 0; i < shifted; i++) {
    const n = i % Math.max(1, pii.aNumbers.length);
    // A stray tab: the name lands in a key column and the row has one field too many.
    proceedingRows.push([String(caseBase + 6_000_000 + i), `${pii.lastNames[n]}\t${pii.firstNames[n]}`, `A${pii.aNumbers[n]}`, pii.streets[n] ?? '', 'RMV', 'X', 'Y', `${pii.birthDates[n]} 00:00:00.000`, '', '']);
  }
  writeFileSync(join(folder, 'A_TblCase.csv'), eoirTable(caseRows));
  writeFileSync(join(folder, 'tbl_JuvenileHistory.csv'), eoirTable(juvenileRows));
  writeFileSync(join(folder, 'B_TblProceeding.csv'), eoirTable(proceedingRows));
  writeFileSync(join(folder, 'tbl_schedule.csv'), eoirTable(scheduleRows));
  writeFileSync(
    join(folder, 'Count.txt'),
    countTxt([
      ['A_TblCase', options.cases],
      ['B_TblProceeding', options.cases + shifted],
      ['tbl_JuvenileHistory', options.cases],
      ['tbl_schedule', options.cases],
    ]),
  );
  return {
    folder,
    dropId,
    pii,
    expected: {
      ucCases,
      priorityUcCases,
      ftas: ftaIds.length,
      ftaIds,
      ftaDates,
      ftaDetails,
      inAbsentiaOrders,
      noShows,
      caseRows: options.cases,
      proceedingRows: options.cases + shifted,
      proceedingRejected: shifted,
      juvenileRows: options.cases,
      scheduleRows: options.cases,
    },
  };
}
