/**
 * The ingest's performance budget, measured in ONE run on this machine
 * (absolute figures vary with load; the ratios within a run are what we hold to):
 * 1. ingest core (decode, parse, classify, detect; no I/O) on a 1M-row tbl_schedule vs
 *    plain readline + split('\t') over the same file (target >= 0.8x);
 * 2. case-store writes to DynamoDB Local vs a bare concurrent BatchWriteItem loop that
 *    retries UnprocessedItems (target >= 0.8x);
 * 3. peak RSS of the whole ingest of the 1M-row drop (<= 256 MB) and of a 2M-row drop
 *    (<= 1.1x the 1M figure): memory must not grow with file size.
 * Not a test: nothing here runs in `npm test`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoCaseStore } from '../shared/adapters/dynamo-case-store';
import type { Hearing } from '../shared/ports/case-store';
import { backoffMs, chunk, mapWithLimit, sleep } from '../shared/runtime/concurrency';
import { startEmulators } from '../infra/local/emulators';
import { INGEST_HEAP_MB } from '../shared/runtime/resources';
import { localClientConfig, provisionLocalResources } from '../infra/local/provision';
import { generateDrop } from './gen-drop';
import { ingestCore, readlineSplit } from './ingest-core';

const OUT = join(import.meta.dirname, '../out/bench');
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const WRITE_ITEMS = Number(process.env.BENCH_WRITE_ITEMS ?? 30_000);

async function drop(rows: number): Promise<string> {
  const dir = join(OUT, `drop-${rows}`);
  if (!existsSync(join(dir, 'Count.txt'))) {
    console.log(`generating a ${rows}-row drop in ${dir}`);
    await generateDrop(rows, dir);
  }
  return dir;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

async function coreRatio(dir: string): Promise<{ rows: number; readlineSplitMs: number; ingestCoreMs: number; ratio: number }> {
  const file = join(dir, 'tbl_schedule.csv');
  const uc = new Set<string>();
  for (const line of readFileSync(join(dir, 'tbl_JuvenileHistory.csv'), 'latin1').split('\r\n').slice(1)) {
    const f = line.split('\t');
    if (f[3] === '4' || f[3] === '3') uc.add(f[1] as string);
  }
  let base = Infinity;
  let core = Infinity;
  let rows = 0;
  for (let i = 0; i < 3; i++) {
    const b = await timed(() => readlineSplit(file));
    const c = await timed(() => ingestCore(file, uc));
    if (b.value !== c.value.rows) throw new Error(`row counts differ: ${b.value} vs ${c.value.rows}`);
    rows = b.value;
    base = Math.min(base, b.ms);
    core = Math.min(core, c.ms);
  }
  return { rows, readlineSplitMs: Math.round(base), ingestCoreMs: Math.round(core), ratio: round(base / core) };
}

async function writeRatio(): Promise<{ items: number; bareItemsPerSec: number; storeItemsPerSec: number; ratio: number }> {
  const emulators = await startEmulators();
  try {
    const resources = await provisionLocalResources(emulators.endpoints, { suffix: `-bench${Date.now()}` });
    const client = DynamoDBDocumentClient.from(new DynamoDBClient({ ...localClientConfig(emulators.endpoints.dynamodb), maxAttempts: 10 }));
    const store = createDynamoCaseStore({ client, tableName: resources.casesTable });
    const hearing = (i: number, run: string): Hearing => ({
      caseId: String(9_000_000 + (i % 5000)), scheduleId: `${run}${i}`, proceedingId: '8000000', date: '2025-01-03', court: 'HOU',
      adjRsn: '11', medium: 'P', calType: 'M', outcome: 'NO_SHOW', dropId: 'bench',
    });
    // Warm up the JVM.
    await store.recordHearings(Array.from({ length: 2000 }, (_, i) => hearing(i, '1')));
    let bare = Infinity;
    let ours = Infinity;
    for (let r = 0; r < 2; r++) {
      const items = Array.from({ length: WRITE_ITEMS }, (_, i) => hearing(i, `${r + 2}`));
      const b = await timed(async () => {
        await mapWithLimit(chunk(items, 25), 16, async (batch) => {
          let requests = batch.map((h) => ({ PutRequest: { Item: { pk: `CASE#${h.caseId}`, sk: `HEARING#${h.scheduleId}9`, ...h } } }));
          for (let attempt = 0; requests.length > 0; attempt++) {
            if (attempt > 0) await sleep(backoffMs(attempt));
            const out = await client.send(new BatchWriteCommand({ RequestItems: { [resources.casesTable]: requests } }));
            requests = (out.UnprocessedItems?.[resources.casesTable] ?? []) as typeof requests;
          }
        });
      });
      // The ingest hands the store one batch per 1 MB stream chunk (about 2,000 UC rows at most).
      const o = await timed(async () => {
        for (const part of chunk(items, 2000)) await store.recordHearings(part);
      });
      bare = Math.min(bare, b.ms);
      ours = Math.min(ours, o.ms);
    }
    client.destroy();
    return {
      items: WRITE_ITEMS,
      bareItemsPerSec: Math.round(WRITE_ITEMS / (bare / 1000)),
      storeItemsPerSec: Math.round(WRITE_ITEMS / (ours / 1000)),
      ratio: round(bare / ours),
    };
  } finally {
    await emulators.stop();
  }
}

/**
 * Peak RSS of a fresh process ingesting the drop, under a V8 heap cap:
 * - 'deployed': the cap the ingest and chunk functions run with (INGEST_HEAP_MB,
 *   --max-old-space-size as infra/constructs/docket-ingest.ts sets it): the number to judge;
 * - 'tight': 48 MB old space, 4 MB semi-space: if it completes at 1x and 2x, the ingest's
 *   live memory does not grow with the file;
 * - 'none': V8's defaults (GC policy lets garbage accumulate longer on longer runs).
 */
function rss(dir: string, cap: 'deployed' | 'tight' | 'none'): { rowsRead: number; maxRssMb: number } {
  const flags = cap === 'deployed' ? [`--max-old-space-size=${INGEST_HEAP_MB}`] : cap === 'tight' ? ['--max-old-space-size=48', '--max-semi-space-size=4'] : [];
  const out = execFileSync(process.execPath, [...flags, '--import', 'tsx', join(import.meta.dirname, 'rss-child.ts'), dir], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop() ?? '{}');
}

const round = (n: number): number => Math.round(n * 100) / 100;

mkdirSync(OUT, { recursive: true });
const one = await drop(ROWS);
const two = await drop(ROWS * 2);
console.log('1/3 ingest core vs readline + split ...');
const core = await coreRatio(one);
console.log(core);
console.log('2/3 DynamoDB Local writes vs bare BatchWriteItem loop ...');
const writes = await writeRatio();
console.log(writes);
console.log('3/3 peak RSS of the whole ingest (1x and 2x rows) ...');
const rss1 = rss(one, 'deployed');
const rss2 = rss(two, 'deployed');
const tight1 = rss(one, 'tight');
const tight2 = rss(two, 'tight');
const free1 = rss(one, 'none');
const free2 = rss(two, 'none');
const memory = {
  heapCapMb: INGEST_HEAP_MB,
  rows1x: rss1.rowsRead, rssMb1x: Math.round(rss1.maxRssMb), rows2x: rss2.rowsRead, rssMb2x: Math.round(rss2.maxRssMb),
  ratio: round(rss2.maxRssMb / rss1.maxRssMb),
  tightCapRssMb1x: Math.round(tight1.maxRssMb), tightCapRssMb2x: Math.round(tight2.maxRssMb), tightCapRatio: round(tight2.maxRssMb / tight1.maxRssMb),
  uncappedRssMb1x: Math.round(free1.maxRssMb), uncappedRssMb2x: Math.round(free2.maxRssMb), uncappedRatio: round(free2.maxRssMb / free1.maxRssMb),
};
console.log(memory);
const result = {
  at: new Date().toISOString(),
  node: process.version,
  ingestCoreVsReadlineSplit: { ...core, target: '>= 0.8', pass: core.ratio >= 0.8 },
  dynamoWritesVsBareBatchWrite: { ...writes, target: '>= 0.8', pass: writes.ratio >= 0.8 },
  peakRss: { ...memory, target: `1x <= 256 MB, 2x <= 1.1x (deployed heap cap, ${INGEST_HEAP_MB} MB)`, pass: memory.rssMb1x <= 256 && memory.ratio <= 1.1 },
};
writeFileSync(join(OUT, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
