import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openEoirTable } from '../../shared/domain/eoir-table';
import { PROCEEDING_TABLE } from '../../shared/domain/proceeding';

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
