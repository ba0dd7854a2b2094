import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * `npm run bench`: runs every bench/*.bench.ts file, in name order. Each bench file runs
 * itself on import, prints its own figures and writes its JSON under out/bench/; a missed
 * target sets exitCode 1. At the end the JSON of the files run is gathered, with the
 * machine's load (1-minute load average before and after, cores), in out/bench/record.json.
 * `npm run bench -- nta` runs only the files whose name contains "nta" (`-- ingest,end` either word).
 */
const filter = process.argv[2]?.split(',');
const OUT = join(import.meta.dirname, '../out/bench');
const files = readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith('.bench.ts') && (filter === undefined || filter.some((w) => f.includes(w))))
  .sort();
const before = loadavg()[0] ?? 0;
const startedAt = new Date().toISOString();
for (const file of files) {
  process.stdout.write(`\n== ${file}\n`);
  await import(pathToFileURL(join(import.meta.dirname, file)).href);
}
/** The JSON each bench file writes. */
const OUTPUTS: Record<string, string> = {
  'ingest.bench.ts': 'result.json',
  'writes.bench.ts': 'writes.json',
  'growth.bench.ts': 'growth.json',
  'end-to-end.bench.ts': 'end-to-end.json',
  'zip-unpack.bench.ts': 'zip-unpack.json',
  'nta-plan.bench.ts': 'nta-plan.json',
  'long-line.bench.ts': 'long-line.json',
};
const results: Record<string, unknown> = {};
for (const file of files) {
  const out = OUTPUTS[file];
  // Only what this run wrote: a file left by an earlier run is not this run's figure.
  const path = out === undefined ? undefined : join(OUT, out);
  if (path !== undefined && existsSync(path) && statSync(path).mtimeMs >= Date.parse(startedAt)) results[file] = JSON.parse(readFileSync(path, 'utf8'));
  else if (out !== undefined) {
    results[file] = { missing: { pass: false, target: `${out} written by this run` } };
    process.exitCode = 1;
  }
}
const record = {
  startedAt, finishedAt: new Date().toISOString(), node: process.version,
  machine: { cores: cpus().length, loadAverage1mBefore: before, loadAverage1mAfter: loadavg()[0] ?? 0 },
  exitCode: process.exitCode ?? 0,
  results,
};
// Every target of the run in one place: its measure, figure and verdict.
const FIGURES = ['ratio', 'ratio1Thread', 'rssRatio', 'timePerRowRatio', 'dropToLastEmailS', 'arrayBuffersGrewMb'];
console.log('\nsummary (one run):');
for (const [file, r] of Object.entries(results)) {
  const verdicts = Object.entries(r as Record<string, unknown>).filter(([, v]) => typeof v === 'object' && v !== null && 'pass' in v) as [string, Record<string, unknown>][];
  if (typeof r === 'object' && r !== null && 'pass' in r) verdicts.push([file.replace('.bench.ts', ''), r as Record<string, unknown>]);
  for (const [name, v] of verdicts) {
    const figures = FIGURES.filter((f) => typeof v[f] === 'number').map((f) => `${f} ${String(v[f])}`).join(', ');
    console.log(`  ${v.pass === true ? 'met   ' : 'MISSED'} ${name}: ${figures} (target ${String(v.target)})`);
  }
}
writeFileSync(join(OUT, 'record.json'), `${JSON.stringify(record, null, 2)}\n`);
console.log(`\nrecord: ${join(OUT, 'record.json')} (load average ${before.toFixed(1)} -> ${(loadavg()[0] ?? 0).toFixed(1)} on ${cpus().length} cores)`);
