import { cleanField, isIntegerKey, parseEoirDate } from './eoir-format';
import type { ColumnShape } from './eoir-table';

/**
 * The stray-tab repair rule (eoir-format.md 1.2: about 101 A_TblCase rows, mostly a TAB
 * inside ALIEN_CITY, and about 71 B_TblProceeding rows with an extra TAB). A row with
 * exactly one field too many is repaired only when exactly ONE way of undoing one stray
 * TAB gives a row in which every column of known shape (keys, dates, times, state, ZIP,
 * Y/N flags, codes) holds a value of that shape or is empty. The candidates are: joining a
 * free-text column with the field after it (the TAB was inside the text, e.g. a city), and
 * dropping one empty field (an extra TAB between fields). Candidates giving the same row
 * count once. No candidate, or two different ones: the row is not repaired (rejected as
 * ROW_EXTRA_FIELDS). The rule never guesses between two readings.
 */
export function repairShiftedRow(
  fields: readonly string[],
  freeText: ReadonlySet<number>,
  shapes: readonly (readonly [number, ColumnShape])[],
): string[] | undefined {
  if (shapes.length === 0) return undefined;
  const seen = new Set<string>();
  let found: string[] | undefined;
  let count = 0;
  const consider = (candidate: string[]): void => {
    const key = candidate.join('\t');
    if (seen.has(key)) return;
    seen.add(key);
    if (!shapes.every(([i, shape]) => fitsShape(candidate[i], shape))) return;
    count += 1;
    found = candidate;
  };
  for (const i of freeText) {
    if (i + 1 < fields.length) {
      consider([...fields.slice(0, i), `${fields[i]} ${fields[i + 1]}`.trim(), ...fields.slice(i + 2)]);
    }
  }
  for (let i = 0; i < fields.length; i++) {
    if ((cleanField(fields[i]) ?? '') === '' ) consider([...fields.slice(0, i), ...fields.slice(i + 1)]);
    if (count > 1) return undefined;
  }
  return count === 1 ? found : undefined;
}

const SHAPES: Record<ColumnShape, (v: string) => boolean> = {
  key: isIntegerKey,
  date: (v) => parseEoirDate(v) !== null,
  time: (v) => /^\d{3,4}$/.test(v),
  state: (v) => /^[A-Z]{2}$/i.test(v),
  zip: (v) => /^\d{3,5}(-?\d{4})?$/.test(v),
  yn: (v) => /^[YN]$/i.test(v),
  code: (v) => /^[A-Z0-9/]{1,6}$/i.test(v),
};

function fitsShape(raw: string | undefined, shape: ColumnShape): boolean {
  const v = cleanField(raw);
  return v === null || SHAPES[shape](v);
}
