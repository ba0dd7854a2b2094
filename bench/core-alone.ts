/**
 * The ingest core alone (bench/ingest-core.ts) over the bench's drop, for profiling:
 * `node --cpu-prof --import tsx bench/core-alone.ts [dir] [rounds]`. Prints each round's
 * wall and CPU time (ms) and the FTAs found. Not a test, not part of `npm run bench`.
 */
import { join } from 'node:path';
import { ingestCore } from './ingest-core';

const dir = process.argv[2] ?? join(import.meta.dirname, '../out/bench/drop-1000000');
const rounds = Number(process.argv[3] ?? 3);
for (let i = 0; i < rounds; i++) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const out = await ingestCore(dir);
  const cpu = process.cpuUsage(cpu0);
  console.log(`round ${i + 1}: ${Math.round(performance.now() - t0)} ms wall, ${Math.round((cpu.user + cpu.system) / 1000)} ms CPU, ${out.rows} rows, ${out.rejected} rejected, ${out.ftas.size} FTAs`);
}
