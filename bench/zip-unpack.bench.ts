/**
 * Unpacking a big zip drop (shared/use-cases/steps/unpack-zip-drop.ts), measured in ONE run on
 * this machine, against s3rver, each measurement in a fresh process under the deployed
 * heap cap (bench/unpack-child.ts; the emulator's work and memory are not counted):
 * - reading the zip's four tables (ranged GETs of the zip, inflate; bytes dropped) vs
 *   unpacking them (the same reads, streamed as multipart uploads into `unpacked/`): the
 *   ratio is what the upload costs on top of the read it cannot avoid;
 * - CPU seconds per GiB unpacked (what sizes the ingest Lambda: its vCPU share grows
 *   with its memory);
 * - peak RSS of the unpacking for the 1x and the 2x drop: memory must not grow with the
 *   zip (parts in flight are bounded: STREAM_UPLOAD).
 * No budget fails here: the issue sets none for unpacking; the figures size the ingest
 * Lambda (docs/ingest.md, "Big zip drops are unpacked first"). Not a test: nothing here runs in `npm test`.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startEmulators } from '../infra/local/emulators';
import { localClientConfig } from '../infra/local/provision';
import { STREAM_UPLOAD } from '../shared/adapters/s3-drop-staging';
import { INGEST_HEAP_MB } from '../shared/runtime/resources';
import { makeZip } from '../tests/helpers/zip';
import { generateDrop } from './gen-drop';

const OUT = join(import.meta.dirname, '../out/bench');
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const BUCKET = 'docket-watch-bench';

async function zipDrop(rows: number): Promise<Buffer> {
  const dir = join(OUT, `drop-${rows}`);
  if (!existsSync(join(dir, 'Count.txt'))) {
    console.log(`generating a ${rows}-row drop in ${dir}`);
    await generateDrop(rows, dir);
  }
  const zipPath = join(OUT, `drop-${rows}.zip`);
  if (!existsSync(zipPath)) {
    writeFileSync(zipPath, makeZip(readdirSync(dir).map((f) => ({ name: `EOIR Case Data/${f}`, data: readFileSync(join(dir, f)) }))));
  }
  return readFileSync(zipPath);
}

interface ChildResult {
  bytes: number;
  ms: number;
  cpuMs: number;
  maxRssMb: number;
}

const round = (n: number): number => Math.round(n * 100) / 100;

mkdirSync(OUT, { recursive: true });
// s3rver only: the other emulators are not used here.
const emulators = await startEmulators({ running: { dynamodb: 'http://127.0.0.1:9', sqs: 'http://127.0.0.1:9', ses: 'http://127.0.0.1:9' } });
const s3 = new S3Client({ ...localClientConfig(emulators.endpoints.s3), forcePathStyle: true });
let trigger = 0;
const child = async (mode: 'read' | 'unpack', zipKey: string): Promise<ChildResult> => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [`--max-old-space-size=${INGEST_HEAP_MB}`, '--import', 'tsx', join(import.meta.dirname, 'unpack-child.ts'), mode, emulators.endpoints.s3, BUCKET, zipKey, `bench-${(trigger += 1)}`],
    { encoding: 'utf8', env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
  );
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as ChildResult;
};
try {
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const keys: string[] = [];
  let zipMb = 0;
  for (const rows of [ROWS, ROWS * 2]) {
    const zip = await zipDrop(rows);
    if (rows === ROWS) zipMb = zip.length / 2 ** 20;
    keys.push(`drops/bench-${rows}.zip`);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `drops/bench-${rows}.zip`, Body: zip }));
  }
  const [one, two] = keys as [string, string];
  let read: ChildResult | undefined;
  let unpack: ChildResult | undefined;
  for (let run = 0; run < 2; run++) {
    const r = await child('read', one);
    const u = await child('unpack', one);
    if (u.bytes !== r.bytes) throw new Error(`unpacked ${u.bytes} bytes, read ${r.bytes}`);
    if (read === undefined || r.ms < read.ms) read = r;
    if (unpack === undefined || u.ms < unpack.ms) unpack = u;
  }
  const double = await child('unpack', two);
  if (read === undefined || unpack === undefined) throw new Error('no run');
  const mb = unpack.bytes / 2 ** 20;
  const result = {
    at: new Date().toISOString(),
    node: process.version,
    rows: ROWS,
    zipMb: round(zipMb),
    tablesMb: round(mb),
    readZipMbPerSec: round(mb / (read.ms / 1000)),
    unpackMbPerSec: round(mb / (unpack.ms / 1000)),
    unpackVsRead: round(read.ms / unpack.ms),
    /** CPU time (all threads) per GiB of tables: divided by a Lambda's vCPU share, a floor for its unpack time. */
    readCpuSecPerGiB: round(read.cpuMs / 1000 / (mb / 1024)),
    unpackCpuSecPerGiB: round(unpack.cpuMs / 1000 / (mb / 1024)),
    heapCapMb: INGEST_HEAP_MB,
    readPeakRssMb: read.maxRssMb,
    unpackPeakRssMb1x: unpack.maxRssMb,
    unpackPeakRssMb2x: double.maxRssMb,
    unpackRss2xVs1x: round(double.maxRssMb / unpack.maxRssMb),
    uploadPartMb: STREAM_UPLOAD.partSize / 2 ** 20,
    partsInFlightPerTable: STREAM_UPLOAD.queueSize,
  };
  writeFileSync(join(OUT, 'zip-unpack.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
} finally {
  s3.destroy();
  await emulators.stop();
}
