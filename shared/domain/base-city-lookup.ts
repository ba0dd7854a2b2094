import { parse } from 'csv-parse/sync';
import type { CourtAddress } from './hearing-reminder';

/*
 * EOIR's court table as a release ships it, `Lookup/tblLookupBaseCity.csv` (eoir-format.md
 * section 6): BASE_CITY_CODE with the court's street address (BASE_ST_ADDRESS, BASE_CITY,
 * BASE_STATE, BASE_ZIP_1), 98 columns in all, mapped by header name. Same file conventions
 * as the main tables: tab-separated (or `|`, or quoted commas), Windows-1252, NUL bytes.
 */

/** The lookup file of a drop listing, by base name in any letter case. */
export function isBaseCityLookup(path: string): boolean {
  return /^tbllookupbasecity\.(csv|txt)$/i.test(path.replace(/^.*[\\/]/, ''));
}

export type BaseCityRejection = 'KEY_MISSING' | 'NO_ADDRESS' | 'ROW_SHORT';

export interface BaseCityLookup {
  readonly courts: readonly { readonly code: string; readonly address: CourtAddress }[];
  readonly read: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly rejectedByReason: Partial<Record<BaseCityRejection, number>>;
  /** Set when the file itself is unusable (no header with BASE_CITY_CODE and BASE_ST_ADDRESS). */
  readonly fileRejection?: string;
}

const clean = (v: string | undefined): string | null => {
  const t = (v ?? '').trim();
  return t === '' || /^(NULL|N\/A)$/i.test(t) ? null : t;
};

/** Parses the lookup's bytes; every data row is accepted or rejected with a reason. */
export function parseBaseCityLookup(bytes: Buffer): BaseCityLookup {
  const text = new TextDecoder('windows-1252').decode(bytes.filter((b) => b !== 0));
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = firstLine.includes('\t') ? '\t' : firstLine.includes('|') ? '|' : ',';
  const records: string[][] = parse(text, { delimiter, quote: delimiter === ',' ? '"' : false, relax_column_count: true, skip_empty_lines: true, bom: true });
  const header = (records[0] ?? []).map((h) => h.trim().toUpperCase());
  const col = (name: string): number => header.indexOf(name);
  const [code, street, city, state, zip] = ['BASE_CITY_CODE', 'BASE_ST_ADDRESS', 'BASE_CITY', 'BASE_STATE', 'BASE_ZIP_1'].map(col) as [number, number, number, number, number];
  const rows = records.slice(1);
  if (code < 0 || street < 0) {
    return { courts: [], read: rows.length, accepted: 0, rejected: rows.length, rejectedByReason: {}, fileRejection: 'header lacks BASE_CITY_CODE or BASE_ST_ADDRESS' };
  }
  const courts: { code: string; address: CourtAddress }[] = [];
  const rejectedByReason: Partial<Record<BaseCityRejection, number>> = {};
  const reject = (r: BaseCityRejection) => (rejectedByReason[r] = (rejectedByReason[r] ?? 0) + 1);
  for (const row of rows) {
    if (row.length <= street) {
      reject('ROW_SHORT');
      continue;
    }
    const c = clean(row[code]);
    if (c === null) {
      reject('KEY_MISSING');
      continue;
    }
    const address: CourtAddress = { street: clean(row[street]), city: city < 0 ? null : clean(row[city]), state: state < 0 ? null : clean(row[state]), zip: zip < 0 ? null : clean(row[zip]) };
    if (address.street === null) {
      reject('NO_ADDRESS');
      continue;
    }
    courts.push({ code: c.toUpperCase(), address });
  }
  return { courts, read: rows.length, accepted: courts.length, rejected: rows.length - courts.length, rejectedByReason };
}
