import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AORS } from '../shared/domain/aor';
import { dayString } from '../shared/domain/business-days';
import { compareKeyed, DEFAULT_PRIORITY, makePriorityKeyer, planBacklog, type BacklogUc } from '../shared/domain/nta-plan';

/**
 * Plans 300,000 backlog UCs over the 25 AORs and compares with a plain sort of the same
 * records by the same keys (precomputed, the cheapest form of the comparison), in the same
 * run. Budget: plan <= 2x sort. Reports the median of several rounds and the heap the plan
 * holds. Synthetic records from a seeded generator: the same every run. Writes
 * out/bench/nta-plan.json and sets exitCode 1 over budget.
 */
const N = Number(process.env.BENCH_NTA_UCS ?? 300_000);
const ROUNDS = 7;

function* seeded(seed: number): Generator<number> {
  let s = seed >>> 0;
  for (;;) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    yield ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

const rnd = seeded(42);
const next = (): number => rnd.next().value as number;
const backlog: BacklogUc[] = Array.from({ length: N }, () => ({
  aNumber: String(Math.floor(next() * 1e9)).padStart(9, '0'),
  aor: AORS[Math.floor(next() * AORS.length)]!,
  releaseDate: dayString(17_500 + Math.floor(next() * 2_900)),
  birthDate: dayString(13_500 + Math.floor(next() * 5_000)),
  priorFta: next() < 0.03,
  safetyFlag: next() < 0.02,
}));
const options = { startDate: '2026-11-30', capacity: { defaultSlotsPerDay: 40, slotsPerDayByAor: {} } };

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const sortMs: number[] = [];
const planMs: number[] = [];
let planned = 0;
for (let round = 0; round < ROUNDS; round++) {
  const keyed = backlog.map(makePriorityKeyer(DEFAULT_PRIORITY));
  let t = performance.now();
  keyed.sort(compareKeyed);
  sortMs.push(performance.now() - t);

  t = performance.now();
  const plans = planBacklog(backlog, options);
  planMs.push(performance.now() - t);
  planned = 0;
  for (const p of plans.values()) planned += p.planned.length;
}
if (planned !== N) throw new Error(`plan lost UCs: ${planned} of ${N}`);

globalThis.gc?.();
const before = process.memoryUsage().heapUsed;
const kept = planBacklog(backlog, options);
const held = process.memoryUsage().heapUsed - before;
const sort = median(sortMs);
const plan = median(planMs);
const ratio = plan / sort;
const mb = (b: number): string => (b / 1_048_576).toFixed(1);
process.stdout.write(
  [
    `NTA plan: ${N.toLocaleString('en-US')} backlog UCs over ${kept.size} AORs (median of ${ROUNDS})`,
    `  plain sort by the same keys  ${sort.toFixed(1)} ms`,
    `  plan (key, group, sort, date) ${plan.toFixed(1)} ms`,
    `  ratio plan / sort            ${ratio.toFixed(2)}x (budget <= 2x) ${ratio <= 2 ? 'OK' : 'OVER BUDGET'}`,
    `  memory: plan result ~${mb(held)} MB heap${globalThis.gc ? '' : ' (approx.: run with node --expose-gc for an exact figure)'}; process RSS ${mb(process.memoryUsage().rss)} MB, heap used ${mb(process.memoryUsage().heapUsed)} MB`,
    '',
  ].join('\n'),
);
const OUT = join(import.meta.dirname, '../out/bench');
mkdirSync(OUT, { recursive: true });
const record = { at: new Date().toISOString(), ucs: N, aors: kept.size, rounds: ROUNDS, sortMs: Math.round(sort * 10) / 10, planMs: Math.round(plan * 10) / 10, ratio: Math.round(ratio * 100) / 100, planHeapMb: Number(mb(held)), target: '<= 2x a plain sort', pass: ratio <= 2 };
writeFileSync(join(OUT, 'nta-plan.json'), `${JSON.stringify(record, null, 2)}\n`);
if (ratio > 2) process.exitCode = 1;
