/**
 * Growth of the whole ingest with the drop: peak RSS and time of a fresh process reading
 * the 1M-row and 4M-row drops inside one invocation, as the deployed ingest does
 * (bench/rss-child.ts), under the deployed heap cap (INGEST_HEAP_MB), and under a tight
 * one (48 MB old space, 4 MB semi-space: if it completes at 1x and 4x, the ingest's live
 * memory does not grow with the file). The 1x drop is read before and after the 4x one and
 * the faster of the two taken, so a burst of load does not pass for growth.
 * Targets: RSS 1x <= 256 MB, 4x <= 1.15x the 1x figure; time per row at 4x <= 1.15x that
 * at 1x; the tight cap completes. Prints the load average with each measure; writes
 * out/bench/growth.json and sets exitCode 1 on a miss. `BENCH_ROWS` sets the 1x size
 * (default 1,000,000). Not a test.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { INGEST_HEAP_MB } from '../shared/runtime/resources';
import { generateDrop } from './gen-drop';

const OUT = join(import.meta.dirname, '../out/bench');
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);

const load = (): number => Math.round((loadavg()[0] ?? 0) * 10) / 10;
const round = (n: number): number => Math.round(n * 100) / 100;

async function drop(rows: number): Promise<string> {
  const dir = join(OUT, `drop-${rows}`);
  if (!existsSync(join(dir, 'Count.txt'))) {
    console.log(`generating a ${rows}-row drop in ${dir}`);
    await generateDrop(rows, dir);
  }
  return dir;
}

interface Measure { rowsRead: number; maxRssMb: number; elapsedMs: number; completed: boolean; loadAverage1m: number }

function rss(dir: string, cap: 'deployed' | 'tight'): Measure {
  const flags = cap === 'deployed' ? [`--max-old-space-size=${INGEST_HEAP_MB}`] : ['--max-old-space-size=48', '--max-semi-space-size=4'];
  let m: Omit<Measure, 'loadAverage1m'>;
  try {
    const out = execFileSync(process.execPath, [...flags, '--import', 'tsx', join(import.meta.dirname, 'rss-child.ts'), dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    m = { ...(JSON.parse(out.trim().split('\n').pop() ?? '{}') as Omit<Measure, 'loadAverage1m' | 'completed'>), completed: true };
  } catch {
    m = { rowsRead: 0, maxRssMb: Number.NaN, elapsedMs: Number.NaN, completed: false };
  }
  const result = { ...m, loadAverage1m: load() };
  console.log(`  ${dir.replace(/^.*drop-/, '')} rows, ${cap} heap cap: ${m.completed ? `${Math.round(m.maxRssMb)} MB peak RSS, ${round(m.elapsedMs / 1000)} s` : 'did not complete'} (load average ${result.loadAverage1m})`);
  return result;
}

mkdirSync(OUT, { recursive: true });
const one = await drop(ROWS);
const four = await drop(ROWS * 4);
console.log('peak RSS and time of the whole ingest (1x and 4x rows) ...');
const first1 = rss(one, 'deployed');
const rss4 = rss(four, 'deployed');
const again1 = rss(one, 'deployed');
const rss1 = again1.completed && (!first1.completed || again1.elapsedMs < first1.elapsedMs) ? again1 : first1;
const tight1 = rss(one, 'tight');
const tight4 = rss(four, 'tight');
const growth = {
  heapCapMb: INGEST_HEAP_MB,
  rows1x: rss1.rowsRead, rssMb1x: Math.round(rss1.maxRssMb), rssMb1xRuns: [Math.round(first1.maxRssMb), Math.round(again1.maxRssMb)], seconds1x: round(rss1.elapsedMs / 1000), loadAverage1m1x: rss1.loadAverage1m,
  seconds1xRuns: [round(first1.elapsedMs / 1000), round(again1.elapsedMs / 1000)],
  rows4x: rss4.rowsRead, rssMb4x: Math.round(rss4.maxRssMb), seconds4x: round(rss4.elapsedMs / 1000), loadAverage1m4x: rss4.loadAverage1m,
  rssRatio: round(rss4.maxRssMb / rss1.maxRssMb),
  timePerRowRatio: round((rss4.elapsedMs / rss4.rowsRead) / (rss1.elapsedMs / rss1.rowsRead)),
  tightCapCompleted1x: tight1.completed, tightCapCompleted4x: tight4.completed,
  tightCapRssMb1x: Math.round(tight1.maxRssMb), tightCapRssMb4x: Math.round(tight4.maxRssMb),
};
const result = {
  at: new Date().toISOString(),
  growth: {
    ...growth,
    target: `RSS 1x <= 256 MB, 4x <= 1.15x; time per row 4x <= 1.15x; 48 MB cap completes (deployed heap cap ${INGEST_HEAP_MB} MB)`,
    pass: growth.rssMb1x <= 256 && growth.rssRatio <= 1.15 && growth.timePerRowRatio <= 1.15 && growth.tightCapCompleted1x && growth.tightCapCompleted4x,
  },
};
writeFileSync(join(OUT, 'growth.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
if (!result.growth.pass) {
  console.log(`MISSED: growth (${result.growth.target})`);
  process.exitCode = 1;
}
