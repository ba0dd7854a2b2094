/**
 * CPU time (user + system, this process's threads, DuckDB's included) of the ingest core,
 * DuckDB's UC FTA query on one thread and readline + split over the bench's drop, in
 * interleaved rounds: on a loaded machine CPU time moves less than wall time, so these
 * ratios are the check on the bench's wall-clock ones. `node --import tsx bench/core-cpu.ts
 * [dir] [rounds]`; prints each round and the best of each. Not a test, not in `npm run bench`.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { duckdbUcFtas } from './duckdb-query';
import { ingestCore, readlineSplit } from './ingest-core';

const dir = process.argv[2] ?? join(import.meta.dirname, '../out/bench/drop-1000000');
const rounds = Number(process.argv[3] ?? 3);

async function cpuMs(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.cpuUsage();
  await fn();
  const t = process.cpuUsage(t0);
  return Math.round((t.user + t.system) / 1000);
}

const best = { core: Infinity, duckdb1: Infinity, split: Infinity };
for (let i = 0; i < rounds; i++) {
  const split = await cpuMs(() => readlineSplit(dir));
  const core = await cpuMs(() => ingestCore(dir));
  const duckdb1 = await cpuMs(() => duckdbUcFtas(dir, 1));
  best.core = Math.min(best.core, core);
  best.duckdb1 = Math.min(best.duckdb1, duckdb1);
  best.split = Math.min(best.split, split);
  console.log(`round ${i + 1} (load ${(loadavg()[0] ?? 0).toFixed(1)}): CPU ms core ${core}, DuckDB 1 thread ${duckdb1}, readline + split ${split}`);
}
const r = (n: number): number => Math.round(n * 100) / 100;
console.log(`best CPU ms: core ${best.core}, DuckDB 1 thread ${best.duckdb1} (core ${r(best.duckdb1 / best.core)}x), readline + split ${best.split} (core ${r(best.split / best.core)}x)`);
