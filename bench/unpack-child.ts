/**
 * In a fresh process, `unpack` one zip drop from s3rver (endpoint, bucket, zip key and
 * trigger in argv) into `unpacked/`, or only `read` its tables (the same ranged GETs and
 * inflate; bytes dropped); then prints the bytes, the time, the CPU time (all threads: zlib inflates on libuv's pool)
 * and the process's peak RSS.
 * Used by bench/zip-unpack.bench.ts, so the emulator's own work and memory are not counted.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { localClientConfig } from '../infra/local/provision';
import { createS3DocketSource } from '../shared/adapters/s3-docket-source';
import { createS3DropStaging } from '../shared/adapters/s3-drop-staging';
import { unpackZipDrop } from '../shared/use-cases/steps/unpack-zip-drop';

const [mode, endpoint, bucket, zipKey, trigger] = process.argv.slice(2) as ['read' | 'unpack', string, string, string, string];
const s3 = new S3Client({ ...localClientConfig(endpoint), forcePathStyle: true });
const source = createS3DocketSource({ client: s3, bucket });
const drop = { dropId: zipKey.replace(/^.*\//, '').replace(/\.zip$/, ''), location: zipKey, kind: 'zip' as const };
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const listing = await source.listDrop(drop);
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
let bytes = 0;
if (mode === 'unpack') {
  bytes = (await unpackZipDrop(drop, listing, trigger, { source, staging: createS3DropStaging({ client: s3, bucket }), prefix: 'unpacked/', clock: { now: () => new Date() }, log: quiet })).bytes;
} else {
  await Promise.all(
    [...listing.tables.values()].flat().map(async (t) => {
      for await (const c of source.openTable(drop, t.key)) bytes += c.length;
    }),
  );
}
const ms = performance.now() - t0;
s3.destroy();
const cpu = process.cpuUsage(cpu0);
console.log(JSON.stringify({ bytes, ms: Math.round(ms), cpuMs: Math.round((cpu.user + cpu.system) / 1000), maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
