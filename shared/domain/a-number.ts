/**
 * Alien registration numbers (A-numbers): 9 digits; older 8-digit numbers are padded with
 * a leading 0 (docs/spec.md §1.2). Accepts the usual written forms ("A012345678",
 * "012-345-678", "12345678") and returns the 9-digit form, or null when it is not one.
 */
export function normalizeANumber(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  let s = raw.trim().toUpperCase().replace(/[\s-]/g, '');
  if (s.startsWith('A')) s = s.slice(1);
  if (!/^\d+$/.test(s)) return null;
  if (s.length === 8) s = `0${s}`;
  if (s.length !== 9 || s === '000000000') return null;
  return s;
}
