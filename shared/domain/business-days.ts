/**
 * Adds business days (Monday to Friday) to a YYYY-MM-DD date. Federal holidays are not
 * skipped yet; the NTA scheduler's capacity calendar will add them.
 */
export function addBusinessDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  let left = days;
  while (left > 0) {
    d.setUTCDate(d.getUTCDate() + 1);
    const dow = d.getUTCDay();
    if (dow !== 0 && dow !== 6) left -= 1;
  }
  return d.toISOString().slice(0, 10);
}
