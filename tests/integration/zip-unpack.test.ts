import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { S3Event } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLambdaOutput } from '../../infra/local/capture-output';
import type { Emulators } from '../../infra/local/emulators';
import { localClientConfig, provisionLocalResources, type LocalResources } from '../../infra/local/provision';
import { runLocalPipeline, type LocalRunResult } from '../../infra/local/run';
import { createDynamoCaseStore } from '../../shared/adapters/cases-table/dynamo-case-store';
import { createDynamoDropLedger } from '../../shared/adapters/cases-table/dynamo-drop-ledger';
import { createS3DocketSource } from '../../shared/adapters/s3-docket-source';
import { createS3DropStaging, STREAM_UPLOAD } from '../../shared/adapters/s3-drop-staging';
import { createS3Quarantine } from '../../shared/adapters/s3-quarantine';
import { createSqsChunkQueue } from '../../shared/adapters/sqs-chunk-queue';
import type { DropReport } from '../../shared/domain/drop-report';
import { UNPACKED_ZIP_MANIFEST, UnpackedZipManifest } from '../../shared/messages/unpacked-zip';
import type { DropRef } from '../../shared/ports/docket-source';
import { DROP_BUCKET } from '../../shared/runtime/resources';
import { startDocketDrop, type FanOutDeps } from '../../shared/use-cases/start-docket-drop';
import { ingestDocketDrop } from '../../shared/use-cases/steps/ingest/ingest-docket-drop';
import { UNPACKED_BY_META } from '../../shared/use-cases/steps/unpack-zip-drop';
import { generateDrop, type GeneratedDrop } from '../helpers/drop-generator';
import { fixedClock, memoryPublisher, silentLog } from '../helpers/in-memory-ports';
import { connectEmulators, pipelineTestOptions, tempDir, uniqueSuffix } from '../helpers/local-stack';
import { scanForPii } from '../helpers/pii-scanner';
import { expectSameOutcomeAsWholeRead } from '../helpers/whole-read';
import { makeZip } from '../helpers/zip';

/** Small chunks: the zip's tables are "too big to read whole" at this size, and fan out over many chunks. */
const CHUNK_BYTES = 1024;

/**
 * EOIR's layout: the tables and Count.txt in a data folder, a lookup table beside it, and
 * (hostile) an entry whose path leaves the drop.
 */
function zipOf(g: GeneratedDrop, options: { without?: readonly string[] } = {}): Buffer {
  const files = readdirSync(g.folder).filter((f) => !(options.without ?? []).includes(f));
  return makeZip([
    ...files.map((f) => ({ name: `EOIR Case Data/${f}`, data: readFileSync(join(g.folder, f)) })),
    { name: 'Lookup/tblLookupJudge.csv', data: Buffer.from('JUDGE_CODE\tJUDGE_NAME\r\nAAA\tJUDGE A\r\n') },
    { name: '../outside.csv', data: Buffer.from('x\r\n') },
  ]);
}


describe('a big zip drop, unpacked by the ingest and fanned out, on the local AWS stack', () => {
  let emulators: Emulators;
  let restore: () => void;
  const logs: string[] = [];
  let dynamo: DynamoDBDocumentClient;
  let s3: S3Client;
  let sqs: SQSClient;
  const suffix = uniqueSuffix();
  let drop: GeneratedDrop;
  let zip: Buffer;
  let run: LocalRunResult;
  /** The same zip read whole, in one invocation, into a table of its own. */
  let baseline: DropReport;

  const keysUnder = async (bucket: string, prefix: string): Promise<string[]> =>
    ((await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))).Contents ?? []).map((o) => o.Key ?? '').sort();
  const body = async (bucket: string, key: string): Promise<Buffer> =>
    Buffer.from(await ((await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body?.transformToByteArray() ?? []));
  const deps = (resources: LocalResources): FanOutDeps => ({
    source: createS3DocketSource({ client: s3, bucket: resources.dropBucket }),
    store: createDynamoCaseStore({ client: dynamo, tableName: resources.casesTable }),
    ledger: createDynamoDropLedger({ client: dynamo, tableName: resources.casesTable }),
    publisher: memoryPublisher(),
    queue: createSqsChunkQueue({ client: sqs, queueUrl: resources.chunkQueue.url }),
    quarantine: createS3Quarantine({ client: s3, bucket: resources.dropBucket }),
    clock: fixedClock('2026-11-28T00:00:00Z'),
    log: silentLog,
    fanOutBytes: CHUNK_BYTES,
    chunks: { chunkBytes: CHUNK_BYTES, parallelChunks: 4 },
    unpack: { staging: createS3DropStaging({ client: s3, bucket: resources.dropBucket }), prefix: DROP_BUCKET.unpackedPrefix },
  });

  beforeAll(async () => {
    restore = captureLambdaOutput({ onLog: (l) => logs.push(l), onMetrics: () => undefined });
    emulators = await connectEmulators();
    dynamo = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(emulators.endpoints.dynamodb)), {
      marshallOptions: { removeUndefinedValues: true },
    });
    s3 = new S3Client({ ...localClientConfig(emulators.endpoints.s3), forcePathStyle: true });
    sqs = new SQSClient(localClientConfig(emulators.endpoints.sqs));
    drop = generateDrop({ seed: 43, cases: 30, shiftedRows: 3 });
    zip = zipOf(drop);
    const zipPath = join(tempDir('zip-drop'), `${drop.dropId}.zip`);
    writeFileSync(zipPath, zip);

    // Through the pipeline: the zip's event unpacks it, the unpacked Count.txt's event fans it out.
    run = await runLocalPipeline(emulators, pipelineTestOptions(suffix, { drops: [zipPath], outDir: tempDir('zip-out'), chunkBytes: CHUNK_BYTES }));
    await run.pipeline.stop();

    const whole = await provisionLocalResources(emulators.endpoints, { suffix: `${suffix}w` });
    await s3.send(new PutObjectCommand({ Bucket: whole.dropBucket, Key: `drops/${drop.dropId}.zip`, Body: zip }));
    const zipRef: DropRef = { dropId: drop.dropId, location: `drops/${drop.dropId}.zip`, kind: 'zip' };
    baseline = await ingestDocketDrop(zipRef, { ...deps(whole), publisher: memoryPublisher() });
  });

  afterAll(async () => {
    restore();
    dynamo?.destroy();
    s3?.destroy();
    sqs?.destroy();
    await emulators?.stop();
  });

  it('counts every row exactly once, as reading the zip whole does, and accounts for the entries it did not read', () => {
    const [report] = run.summary.drops;
    expect(run.summary.drops).toHaveLength(1);
    expect(report?.unpackedFrom).toBe(`drops/${drop.dropId}.zip`);
    expect(report?.fanOut?.chunks).toBeGreaterThan(8);
    expect(baseline.fanOut).toBeUndefined();
    expectSameOutcomeAsWholeRead(run, report, baseline);
    expect(report?.tables.B_TblProceeding).toMatchObject({ read: drop.expected.proceedingRows, rejected: drop.expected.proceedingRejected });
    for (const check of Object.values(report?.countCheck ?? {})) expect(check?.matches).toBe(true);
    expect(report?.ignoredFiles).toEqual([
      { file: 'Lookup/tblLookupJudge.csv', reason: 'EOIR_LOOKUP_TABLE' },
      { file: '../outside.csv', reason: 'ENTRY_UNSAFE' },
    ]);
  });

  it('logs the unpacking with keys and sizes, and no name, A-number, street or birth date', () => {
    expect(logs.some((l) => l.includes('zip drop unpacked'))).toBe(true);
    expect(scanForPii(logs, [drop.pii])).toEqual([]);
  });

  it('writes the four tables byte for byte under unpacked/, with the manifest and the zip’s Count.txt, and nothing under drops/', async () => {
    const bucket = run.pipeline.resources.dropBucket;
    const folder = `${DROP_BUCKET.unpackedPrefix}${drop.dropId}/`;
    const tables = ['A_TblCase.csv', 'B_TblProceeding.csv', 'tbl_JuvenileHistory.csv', 'tbl_schedule.csv'];
    expect(await keysUnder(bucket, folder)).toEqual([...tables.map((t) => `${folder}${t}`), `${folder}Count.txt`, `${folder}${UNPACKED_ZIP_MANIFEST}`].sort());
    for (const t of tables) expect((await body(bucket, `${folder}${t}`)).equals(readFileSync(join(drop.folder, t)))).toBe(true);
    expect((await body(bucket, `${folder}Count.txt`)).equals(readFileSync(join(drop.folder, 'Count.txt')))).toBe(true);
    const manifest = UnpackedZipManifest.parse(JSON.parse((await body(bucket, `${folder}${UNPACKED_ZIP_MANIFEST}`)).toString()));
    expect(manifest).toMatchObject({ dropId: drop.dropId, zipKey: `drops/${drop.dropId}.zip`, countFile: true, refused: [] });
    expect(manifest.tables.map((t) => t.entry).sort()).toEqual(tables.map((t) => `EOIR Case Data/${t}`));
    // DOJ's copy is untouched: the zip is all there is under drops/.
    expect(await keysUnder(bucket, DROP_BUCKET.dropPrefix)).toEqual([`drops/${drop.dropId}.zip`]);
  });

  it('unpacks once per S3 event: a duplicate event writes nothing and starts no second ingest; a new upload unpacks again', async () => {
    const resources = await provisionLocalResources(emulators.endpoints, { suffix: `${suffix}d` });
    const small = zipOf(drop, { without: ['Count.txt'] });
    await s3.send(new PutObjectCommand({ Bucket: resources.dropBucket, Key: `drops/${drop.dropId}.zip`, Body: small }));
    const markers: string[] = [];
    const unsubscribe = emulators.onS3Event((e: S3Event) => {
      for (const r of e.Records) if (r.s3.bucket.name === resources.dropBucket && /\/(READY|Count\.txt)$/.test(r.s3.object.key)) markers.push(r.s3.object.key);
    });
    try {
      const zipRef: DropRef = { dropId: drop.dropId, location: `drops/${drop.dropId}.zip`, kind: 'zip' };
      const d = deps(resources);
      expect(await startDocketDrop(zipRef, 'sequencer-1', d)).toMatchObject({ kind: 'unpacked', duplicate: false, marker: `unpacked/${drop.dropId}/READY`, tables: 4 });
      expect(await startDocketDrop(zipRef, 'sequencer-1', d)).toMatchObject({ kind: 'unpacked', duplicate: true });
      expect(markers).toEqual([`unpacked/${drop.dropId}/READY`]);
      const staging = createS3DropStaging({ client: s3, bucket: resources.dropBucket });
      expect(await staging.metadata(`unpacked/${drop.dropId}/READY`)).toEqual({ [UNPACKED_BY_META]: 'sequencer-1' });
      expect(await startDocketDrop(zipRef, 'sequencer-2', d)).toMatchObject({ kind: 'unpacked', duplicate: false });
      expect(markers).toHaveLength(2);
    } finally {
      unsubscribe();
    }
  });

  it('lists an unpacked folder by its manifest: files an earlier zip left there are NOT_IN_ZIP, never read', async () => {
    const resources = await provisionLocalResources(emulators.endpoints, { suffix: `${suffix}s` });
    const folder = `unpacked/${drop.dropId}/`;
    // An earlier zip of the same drop id had juvenile history and a Count.txt; this one has neither.
    await s3.send(new PutObjectCommand({ Bucket: resources.dropBucket, Key: `${folder}tbl_JuvenileHistory.csv`, Body: readFileSync(join(drop.folder, 'tbl_JuvenileHistory.csv')) }));
    await s3.send(new PutObjectCommand({ Bucket: resources.dropBucket, Key: `${folder}Count.txt`, Body: readFileSync(join(drop.folder, 'Count.txt')) }));
    await s3.send(new PutObjectCommand({ Bucket: resources.dropBucket, Key: `drops/${drop.dropId}.zip`, Body: zipOf(drop, { without: ['Count.txt', 'tbl_JuvenileHistory.csv'] }) }));
    const zipRef: DropRef = { dropId: drop.dropId, location: `drops/${drop.dropId}.zip`, kind: 'zip' };
    await startDocketDrop(zipRef, 'sequencer-1', deps(resources));

    const listing = await createS3DocketSource({ client: s3, bucket: resources.dropBucket }).listDrop({ dropId: drop.dropId, location: folder, kind: 'folder' });
    expect([...listing.tables.keys()].sort()).toEqual(['A_TblCase', 'B_TblProceeding', 'tbl_schedule']);
    expect(listing.countFile).toBeNull();
    expect(listing.unpackedFrom).toBe(`drops/${drop.dropId}.zip`);
    expect(listing.ignored).toEqual([
      { file: 'Lookup/tblLookupJudge.csv', reason: 'EOIR_LOOKUP_TABLE' },
      { file: '../outside.csv', reason: 'ENTRY_UNSAFE' },
      { file: `${folder}tbl_JuvenileHistory.csv`, reason: 'NOT_IN_ZIP' },
      { file: `${folder}Count.txt`, reason: 'NOT_IN_ZIP' },
    ]);
  });

  it('refuses, with a clear error, a folder whose unpack manifest is not one', async () => {
    const resources = await provisionLocalResources(emulators.endpoints, { suffix: `${suffix}c` });
    const source = createS3DocketSource({ client: s3, bucket: resources.dropBucket });
    const folder = { dropId: 'broken', location: 'unpacked/broken/', kind: 'folder' as const };
    await s3.send(new PutObjectCommand({ Bucket: resources.dropBucket, Key: `unpacked/broken/${UNPACKED_ZIP_MANIFEST}`, Body: '{"type":"UNPACKED_ZIP"' }));
    await expect(source.listDrop(folder)).rejects.toThrow(`unpacked/broken/${UNPACKED_ZIP_MANIFEST} is not a manifest of an unpacked zip drop: not JSON`);
    await s3.send(new PutObjectCommand({ Bucket: resources.dropBucket, Key: `unpacked/broken/${UNPACKED_ZIP_MANIFEST}`, Body: '{"type":"UNPACKED_ZIP","version":1}' }));
    await expect(source.listDrop(folder)).rejects.toThrow(/is not a manifest of an unpacked zip drop: /);
  });

  it('streams an object bigger than one upload part through a multipart upload, and leaves no object when the stream fails or is aborted', async () => {
    const resources = await provisionLocalResources(emulators.endpoints, { suffix: `${suffix}m` });
    const staging = createS3DropStaging({ client: s3, bucket: resources.dropBucket });
    const parts = Math.ceil((2.5 * STREAM_UPLOAD.partSize) / (1024 * 1024));
    async function* stream(failAfter?: number): AsyncIterable<Uint8Array> {
      for (let i = 0; i < parts; i++) {
        if (i === failAfter) throw new Error('zip entry failed its CRC check');
        yield Buffer.alloc(1024 * 1024, 65 + (i % 26));
      }
    }
    expect(await staging.writeStream('unpacked/big/tbl_schedule.csv', stream(), 'text/tab-separated-values')).toBe(parts * 1024 * 1024);
    const got = await body(resources.dropBucket, 'unpacked/big/tbl_schedule.csv');
    expect(got.length).toBe(parts * 1024 * 1024);
    expect(got[STREAM_UPLOAD.partSize + 5]).toBe(65 + (Math.floor((STREAM_UPLOAD.partSize + 5) / (1024 * 1024)) % 26));

    await expect(staging.writeStream('unpacked/big/B_TblProceeding.csv', stream(20), 'text/tab-separated-values')).rejects.toThrow(/CRC/);
    expect(await staging.metadata('unpacked/big/B_TblProceeding.csv')).toBeUndefined();

    // Another table's failure aborts this upload mid-stream: no object either. The stream
    // stalls after the abort (a slow zip entry) and ends only once the upload has given up,
    // so the upload cannot have finished first: only the abort can end it.
    const failed = new AbortController();
    let uploadSettled!: () => void;
    const settled = new Promise<void>((resolve) => (uploadSettled = resolve));
    async function* stalling(): AsyncIterable<Uint8Array> {
      for (let i = 0; i < parts; i++) {
        if (i === 3) {
          failed.abort(new Error('another table failed'));
          await settled;
          return;
        }
        yield Buffer.alloc(1024 * 1024, 66);
      }
    }
    const aborted = staging.writeStream('unpacked/big/A_TblCase.csv', stalling(), 'text/tab-separated-values', failed.signal);
    void aborted.finally(uploadSettled).catch(() => undefined);
    await expect(aborted).rejects.toThrow(/another table failed/);
    expect(await staging.metadata('unpacked/big/A_TblCase.csv')).toBeUndefined();
  });
});
