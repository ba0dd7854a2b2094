/**
 * Business days of ICE field offices: Monday to Friday, except US federal holidays
 * (5 U.S.C. 6103, with the observed-day rule: a Saturday holiday is observed on the Friday
 * before, a Sunday holiday on the Monday after). Dates are YYYY-MM-DD strings, UTC.
 */
const DAY_MS = 86_400_000;

/** YYYY-MM-DD -> days since 1970-01-01. */
export function dayNumber(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

/** Days since 1970-01-01 -> YYYY-MM-DD. */
export function dayString(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

const holidayCache = new Map<number, ReadonlySet<number>>();

/** nth weekday (0 = Sunday) of a month (1-12); n = -1 means the last one. */
function nthWeekday(year: number, month: number, weekday: number, n: number): number {
  if (n > 0) {
    const first = Date.UTC(year, month - 1, 1) / DAY_MS;
    const dow = new Date(first * DAY_MS).getUTCDay();
    return first + ((weekday - dow + 7) % 7) + (n - 1) * 7;
  }
  const last = Date.UTC(year, month, 0) / DAY_MS;
  const dow = new Date(last * DAY_MS).getUTCDay();
  return last - ((dow - weekday + 7) % 7);
}

function observed(day: number): number {
  const dow = new Date(day * DAY_MS).getUTCDay();
  if (dow === 6) return day - 1;
  if (dow === 0) return day + 1;
  return day;
}

/** The observed federal holidays of a year, as day numbers. */
export function federalHolidays(year: number): ReadonlySet<number> {
  const cached = holidayCache.get(year);
  if (cached) return cached;
  const fixed = (m: number, d: number): number => observed(Date.UTC(year, m - 1, d) / DAY_MS);
  const days = new Set<number>([
    fixed(1, 1), // New Year's Day
    nthWeekday(year, 1, 1, 3), // Birthday of Martin Luther King, Jr.
    nthWeekday(year, 2, 1, 3), // Washington's Birthday
    nthWeekday(year, 5, 1, -1), // Memorial Day
    fixed(6, 19), // Juneteenth National Independence Day
    fixed(7, 4), // Independence Day
    nthWeekday(year, 9, 1, 1), // Labor Day
    nthWeekday(year, 10, 1, 2), // Columbus Day
    fixed(11, 11), // Veterans Day
    nthWeekday(year, 11, 4, 4), // Thanksgiving Day
    fixed(12, 25), // Christmas Day
  ]);
  // New Year's Day of next year falling on a Saturday is observed on Dec 31 of this year.
  const nextNewYear = Date.UTC(year + 1, 0, 1) / DAY_MS;
  if (new Date(nextNewYear * DAY_MS).getUTCDay() === 6) days.add(nextNewYear - 1);
  holidayCache.set(year, days);
  return days;
}

export function isBusinessDayNumber(day: number): boolean {
  const dow = (day + 4) % 7; // 1970-01-01 was a Thursday
  if (dow === 0 || dow === 6) return false;
  const year = new Date(day * DAY_MS).getUTCFullYear();
  return !federalHolidays(year).has(day) && !federalHolidays(year + 1).has(day);
}

export function isBusinessDay(date: string): boolean {
  return isBusinessDayNumber(dayNumber(date));
}

/** Adds business days (Monday to Friday, federal holidays skipped) to a YYYY-MM-DD date. */
export function addBusinessDays(date: string, days: number): string {
  let day = dayNumber(date);
  let left = days;
  while (left > 0) {
    day += 1;
    if (isBusinessDayNumber(day)) left -= 1;
  }
  return dayString(day);
}

/** The first business day on or after `date`. */
export function businessDayOnOrAfter(date: string): string {
  let day = dayNumber(date);
  while (!isBusinessDayNumber(day)) day += 1;
  return dayString(day);
}

/** `count` consecutive business days starting on or after `from`, as day numbers. */
export function businessDaysFrom(from: number, count: number): number[] {
  const out: number[] = [];
  for (let day = from; out.length < count; day++) if (isBusinessDayNumber(day)) out.push(day);
  return out;
}
