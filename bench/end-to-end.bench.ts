/**
 * End to end on the local stack (infra/local: the real handler modules on DynamoDB Local,
 * SQS, s3rver and the SES emulator, SES held to LOCAL_SES_MAX_SEND_RATE messages a second):
 * a generated 100k-row drop lands in the bucket, and the bench times each stage from the
 * AWS calls the functions make (sampled every 100 ms): list and plan (drop landed -> the
 * ingest's first DynamoDB write), reading and writes (first -> last DynamoDB call of the
 * ingest; parse alone is the ingest core on the same files), publish (the ingest's SQS
 * sends), notify (the notifier's first call -> last email), schedule (the NTA scheduler).
 * Stages overlap: each is given as its first and last second after the drop landed.
 * Target: drop landed -> last email <= 60 s. Writes out/bench/end-to-end.json.
 * `BENCH_E2E_ROWS` sets the drop size (default 100,000). Not a test.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulators } from '../infra/local/emulators';
import { LOCAL_SES_MAX_SEND_RATE, LocalPipeline } from '../infra/local/pipeline';
import { provisionLocalResources } from '../infra/local/provision';
import { captureLambdaOutput } from '../infra/local/capture-output';
import { generateDrop } from './gen-drop';
import { ingestCore } from './ingest-core';

const OUT = join(import.meta.dirname, '../out/bench');
const ROWS = Number(process.env.BENCH_E2E_ROWS ?? 100_000);
const TARGET_S = 60;

mkdirSync(OUT, { recursive: true });
const dir = join(OUT, `drop-${ROWS}`);
if (!existsSync(join(dir, 'Count.txt'))) await generateDrop(ROWS, dir);
const t0 = performance.now();
const parsed = await ingestCore(dir);
const parseMs = performance.now() - t0;

const restore = captureLambdaOutput({ onLog: () => undefined, onMetrics: () => undefined });
const emulators = await startEmulators();
let pipeline: LocalPipeline | undefined;
try {
  const resources = await provisionLocalResources(emulators.endpoints, { suffix: `-e2e${Date.now()}`, visibilityTimeoutSeconds: 30 });
  pipeline = await LocalPipeline.start(emulators, resources, {
    orrInbox: 'orr@example.gov',
    mailFrom: 'docket-watch@example.gov',
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
    const calls = p.recordedCalls();
    const s = (performance.now() - landed) / 1000;
    for (; seen < calls.length; seen++) stamps.push({ fn: calls[seen]?.fn ?? '', action: calls[seen]?.action ?? '', s });
    if (p.sentEmails.length > emailsSeen) {
      emailsSeen = p.sentEmails.length;
      lastEmailS = s;
    }
  };
  const upload0 = performance.now();
  await p.uploadDrop(dir, `bench-e2e-${ROWS}`);
  landed = performance.now();
  const uploadS = (landed - upload0) / 1000;
  const timer = setInterval(sample, 100);
  // A line every 10 s: where the run is (calls by function, emails so far).
  const status = setInterval(() => {
    const byFn = new Map<string, number>();
    for (const c of stamps) byFn.set(c.fn, (byFn.get(c.fn) ?? 0) + 1);
    console.log(`  ${((performance.now() - landed) / 1000).toFixed(0)} s: ${[...byFn].map(([f, n]) => `${f} ${n}`).join(', ')}; emails ${emailsSeen}`);
  }, 10_000);
  await p.drain(15 * 60_000);
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
  const report = p.ingestReports.at(-1);
  const result = {
    at: new Date().toISOString(),
    rows: ROWS,
    sesMaxSendRate: LOCAL_SES_MAX_SEND_RATE,
    uploadS: round(uploadS),
    ftasNew: report?.ftas.new ?? null,
    ftasByIngestCore: parsed.ftas.size,
    emails: emailsSeen,
    stages,
    dropToLastEmailS: round(lastEmailS),
    target: `<= ${TARGET_S} s`,
    pass: Number.isFinite(lastEmailS) && lastEmailS <= TARGET_S,
    failures: p.ingestFailures.length,
  };
  writeFileSync(join(OUT, 'end-to-end.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
  if (!result.pass || result.failures > 0) process.exitCode = 1;
} finally {
  await pipeline?.stop();
  await emulators.stop();
  restore();
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
