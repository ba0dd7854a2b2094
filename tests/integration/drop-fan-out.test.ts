import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLambdaOutput } from '../../infra/local/capture-output';
import type { Emulators } from '../../infra/local/emulators';
import { localClientConfig, provisionLocalResources, type LocalResources } from '../../infra/local/provision';
import { runLocalPipeline, type LocalRunResult } from '../../infra/local/run';
import { createDynamoCaseStore } from '../../shared/adapters/cases-table/dynamo-case-store';
import { createDynamoDropLedger } from '../../shared/adapters/cases-table/dynamo-drop-ledger';
import { createS3DocketSource } from '../../shared/adapters/s3-docket-source';
import { createS3Quarantine } from '../../shared/adapters/s3-quarantine';
import { createSqsChunkQueue } from '../../shared/adapters/sqs-chunk-queue';
import type { DropReport } from '../../shared/domain/drop-report';
import { DropChunkMessage } from '../../shared/messages/drop-chunk';
import type { CaseStore } from '../../shared/ports/case-store';
import type { ChunkQueue } from '../../shared/ports/chunk-queue';
import { ingestChunkMessage, startDocketDrop, type FanOutDeps } from '../../shared/use-cases/start-docket-drop';
import { ingestDocketDrop } from '../../shared/use-cases/steps/ingest/ingest-docket-drop';
import { generateDrop, type GeneratedDrop } from '../helpers/drop-generator';
import { fixedClock, memoryPublisher, silentLog } from '../helpers/in-memory-ports';
import { scanForPii } from '../helpers/pii-scanner';
import { expectSameOutcomeAsWholeRead, reportCounts } from '../helpers/whole-read';
import { connectEmulators, pipelineTestOptions, tempDir, uniqueSuffix } from '../helpers/local-stack';

/** Small chunks, so a drop of a few hundred cases spreads over dozens of chunk messages. */
const CHUNK_BYTES = 1024;
/** The error of the worker crash the test injects. */
const CRASH = 'injected: Lambda timed out';


describe('a big drop fanned out over the drop chunk queue, on the local AWS stack', () => {
  let emulators: Emulators;
  let restore: () => void;
  let dynamo: DynamoDBDocumentClient;
  let s3: S3Client;
  let sqs: SQSClient;
  const logs: string[] = [];
  const suffix = uniqueSuffix();
  let drop: GeneratedDrop;
  let run: LocalRunResult;
  /** The same drop read whole, in one invocation, into a table of its own. */
  let baseline: DropReport;

  const upload = async (resources: LocalResources, g: GeneratedDrop): Promise<void> => {
    for (const f of readdirSync(g.folder)) {
      await s3.send(new PutObjectCommand({ Bucket: resources.dropBucket, Key: `drops/${g.dropId}/${f}`, Body: readFileSync(join(g.folder, f)) }));
    }
  };
  const ref = (g: GeneratedDrop) => ({ dropId: g.dropId, location: `drops/${g.dropId}/`, kind: 'folder' as const });

  beforeAll(async () => {
    restore = captureLambdaOutput({ onLog: (l) => logs.push(l), onMetrics: () => undefined });
    emulators = await connectEmulators();
    dynamo = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(emulators.endpoints.dynamodb)), {
      marshallOptions: { removeUndefinedValues: true },
    });
    s3 = new S3Client({ ...localClientConfig(emulators.endpoints.s3), forcePathStyle: true });
    sqs = new SQSClient(localClientConfig(emulators.endpoints.sqs));
    // Seed 40: 4 of the 30 cases are UC by CASEPRIORITY_CODE alone, the rest of the UC cases by juvenile code.
    drop = generateDrop({ seed: 40, cases: 30, shiftedRows: 3 });

    // Through the pipeline: the S3 event plans the drop, the chunk worker runs its chunks from the queue.
    run = await runLocalPipeline(emulators, pipelineTestOptions(suffix, { drops: [drop.folder], outDir: tempDir('fanout-out'), chunkBytes: CHUNK_BYTES, scheduledRuns: false }));
    await run.pipeline.stop();

    const whole = await provisionLocalResources(emulators.endpoints, { suffix: `${suffix}w` });
    await upload(whole, drop);
    baseline = await ingestDocketDrop(ref(drop), {
      source: createS3DocketSource({ client: s3, bucket: whole.dropBucket }),
      store: createDynamoCaseStore({ client: dynamo, tableName: whole.casesTable }),
      publisher: memoryPublisher(),
      quarantine: createS3Quarantine({ client: s3, bucket: whole.dropBucket }),
      clock: fixedClock('2026-11-28T00:00:00Z'),
      log: silentLog,
    });
  });

  afterAll(async () => {
    restore();
    dynamo?.destroy();
    s3?.destroy();
    sqs?.destroy();
    await emulators?.stop();
  });

  it('goes through the chunk queue and counts every row exactly once, as the unchunked read does', () => {
    const [report] = run.summary.drops;
    expect(report?.fanOut?.chunks).toBeGreaterThan(8);
    expect(report?.tables.B_TblProceeding?.chunks).toBeGreaterThan(2);
    expect(baseline.fanOut).toBeUndefined();
    expectSameOutcomeAsWholeRead(run, report, baseline);
    expect(report?.tables.B_TblProceeding).toMatchObject({ read: drop.expected.proceedingRows, rejected: drop.expected.proceedingRejected });
    for (const check of Object.values(report?.countCheck ?? {})) expect(check?.matches).toBe(true);
    // The generator's ground truth (docs/spec.md §2-3), not the ingest's: exactly its FTAs, UC by either basis.
    expect(drop.expected.priorityUcCases).toBeGreaterThan(0);
    expect(report?.ucCasesMarked).toBe(drop.expected.ucCases);
    expect(report?.ftas.new).toBe(drop.expected.ftas);
    expect(run.ftas.map((f) => f.ftaId).sort()).toEqual([...drop.expected.ftaIds].sort());
  });

  it('logs no name, A-number, street or birth date from the chunks', () => {
    expect(logs.some((l) => l.includes('drop chunk ingested'))).toBe(true);
    expect(scanForPii(logs, [drop.pii])).toEqual([]);
  });

  it('survives a chunk delivered twice and a worker crash mid-chunk: same report, no FTA twice, each stage started once', async () => {
    const resources = await provisionLocalResources(emulators.endpoints, { suffix: `${suffix}x`, visibilityTimeoutSeconds: 1 });
    await upload(resources, drop);
    const inner = createDynamoCaseStore({ client: dynamo, tableName: resources.casesTable });
    let crashed = 0;
    // The worker dies after writing the FTAs of its first proceeding chunk, before the chunk is recorded.
    const store: CaseStore = {
      ...inner,
      async recordFtas(list, at, by) {
        const out = await inner.recordFtas(list, at, by);
        if (crashed === 0 && by?.includes('B_TblProceeding') && out.includes('new')) {
          crashed += 1;
          throw new Error(CRASH);
        }
        return out;
      },
    };
    const sqsQueue = createSqsChunkQueue({ client: sqs, queueUrl: resources.chunkQueue.url });
    const sent: DropChunkMessage[] = [];
    const queue: ChunkQueue = { send: async (m) => { sent.push(...m); await sqsQueue.send(m); } };
    const publisher = memoryPublisher();
    const deps: FanOutDeps = {
      source: createS3DocketSource({ client: s3, bucket: resources.dropBucket }),
      store, publisher, queue,
      ledger: createDynamoDropLedger({ client: dynamo, tableName: resources.casesTable }),
      quarantine: createS3Quarantine({ client: s3, bucket: resources.dropBucket }),
      clock: fixedClock('2026-11-28T00:00:00Z'),
      log: silentLog,
      fanOutBytes: CHUNK_BYTES,
      chunks: { chunkBytes: CHUNK_BYTES, parallelChunks: 4 },
    };
    const started = await startDocketDrop(ref(drop), 'sequencer-1', deps);
    expect(started).toMatchObject({ kind: 'fanned-out', created: true });
    // A duplicate S3 event while the run is going: the first stage is sent again.
    await startDocketDrop(ref(drop), 'sequencer-1', deps);

    // The event source, by hand: every message is processed twice (at-least-once delivery);
    // a failed one is left on the queue and comes back after its visibility timeout.
    let report: DropReport | null = null;
    for (let idle = 0; idle < 3; ) {
      const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: resources.chunkQueue.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      const messages = out.Messages ?? [];
      idle = messages.length === 0 ? idle + 1 : 0;
      for (const m of messages) {
        const message = DropChunkMessage.parse(JSON.parse(m.Body ?? ''));
        try {
          for (let copy = 0; copy < 2; copy++) report = (await ingestChunkMessage(message, deps, m.MessageId)).report ?? report;
        } catch (err) {
          // Only the injected crash is expected: any other error is a fault of the fan-out.
          if (!(err instanceof Error && err.message === CRASH)) throw err;
          continue; // not deleted: SQS delivers it again
        }
        await sqs.send(new DeleteMessageCommand({ QueueUrl: resources.chunkQueue.url, ReceiptHandle: m.ReceiptHandle }));
      }
    }
    expect(crashed).toBe(1);
    expect(reportCounts(report)).toEqual(reportCounts(baseline));
    const stored: string[] = [];
    for await (const f of inner.listFtas()) stored.push(f.ftaId);
    expect(stored.sort()).toEqual(run.ftas.map((f) => f.ftaId).sort());
    // Every FTA reached the queues; those of the chunk that crashed maybe twice (at least once; consumers are idempotent).
    expect(new Set(publisher.sent.map((m) => m.ftaId)).size).toBe(stored.length);
    // Stages 2 and 3 were sent once each; stage 1 twice (the duplicate S3 event), nothing more.
    const perChunk = new Map<string, number>();
    for (const m of sent) perChunk.set(`${m.table}#${m.start}`, (perChunk.get(`${m.table}#${m.start}`) ?? 0) + 1);
    for (const [id, n] of perChunk) expect([id, n]).toEqual([id, id.startsWith('tbl_JuvenileHistory') ? 2 : 1]);
    // The run is finished: a late copy of any chunk changes nothing.
    expect((await ingestChunkMessage(sent[0] as DropChunkMessage, deps, 'late')).outcome).toBe('run-finished');
  });
});
