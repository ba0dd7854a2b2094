import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openEoirTable } from '../../shared/domain/open-eoir-table';
import { PROCEEDING_TABLE } from '../../shared/domain/proceeding';
import { CASE_TABLE } from '../../shared/domain/case';
import { JUVENILE_HISTORY_TABLE } from '../../shared/domain/juvenile';
import { ROW_REJECTIONS } from '../../shared/domain/rejections';
import { SCHEDULE_TABLE } from '../../shared/domain/schedule';

const HEADER = 'IDNPROCEEDING\tIDNCASE\tOSC_DATE\tBASE_CITY_CODE\tCASE_TYPE\tDEC_CODE\tABSENTIA\tHEARING_DATE\tCOMP_DATE\r\n';

async function* inChunks(bytes: Uint8Array, sizes: number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (const size of sizes) {
    if (at >= bytes.length) break;
    yield bytes.subarray(at, at + size);
    at += size;
  }
  if (at < bytes.length) yield bytes.subarray(at);
}

describe('the row parser on random bytes', () => {
  it('never throws, and yields one accepted-or-rejected result per non-blank line', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 2000 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 50 }),
        async (body, sizes) => {
          const bytes = Buffer.concat([Buffer.from(HEADER), Buffer.from(body)]);
          const opened = await openEoirTable(inChunks(bytes, sizes), PROCEEDING_TABLE);
          expect(opened.ok).toBe(true);
          if (!opened.ok) return;
          let results = 0;
          for await (const row of opened.rows) {
            results += 1;
            expect(typeof row.result.ok).toBe('boolean');
          }
          const lines = Buffer.from(body)
            .toString('latin1')
            .split('\n')
            .map((l) => l.replace(/\r$/, ''))
            .filter((l) => l.length > 0);
          expect(results).toBe(lines.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('every table spec on random rows', () => {
  const specs = [
    { spec: CASE_TABLE, header: 'IDNCASE|ALIEN_CITY|ALIEN_STATE|ALIEN_ZIPCODE|LATEST_HEARING|CASEPRIORITY_CODE|ALIEN_NBR' },
    { spec: SCHEDULE_TABLE, header: 'IDNSCHEDULE\tIDNPROCEEDING\tIDNCASE\tBASE_CITY_CODE\tCAL_TYPE\tADJ_DATE\tADJ_RSN\tADJ_MEDIUM' },
    { spec: JUVENILE_HISTORY_TABLE, header: 'idnJuvenileHistory\tidnCase\tidnProceeding\tidnJuvenile' },
    { spec: PROCEEDING_TABLE, header: HEADER.trimEnd() },
  ] as const;
  // Fields built from the values real files hold: keys, dates, codes, junk, NUL, cp1252, stray delimiters.
  const field = fc.constantFrom('', '1', '100', 'FC', 'Y', 'N', 'NA', 'N/A', 'NULL', ' UC ', '11', '2025-01-03 00:00:00.000', '2025-02-30', 'HOU', 'TX', '77002', 'E', '\u0000', '\u00e9', '\t', '|', '\r');
  it('never throws, accounts for each non-blank line once, and rejects only with a known reason', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: specs.length - 1 }),
        fc.array(fc.array(field, { maxLength: 10 }), { maxLength: 30 }),
        fc.integer({ min: 1, max: 50 }),
        async (which, rows, size) => {
          const { spec, header } = specs[which] as (typeof specs)[number];
          const sep = header.includes('|') ? '|' : '\t';
          const lines = rows.map((r) => r.join(sep));
          const bytes = Buffer.from(`${header}\r\n${lines.join('\r\n')}`, 'latin1');
          const opened = await openEoirTable(inChunks(bytes, Array(Math.ceil(bytes.length / size)).fill(size)), spec as typeof PROCEEDING_TABLE);
          expect(opened.ok).toBe(true);
          if (!opened.ok) return;
          let n = 0;
          const reasons: string[] = [];
          for await (const row of opened.rows) {
            n += 1;
            if (!row.result.ok) reasons.push(row.result.reason);
          }
          expect(reasons.filter((r) => !Object.keys(ROW_REJECTIONS).includes(r))).toEqual([]);
          const expected = bytes.toString('latin1').split('\n').slice(1).map((l) => l.replace(/\r$/, '')).filter((l) => l.length > 0).length;
          expect(n).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
