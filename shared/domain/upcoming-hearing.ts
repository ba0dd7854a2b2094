import type { CaseRow } from './case';
import type { ScheduleRow } from './schedule';

/*
 * Hearings still ahead, as the drops show them: a tbl_schedule row whose ADJ_DATE is on or
 * after the drop's as-of day with no adjournment reason and no medium yet (the hearing has
 * not happened and was not called off), or A_TblCase's LATEST_HEARING / LATEST_TIME /
 * LATEST_CAL_TYPE (EOIR copies them from tbl_schedule) on or after that day. A case has one
 * upcoming hearing at a time: a later drop's view replaces an earlier one (a moved hearing
 * is the new date, never two), and within one drop the earliest such hearing is the case's.
 */

/** Where an upcoming hearing was read. */
export type UpcomingSource = 'SCHEDULE' | 'CASE_LATEST';

export interface UpcomingHearing {
  readonly caseId: string;
  /** IDNSCHEDULE; null when only A_TblCase's LATEST_* columns show the hearing. */
  readonly scheduleId: string | null;
  /** ADJ_DATE or LATEST_HEARING, YYYY-MM-DD. */
  readonly date: string;
  /** ADJ_TIME_START or LATEST_TIME, HHMM; null when the data has none. */
  readonly time: string | null;
  /** CAL_TYPE or LATEST_CAL_TYPE (M master, I individual, others rare). */
  readonly calType: string | null;
  /** ADJ_MEDIUM when set ahead (P in person, V video, T telephone, A/W/C internet); A_TblCase has none. */
  readonly medium: string | null;
  /** BASE_CITY_CODE (tbl_schedule) or UPDATE_SITE (A_TblCase). */
  readonly court: string | null;
  readonly source: UpcomingSource;
  /** The as-of of the drop that shows it (drop order decides which view of a case stands). */
  readonly asOf: string;
  readonly dropId: string;
  /**
   * From A_TblCase only: an EOIR-28 (E_28_DATE) or ATTY_NBR on file (true), neither (false);
   * undefined when the hearing was not read from A_TblCase.
   */
  readonly attorneyOfRecord?: boolean;
}

/** A schedule row on or after the drop's day that now carries an adjournment or a medium: the hearing was called off, moved or held. */
export interface HearingAdjourned {
  readonly caseId: string;
  readonly scheduleId: string;
  readonly asOf: string;
  readonly dropId: string;
  /** 'HELD' when a hearing medium other than H is recorded; otherwise 'CANCELLED' (adjourned, moved, not held). */
  readonly status: 'HELD' | 'CANCELLED';
}

/** The status of a case's stored hearing. */
export type UpcomingStatus = 'UPCOMING' | 'HELD' | 'CANCELLED';

export interface StoredUpcomingHearing extends UpcomingHearing {
  readonly status: UpcomingStatus;
}

/** The YYYY-MM-DD day of an ISO as-of time. */
export function asOfDay(asOf: string): string {
  return asOf.slice(0, 10);
}

/**
 * What a tbl_schedule row says about the case's hearings ahead of the drop's day: an
 * upcoming hearing, an adjourned one (its row now has ADJ_RSN or ADJ_MEDIUM), or nothing
 * (a past or undated row).
 */
export function hearingOfSchedule(
  s: ScheduleRow,
  drop: { readonly asOf: string; readonly dropId: string },
): { kind: 'upcoming'; hearing: UpcomingHearing } | { kind: 'adjourned'; adjourned: HearingAdjourned } | null {
  if (s.date === null || s.date < asOfDay(drop.asOf)) return null;
  if (s.outcome === 'SCHEDULED') {
    return {
      kind: 'upcoming',
      hearing: { caseId: s.caseId, scheduleId: s.scheduleId, date: s.date, time: s.time ?? null, calType: s.calType, medium: null, court: s.court, source: 'SCHEDULE', asOf: drop.asOf, dropId: drop.dropId },
    };
  }
  // A medium recorded with no reason on a future date: set ahead (a video hearing), still upcoming.
  if (s.adjRsn === null && s.medium !== null && s.medium !== 'H') {
    return {
      kind: 'upcoming',
      hearing: { caseId: s.caseId, scheduleId: s.scheduleId, date: s.date, time: s.time ?? null, calType: s.calType, medium: s.medium, court: s.court, source: 'SCHEDULE', asOf: drop.asOf, dropId: drop.dropId },
    };
  }
  return { kind: 'adjourned', adjourned: { caseId: s.caseId, scheduleId: s.scheduleId, asOf: drop.asOf, dropId: drop.dropId, status: s.outcome === 'APPEARED' ? 'HELD' : 'CANCELLED' } };
}

/** A_TblCase's LATEST_HEARING as an upcoming hearing, when it is on or after the drop's day. */
export function hearingOfCase(c: CaseRow, drop: { readonly asOf: string; readonly dropId: string }): UpcomingHearing | null {
  const latest = c.latestHearing;
  if (latest === undefined || latest === null || latest.date < asOfDay(drop.asOf)) return null;
  return {
    caseId: c.caseId,
    scheduleId: null,
    date: latest.date,
    time: latest.time,
    calType: latest.calType,
    medium: null,
    court: latest.court,
    source: 'CASE_LATEST',
    asOf: drop.asOf,
    dropId: drop.dropId,
    ...(c.attorneyOfRecord === undefined ? {} : { attorneyOfRecord: c.attorneyOfRecord }),
  };
}

const DAY_MS = 24 * 3600 * 1000;

/** Whole days from `from` to `to` (both YYYY-MM-DD, UTC): 0 on the day itself. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** The day `days` after `day` (YYYY-MM-DD, UTC). */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Reminder horizons in days before the hearing, largest first. */
export const DEFAULT_REMINDER_HORIZONS: readonly number[] = [14, 3];

/**
 * The horizon whose reminder is due `today` for a hearing on `hearingDate`: the smallest
 * horizon the hearing is within (a hearing 2 days away is due its 3-day reminder, and its
 * 14-day one, never sent, is no longer worth sending). Null for a hearing past, or farther
 * away than every horizon. Horizons are whole days, hearing day included (0 days away).
 */
export function dueHorizon(hearingDate: string, today: string, horizons: readonly number[]): number | null {
  const days = daysBetween(today, hearingDate);
  if (days < 0) return null;
  const within = horizons.filter((h) => days <= h);
  return within.length === 0 ? null : Math.min(...within);
}

/** ADJ_MEDIUM codes (eoir-format.md 3.2) as ORR reads them. */
const MEDIUM_LABEL: Record<string, string> = {
  P: 'in person',
  V: 'video',
  T: 'telephone',
  A: 'internet',
  W: 'internet',
  C: 'internet court',
};

/** The medium of a hearing as a phrase; says so when the data does not tell. */
export function mediumLabel(medium: string | null): string {
  return medium === null ? 'not in the data (no ADJ_MEDIUM set ahead of the hearing)' : (MEDIUM_LABEL[medium] ?? `ADJ_MEDIUM ${medium}`);
}

/** CAL_TYPE codes (tbllookupCal_Type) as ORR reads them. */
export function calendarLabel(calType: string | null): string {
  if (calType === null) return 'not in the data';
  return calType === 'M' ? 'master calendar' : calType === 'I' ? 'individual (merits)' : `CAL_TYPE ${calType}`;
}

/** HHMM as HH:MM; says so when the data has no time. */
export function timeLabel(time: string | null): string {
  return time !== null && /^\d{4}$/.test(time) ? `${time.slice(0, 2)}:${time.slice(2)}` : 'not in the data';
}
