/**
 * A line far longer than any row streams through the table reader in bounded memory: a
 * 256 MB line (the same 64 KB block again and again) between two rows. Held whole, the
 * line alone would add 256 MB; the scanner keeps at most about MAX_LINE_BYTES plus one
 * chunk. Budget: array buffers grow by less than 32 MB while it reads, and the rows
 * before and after the line are still read. Not a test: a memory figure depends on the
 * machine and its load, so it is measured here, not in `npm test`. Writes
 * out/bench/long-line.json and sets exitCode 1 on a miss.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openEoirTable } from '../shared/domain/open-eoir-table';
import { PROCEEDING_TABLE } from '../shared/domain/proceeding';

const PROC = 'IDNPROCEEDING\tIDNCASE\tOSC_DATE\tBASE_CITY_CODE\tCASE_TYPE\tDEC_CODE\tABSENTIA\tHEARING_DATE\tCOMP_DATE\r\n';
const proc = (id: string, caseId: string) => `${id}\t${caseId}\t2022-01-01 00:00:00.000\tHOU\tRMV\tX\tY\t2025-03-01 00:00:00.000\t2025-03-04 00:00:00.000\r\n`;
const BUDGET_MB = 32;

const block = Buffer.alloc(64 * 1024, 0x78);
async function* bytes(): AsyncGenerator<Uint8Array> {
  yield Buffer.from(PROC + proc('10', '100') + '13\t103\t');
  for (let i = 0; i < 4096; i++) yield block;
  yield Buffer.from('\r\n' + proc('11', '101'));
}

globalThis.gc?.();
const before = process.memoryUsage().arrayBuffers;
let peak = before;
const opened = await openEoirTable(bytes(), PROCEEDING_TABLE);
if (!opened.ok) throw new Error(opened.reason);
const reasons: string[] = [];
for await (const row of opened.rows) {
  reasons.push(row.result.ok ? 'ok' : row.result.reason);
  peak = Math.max(peak, process.memoryUsage().arrayBuffers);
}
const grewMb = Math.round(((peak - before) / 1024 / 1024) * 10) / 10;
const rowsRight = reasons.join() === 'ok,ROW_TOO_LONG,ok';
const result = { lineMb: 256, rows: reasons, arrayBuffersGrewMb: grewMb, target: `< ${BUDGET_MB} MB`, pass: rowsRight && grewMb < BUDGET_MB };
console.log(result);
const OUT = join(import.meta.dirname, '../out/bench');
mkdirSync(OUT, { recursive: true });
writeFileSync(join(OUT, 'long-line.json'), `${JSON.stringify({ at: new Date().toISOString(), ...result }, null, 2)}\n`);
if (!result.pass) process.exitCode = 1;
