/**
 * End to end on the local stack (infra/local: the real handler modules on DynamoDB Local,
 * SQS, s3rver and the SES emulator, SES held to LOCAL_SES_MAX_SEND_RATE messages a second):
 * a generated 100k-row drop lands in the bucket, and the bench times each stage from the
 * AWS calls the functions make (sampled every 100 ms): list and plan (drop landed -> the
 * ingest's first DynamoDB write), reading and writes (first -> last DynamoDB call of the
 * ingest; parse alone is the ingest core on the same files), publish (the ingest's SQS
 * sends), notify (the notifier's first call -> last email), schedule (the NTA scheduler).
 * Stages overlap: each is given as its first and last second after the drop landed.
 * Target: drop landed -> last email <= 60 s. SES is held to 14 messages a second: the
 * maximum send rate SES gives an account when it leaves the sandbox (its quota for a new
 * production account), the rate a new deployment starts with; the notifier reads it from
 * GetSendQuota deployed.
 * Bounded: the bench gives up `BENCH_E2E_DEADLINE_S` (default 300 s) after the drop landed,
 * stops the emulators and reports how far each stage got. Prints the per-stage table, the
 * AWS calls per function and action, and the load average; writes
 * out/bench/end-to-end.json and sets exitCode 1 on a miss or a failure.
 * `BENCH_E2E_ROWS` sets the drop size (default 100,000). Not a test.
 *
 * Method: before the drop lands, DynamoDB Local's JVM is warmed (warmDynamoDbLocal: a few
 * seconds of the request kinds the pipeline sends, on a scratch table it then deletes; no
 * item of the pipeline's tables is touched and none of its work is done ahead): a deployed
 * DynamoDB is never JIT-cold, and the emulator's cold start made the first stage vary
 * 3.3-8.3 s between runs. `BENCH_E2E_WARM=0` times the cold emulator as before (until
 * 2026-11-30 every figure was cold). The sampler reads only the calls made since its last
 * look: it runs in the process it times. `timeline` gives, per 5 s, the ingest's calls,
 * the notices the notifiers began and the emails sent.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { startEmulators } from '../infra/local/emulators';
import { LOCAL_SES_MAX_SEND_RATE, LocalPipeline } from '../infra/local/pipeline';
import { provisionLocalResources } from '../infra/local/provision';
import { ORR_SENDING } from '../shared/runtime/resources';
import { captureLambdaOutput } from '../infra/local/capture-output';
import { generateDrop } from './gen-drop';
import { ingestCore } from './ingest-core';
import { warmDynamoDbLocal } from './warm-dynamodb';

const OUT = join(import.meta.dirname, '../out/bench');
const ROWS = Number(process.env.BENCH_E2E_ROWS ?? 100_000);
const TARGET_S = 60;
const DEADLINE_S = Number(process.env.BENCH_E2E_DEADLINE_S ?? 300);
const WARM = process.env.BENCH_E2E_WARM !== '0';
/** INGEST_CHUNK_BYTES for the ingest (a drop this size is still read inline, not fanned out); unset: the deployed default. */
const CHUNK_BYTES = process.env.BENCH_E2E_CHUNK_BYTES === undefined ? undefined : Number(process.env.BENCH_E2E_CHUNK_BYTES);
const load = (): number => Math.round((loadavg()[0] ?? 0) * 10) / 10;
const loadBefore = load();

mkdirSync(OUT, { recursive: true });
const dir = join(OUT, `drop-${ROWS}`);
if (!existsSync(join(dir, 'Count.txt'))) await generateDrop(ROWS, dir);
const t0 = performance.now();
const parsed = await ingestCore(dir);
const parseMs = performance.now() - t0;

// The ingest's stage ends ('ingest stage read'), stamped as they are logged.
const stageEnds: { stage: number; tables: string[]; s: number }[] = [];
let landedAt = Number.NaN;
const restore = captureLambdaOutput({
  onLog: (line) => {
    if (!line.includes('"ingest stage read"')) return;
    const { stage, tables } = JSON.parse(line) as { stage: number; tables: string[] };
    stageEnds.push({ stage, tables, s: round((performance.now() - landedAt) / 1000) });
  },
  onMetrics: () => undefined,
});
const emulators = await startEmulators();
let pipeline: LocalPipeline | undefined;
try {
  // DynamoDB Local's JVM starts cold (a deployed DynamoDB never is): warmed on a scratch table first.
  const warmupS = WARM ? round(await warmDynamoDbLocal(emulators.endpoints.dynamodb)) : 0;
  const resources = await provisionLocalResources(emulators.endpoints, { suffix: `-e2e${Date.now()}`, visibilityTimeoutSeconds: 30 });
  pipeline = await LocalPipeline.start(emulators, resources, {
    orrInbox: 'orr@example.gov',
    mailFrom: 'docket-watch@example.gov',
    // As deployed: the notice queue's event source runs up to this many notifiers, taking
    // their sends from one pool of slots at the notifiers' share of the SES rate (0.8 x 14).
    notifierInstances: ORR_SENDING.maxConcurrency,
    ...(CHUNK_BYTES === undefined ? {} : { chunkBytes: CHUNK_BYTES, fanOutBytes: 1024 * 1024 * 1024 }),
    onProgress: (line) => console.log(`  ${Number.isNaN(landed) ? 'landing' : `${((performance.now() - landed) / 1000).toFixed(1)} s`}  ${line}`),
  });
  const p = pipeline;
  // Each call seen is stamped with the time of the sample that first saw it.
  const stamps: { fn: string; action: string; s: number }[] = [];
  let seen = 0;
  let emailsSeen = 0;
  let lastEmailS = Number.NaN;
  let landed = Number.NaN;
  const sample = (): void => {
    // Only the calls since the last sample: the sampler shares the process with the
    // functions it times (mapping every call each 100 ms cost it 17 s of CPU a run).
    const calls = p.callsSince(seen);
    const s = (performance.now() - landed) / 1000;
    for (const c of calls) stamps.push({ fn: c.fn, action: c.action, s });
    seen += calls.length;
    if (p.sentEmails.length > emailsSeen) {
      emailsSeen = p.sentEmails.length;
      lastEmailS = s;
    }
  };
  const upload0 = performance.now();
  await p.uploadDrop(dir, `bench-e2e-${ROWS}`);
  landed = performance.now();
  landedAt = landed;
  const uploadS = (landed - upload0) / 1000;
  const timer = setInterval(sample, 100);
  // A line every 10 s: where the run is (calls by function, emails so far).
  const status = setInterval(() => {
    const byFn = new Map<string, number>();
    for (const c of stamps) byFn.set(c.fn, (byFn.get(c.fn) ?? 0) + 1);
    console.log(`  ${((performance.now() - landed) / 1000).toFixed(0)} s: ${[...byFn].map(([f, n]) => `${f} ${n}`).join(', ')}; emails ${emailsSeen}`);
  }, 10_000);
  let drained = true;
  try {
    await p.drain(DEADLINE_S * 1000);
  } catch (err) {
    drained = false;
    console.log(`  gave up: ${err instanceof Error ? err.message : String(err)}`);
  }
  clearInterval(timer);
  clearInterval(status);
  sample();
  const span = (pick: (c: { fn: string; action: string }) => boolean): { firstS: number; lastS: number; calls: number } | null => {
    const hits = stamps.filter(pick);
    if (hits.length === 0) return null;
    return { firstS: round(hits[0]?.s ?? 0), lastS: round(hits[hits.length - 1]?.s ?? 0), calls: hits.length };
  };
  const dynamoWrite = /^dynamodb:(BatchWriteItem|PutItem|UpdateItem|TransactWriteItems|DeleteItem)$/;
  const writes = span((c) => c.fn === 'ingestDocket' && dynamoWrite.test(c.action));
  const ingestDynamo = span((c) => c.fn === 'ingestDocket' && c.action.startsWith('dynamodb:'));
  const stages = {
    listAndPlan: { firstS: 0, lastS: writes?.firstS ?? Number.NaN },
    readAndWrite: ingestDynamo === null ? null : { firstS: writes?.firstS ?? ingestDynamo.firstS, lastS: ingestDynamo.lastS, calls: ingestDynamo.calls },
    parseOnly: { seconds: round(parseMs / 1000), note: 'ingest core on the same four files, in this process' },
    publish: span((c) => c.fn === 'ingestDocket' && c.action.startsWith('sqs:Send')),
    notify: span((c) => c.fn === 'notifyOrr'),
    schedule: span((c) => c.fn === 'scheduleNta'),
  };
  // The ingest's calls by action within each of its stages (the finish step after the last).
  const ingestStages = stageEnds.map((end, i) => {
    const from = i === 0 ? 0 : (stageEnds[i - 1]?.s ?? 0);
    const calls: Record<string, number> = {};
    for (const c of stamps) if (c.fn === 'ingestDocket' && c.s > from && c.s <= end.s) calls[c.action] = (calls[c.action] ?? 0) + 1;
    return { stage: end.stage, tables: end.tables.join('+'), endS: end.s, calls: Object.fromEntries(Object.entries(calls).sort((a, b) => b[1] - a[1])) };
  });
  // The notifiers' pace while the ingest runs (sharing the machine and DynamoDB Local) and after it.
  const sends = stamps.filter((c) => c.fn === 'notifyOrr' && c.action === 'ses:SendRawEmail').map((c) => c.s);
  const ingestEndS = ingestDynamo?.lastS ?? Number.NaN;
  const rate = (from: number, to: number): number | null => {
    const n = sends.filter((s) => s > from && s <= to).length;
    return to - from >= 1 && n > 0 ? round(n / (to - from)) : null;
  };
  const emailsPerSecond = {
    whileIngesting: rate(sends[0] ?? Number.NaN, Math.min(ingestEndS, sends.at(-1) ?? Number.NaN)),
    afterIngest: rate(ingestEndS, sends.at(-1) ?? Number.NaN),
  };
  // Each 5 s after the drop landed: the ingest's DynamoDB calls and SQS sends, the notices
  // the notifiers began (one case read each) and the emails sent: where FTAs wait.
  const timeline: { fromS: number; ingestDynamo: number; ingestSqs: number; noticesBegun: number; emails: number }[] = [];
  for (const c of stamps) {
    const i = Math.max(0, Math.floor(c.s / 5));
    while (timeline.length <= i) timeline.push({ fromS: timeline.length * 5, ingestDynamo: 0, ingestSqs: 0, noticesBegun: 0, emails: 0 });
    const b = timeline[i];
    if (b === undefined) continue;
    if (c.fn === 'ingestDocket' && c.action.startsWith('dynamodb:')) b.ingestDynamo += 1;
    else if (c.fn === 'ingestDocket' && c.action.startsWith('sqs:Send')) b.ingestSqs += 1;
    else if (c.fn === 'notifyOrr' && c.action === 'dynamodb:Query') b.noticesBegun += 1;
    else if (c.fn === 'notifyOrr' && c.action === 'ses:SendRawEmail') b.emails += 1;
  }
  const report = p.ingestReports.at(-1);
  // Where the time goes: the calls each function made, by action.
  const callsByAction: Record<string, number> = {};
  for (const c of stamps) callsByAction[`${c.fn} ${c.action}`] = (callsByAction[`${c.fn} ${c.action}`] ?? 0) + 1;
  const result = {
    at: new Date().toISOString(),
    loadAverage1m: { before: loadBefore, after: load() },
    rows: ROWS,
    sesMaxSendRate: LOCAL_SES_MAX_SEND_RATE,
    notifierInstances: ORR_SENDING.maxConcurrency,
    noticeSendRate: LOCAL_SES_MAX_SEND_RATE * ORR_SENDING.rateShare,
    dynamoDbLocalWarmed: WARM,
    chunkBytes: CHUNK_BYTES ?? null,
    warmupS,
    uploadS: round(uploadS),
    drained,
    deadlineS: DEADLINE_S,
    ftasNew: report?.ftas.new ?? null,
    ftasByIngestCore: parsed.ftas.size,
    emails: emailsSeen,
    emailsPerSecond,
    stages,
    ingestStages,
    callsByAction: Object.fromEntries(Object.entries(callsByAction).sort((a, b) => b[1] - a[1])),
    timeline,
    dropToLastEmailS: round(lastEmailS),
    target: `<= ${TARGET_S} s`,
    pass: drained && Number.isFinite(lastEmailS) && lastEmailS <= TARGET_S && p.ingestFailures.length === 0,
    failures: p.ingestFailures.length,
  };
  writeFileSync(join(OUT, 'end-to-end.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
  const row = (name: string, s: { firstS: number; lastS: number; calls?: number } | null | undefined, note = ''): string =>
    `  ${name.padEnd(16)} ${s === null || s === undefined ? '-'.padStart(8) : String(s.firstS).padStart(8)} ${s === null || s === undefined ? '-'.padStart(8) : String(s.lastS).padStart(8)} ${String(s?.calls ?? '').padStart(7)}  ${note}`;
  console.log(`\nend to end, ${ROWS} rows, SES ${LOCAL_SES_MAX_SEND_RATE}/s, DynamoDB Local ${WARM ? `warmed (${warmupS} s)` : 'cold'}, load average ${result.loadAverage1m.before} -> ${result.loadAverage1m.after}`);
  console.log(`  per 5 s: ${timeline.map((b) => `${b.fromS}:${b.noticesBegun}/${b.emails}`).join(' ')} (notices begun/emails)`);
  console.log(`  ${'stage'.padEnd(16)} ${'first s'.padStart(8)} ${'last s'.padStart(8)} ${'calls'.padStart(7)}`);
  console.log(row('list and plan', stages.listAndPlan));
  console.log(row('parse', { firstS: 0, lastS: stages.parseOnly.seconds }, '(ingest core alone, same files)'));
  console.log(row('read and write', stages.readAndWrite));
  console.log(row('publish', stages.publish));
  console.log(row('notify', stages.notify, `${emailsSeen} emails; ${emailsPerSecond.whileIngesting ?? '-'}/s while the ingest ran, ${emailsPerSecond.afterIngest ?? '-'}/s after`));
  console.log(row('schedule', stages.schedule));
  console.log(`  drop landed -> last email: ${result.dropToLastEmailS} s (target ${result.target})${drained ? '' : ` (gave up at ${DEADLINE_S} s)`}`);
  if (!result.pass) {
    console.log(`MISSED: end to end (${result.target})`);
    process.exitCode = 1;
  }
} finally {
  // After a deadline the ingest may still be running: the event sources stop after their
  // current batch, then the emulators, and the ingest's next call fails (Lambda's
  // retries of it fail the same way, at once).
  await pipeline?.stop();
  await emulators.stop();
  restore();
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
