import { cleanField, decodeLine } from './eoir-format';
import { tableForFileName, type EoirTableName } from './eoir-table';

/**
 * `Count.txt` (eoir-format.md 1.1): one `<table name>\t<row count>` per line. Lines for
 * tables the pipeline does not read are ignored; junk lines are ignored.
 */
export function parseCountFile(bytes: Buffer): Partial<Record<EoirTableName, number>> {
  const counts: Partial<Record<EoirTableName, number>> = {};
  for (const raw of bytes.toString('latin1').split(/\r?\n/)) {
    const [name, count] = decodeLine(Buffer.from(raw, 'latin1')).split(/\t|\|/);
    const table = tableForFileName(cleanField(name) ?? '');
    const n = Number((cleanField(count) ?? '').replace(/,/g, ''));
    if (table !== undefined && Number.isInteger(n) && n >= 0) counts[table] = n;
  }
  return counts;
}

export interface CountCheck {
  readonly expected: number;
  readonly read: number;
  /** EOIR's count and the rows read agree exactly. DD warns at a difference of 5 or more. */
  readonly matches: boolean;
}

export function checkCount(expected: number, read: number): CountCheck {
  return { expected, read, matches: expected === read };
}
