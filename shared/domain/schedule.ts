import { aorForCourt } from './courts';
import { parseEoirDate } from './eoir-format';
import { keyRejection, type RowResult, type TableSpec } from './eoir-table';
import type { Fta, FtaDetection, Provenance } from './fta';

/**
 * What happened at a scheduled hearing (tbl_schedule; eoir-format.md 3.2), as ORR and the
 * field offices read it:
 * - NO_SHOW: ADJ_RSN 11, the respondent or the representative did not appear (an FTA);
 * - NOT_HELD: ADJ_MEDIUM H (the hearing did not occur), or adjourned for a reason that is
 *   not the respondent's (09 DHS did not bring them, 10 notice defect, 33 interpreter);
 * - APPEARED: held in person/video/phone/internet (P T V A W C) with any other reason:
 *   a documented court appearance;
 * - SCHEDULED: no medium and no reason yet (a future or unrecorded hearing).
 */
export type HearingOutcome = 'NO_SHOW' | 'NOT_HELD' | 'APPEARED' | 'SCHEDULED';

export const NO_SHOW_ADJ_RSN = '11';
/** Adjournments that are not the respondent's failure (docs/spec.md §3). */
const NOT_RESPONDENT_FAULT = new Set(['09', '10', '33']);
const HELD_MEDIA = new Set(['P', 'T', 'V', 'A', 'W', 'C']);

export interface ScheduleRow {
  readonly scheduleId: string;
  readonly proceedingId: string;
  readonly caseId: string;
  readonly court: string | null;
  /** ADJ_DATE, YYYY-MM-DD (null when not a usable date). */
  readonly date: string | null;
  readonly adjRsn: string | null;
  /** ADJ_MEDIUM upper-cased (`p` is 1.6% of real values). */
  readonly medium: string | null;
  readonly calType: string | null;
  readonly outcome: HearingOutcome;
  /** ADJ_TIME_START (HHMM) when the header has it. */
  readonly time?: string | null;
}

export function hearingOutcome(adjRsn: string | null, medium: string | null): HearingOutcome {
  if (adjRsn === NO_SHOW_ADJ_RSN) return 'NO_SHOW';
  if (medium === 'H' || (adjRsn !== null && NOT_RESPONDENT_FAULT.has(adjRsn))) return 'NOT_HELD';
  if (medium !== null && HELD_MEDIA.has(medium)) return 'APPEARED';
  return adjRsn === null && medium === null ? 'SCHEDULED' : 'NOT_HELD';
}

/** IDNSCHEDULE, IDNPROCEEDING, IDNCASE: every row needs them as integer keys. */
const SCHEDULE_KEYS = [0, 1, 2];
/** Indexes of SCHEDULE_TABLE's columns the rules read before building a row. */
export const SCHEDULE_COLUMN = { IDNCASE: 2, ADJ_DATE: 4, ADJ_RSN: 5 } as const;

export const SCHEDULE_TABLE: TableSpec<ScheduleRow> = {
  table: 'tbl_schedule',
  columns: ['IDNSCHEDULE', 'IDNPROCEEDING', 'IDNCASE', 'BASE_CITY_CODE', 'ADJ_DATE', 'ADJ_RSN', 'ADJ_MEDIUM', 'CAL_TYPE'],
  optionalColumns: ['ADJ_TIME_START'],
  shapes: {
    IDNSCHEDULE: 'key', IDNPROCEEDING: 'key', IDNCASE: 'key', OSC_DATE: 'date', INPUT_DATE: 'date', UPDATE_DATE: 'date',
    ADJ_DATE: 'date', ADJ_TIME_START: 'time', ADJ_TIME_STOP: 'time', INPUT_TIME: 'time', UPDATE_TIME: 'time',
    ADJ_RSN: 'code', ADJ_MEDIUM: 'code', CAL_TYPE: 'code', REC_TYPE: 'code', BASE_CITY_CODE: 'code',
  },
  keyColumns: SCHEDULE_KEYS,
  parse: (values): RowResult<ScheduleRow> => {
    const [scheduleId, proceedingId, caseId, court, adjDate, adjRsn, medium, calType, timeStart] = values;
    const keys = keyRejection(values, SCHEDULE_KEYS);
    if (keys !== null || scheduleId == null || proceedingId == null || caseId == null) return { ok: false, reason: keys ?? 'KEY_MISSING' };
    const rsn = adjRsn ?? null;
    const med = medium == null ? null : medium.toUpperCase();
    return {
      ok: true,
      value: {
        scheduleId,
        proceedingId,
        caseId,
        court: court ?? null,
        date: parseEoirDate(adjDate ?? null),
        adjRsn: rsn,
        medium: med,
        calType: calType ?? null,
        outcome: hearingOutcome(rsn, med),
        time: timeStart ?? null,
      },
    };
  },
};

export function noShowFtaId(scheduleId: string): string {
  return `NS-${scheduleId}`;
}

/**
 * NO_SHOW_ADJOURNMENT (docs/spec.md §3): a hearing of a UC case adjourned with ADJ_RSN `11`. Its
 * date is ADJ_DATE; its identity the IDNSCHEDULE. 09, 10 and 33 are not FTAs.
 */
export function detectNoShow(s: ScheduleRow, provenance: Provenance): FtaDetection {
  if (s.adjRsn !== NO_SHOW_ADJ_RSN) return { kind: 'none' };
  if (s.date === null) return { kind: 'undated' };
  const fta: Fta = {
    ftaId: noShowFtaId(s.scheduleId),
    kind: 'NO_SHOW_ADJOURNMENT',
    caseId: s.caseId,
    proceedingId: s.proceedingId,
    scheduleId: s.scheduleId,
    date: s.date,
    court: s.court,
    aor: aorForCourt(s.court),
    provenance,
  };
  return { kind: 'fta', fta };
}
