import { readFile } from 'node:fs/promises';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { S3Event } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLambdaOutput } from '../../infra/local/capture-output';
import { lambdaContext } from '../../infra/local/lambda-runtime';
import type { LocalPipeline } from '../../infra/local/pipeline';
import { localClientConfig, type LocalResources } from '../../infra/local/provision';
import { createDynamoCaseStore } from '../../shared/adapters/dynamo-case-store';
import type { DropReport } from '../../shared/domain/drop-report';
import { DROP_BUCKET, FTA_QUEUES, FUNCTIONS } from '../../shared/runtime/resources';
import { logicalId, synthDocketWatch } from '../infra/synth-docket-watch';
import { generateDrop, type GeneratedDrop } from '../helpers/drop-generator';
import { FAULTS, type FaultProxy } from '../helpers/fault-proxy';
import { startFaultyStack, type FaultyStack } from '../helpers/faulty-stack';
import { tempDir, uniqueSuffix } from '../helpers/local-stack';
import { scanForPii } from '../helpers/pii-scanner';

/** What a scenario did, for the table printed at the end. */
interface ScenarioResult {
  readonly scenario: string;
  readonly faultsInjected: number;
  readonly ftasExpected: number;
  readonly ftasStored: number;
  readonly emails: number;
  readonly duplicateEmails: number;
}

/**
 * The fault-injection suite. Every function runs for real against the emulators; an HTTP
 * proxy in front of DynamoDB, SQS and SES injects the faults by AWS operation, and counts
 * what SES accepted per FTA (the email ledger). Each scenario ingests its own generated
 * drop; the last test adds everything up: 0 FTAs lost, 0 duplicate emails, every row accounted.
 */
describe('fault injection through the emulators', () => {
  let stack: FaultyStack;
  let proxies: FaultyStack['proxies'];
  let ledger: FaultyStack['ledger'];
  let resources: LocalResources;
  let pipeline: LocalPipeline;
  let ingest: (event: S3Event, context: ReturnType<typeof lambdaContext>) => Promise<DropReport[]>;
  let store: ReturnType<typeof createDynamoCaseStore>;
  let dynamo: DynamoDBDocumentClient;
  let restore: () => void;
  /** Abandoned invocations (crash, timeout): they hang on the proxy until the suite ends. */
  const abandoned: Promise<unknown>[] = [];
  const suffix = uniqueSuffix();
  const parent = tempDir('faults');
  const drops: GeneratedDrop[] = [];
  const reports: DropReport[] = [];
  const results: ScenarioResult[] = [];
  /** Everything the functions logged, errors and retries included. */
  const logs: string[] = [];

  beforeAll(async () => {
    restore = captureLambdaOutput({ onLog: (l) => logs.push(l), onMetrics: (l) => logs.push(l) });
    stack = await startFaultyStack({ suffix, orrInbox: `orr${suffix}@example.gov`, mailFrom: 'docket-watch@example.gov' });
    ({ proxies, ledger, resources, pipeline } = stack);
    const { handler } = await import('../../functions/ingest-docket/handler');
    // Drops read inside the invocation (these are small): their reports.
    ingest = async (event, context) => (await handler(event, context)).flatMap((s) => (s.kind === 'ingested' ? [s.report] : []));
    dynamo = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(stack.base.endpoints.dynamodb)));
    store = createDynamoCaseStore({ client: dynamo, tableName: resources.casesTable });
  });

  afterAll(async () => {
    await stack?.stop();
    await Promise.allSettled(abandoned);
    dynamo?.destroy();
    restore?.();
  });

  /** A new generated drop for one scenario. */
  const newDrop = (seed: number, cases = 24): GeneratedDrop => {
    const drop = generateDrop({ seed, cases, shiftedRows: 2, parent });
    drops.push(drop);
    return drop;
  };

  /** Uploads a drop's tables without its completion marker: nothing is triggered. */
  const stage = async (drop: GeneratedDrop): Promise<void> => {
    for (const file of ['A_TblCase.csv', 'tbl_JuvenileHistory.csv', 'B_TblProceeding.csv']) {
      await pipeline.putObject(`${DROP_BUCKET.dropPrefix}${drop.dropId}/${file}`, await readFile(`${drop.folder}/${file}`));
    }
  };

  /** Invokes the ingest as the S3 notification of the drop's READY marker would. */
  const invokeIngest = (drop: GeneratedDrop) =>
    ingest(
      { Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: resources.dropBucket }, object: { key: `${DROP_BUCKET.dropPrefix}${drop.dropId}/READY` } } }] } as unknown as S3Event,
      lambdaContext('ingest-docket', FUNCTIONS.ingestDocket.timeoutSeconds, FUNCTIONS.ingestDocket.memoryMb),
    );

  /** Runs an invocation until `ms` and abandons it, as Lambda does at its timeout. */
  const invokeUntilTimeout = async (drop: GeneratedDrop, ms: number): Promise<'timed out' | 'finished'> => {
    const run = invokeIngest(drop).then(() => 'finished' as const);
    abandoned.push(run.catch(() => undefined));
    return Promise.race([run, new Promise<'timed out'>((r) => setTimeout(() => r('timed out'), ms))]);
  };

  const storedFtaIds = async (): Promise<Set<string>> => {
    const ids = new Set<string>();
    for await (const fta of store.listFtas()) ids.add(fta.ftaId);
    return ids;
  };
  const outboxIds = async (): Promise<Set<string>> => {
    const ids = new Set<string>();
    for await (const page of store.unpublishedFtas(100)) for (const s of page) ids.add(s.fta.ftaId);
    return ids;
  };

  const record = async (scenario: string, drop: GeneratedDrop, faultsInjected: number): Promise<ScenarioResult> => {
    const stored = await storedFtaIds();
    const result = {
      scenario,
      faultsInjected,
      ftasExpected: drop.expected.ftas,
      ftasStored: drop.expected.ftaIds.filter((id) => stored.has(id)).length,
      emails: drop.expected.ftaIds.filter((id) => (ledger.get(id) ?? 0) > 0).length,
      duplicateEmails: drop.expected.ftaIds.reduce((n, id) => n + Math.max(0, (ledger.get(id) ?? 0) - 1), 0),
    };
    results.push(result);
    return result;
  };

  const injectedTotal = (proxy: FaultProxy): number => [...proxy.injected.values()].reduce((a, b) => a + b, 0);

  it('baseline: a drop with no fault', async () => {
    const drop = newDrop(101);
    await pipeline.uploadDrop(drop.folder, drop.dropId);
    await pipeline.drain();
    reports.push(...pipeline.ingestReports.filter((r) => r.dropId === drop.dropId));
    expect(await record('baseline', drop, 0)).toMatchObject({ ftasStored: drop.expected.ftas, emails: drop.expected.ftas, duplicateEmails: 0 });
    expect(drop.expected.ftas).toBeGreaterThan(0);
  });

  it('crash after the FTAs are stored but before they are queued: the retry sends them from the outbox', async () => {
    const drop = newDrop(102);
    await stage(drop);
    // The function freezes on its first send to SQS, then Lambda kills it.
    proxies.sqs.inject({ operation: 'SendMessageBatch', fault: FAULTS.hang });
    expect(await invokeUntilTimeout(drop, 2_000)).toBe('timed out');
    proxies.sqs.clear();
    const outbox = await outboxIds();
    expect(drop.expected.ftaIds.every((id) => outbox.has(id))).toBe(true);
    expect(drop.expected.ftaIds.filter((id) => ledger.has(id))).toEqual([]);

    // Lambda's retry of the same event: everything is 'repeated', and the outbox sweep queues it.
    const [report] = await invokeIngest(drop);
    reports.push(report!);
    expect(report?.ftas).toEqual({ new: 0, repeated: drop.expected.ftas, rescinded: 0 });
    expect(report?.ftasPublished).toBeGreaterThanOrEqual(drop.expected.ftas);
    await pipeline.drain();
    expect(await outboxIds()).toEqual(new Set());
    expect(await record('crash between store and queue', drop, injectedTotal(proxies.sqs))).toMatchObject({
      ftasStored: drop.expected.ftas,
      emails: drop.expected.ftas,
      duplicateEmails: 0,
    });
  });

  it('SQS send failures: retried in the publisher, then by Lambda, then re-driven from the failure queue', async () => {
    // Transient: a few 500s are absorbed by the SDK's and the publisher's retries.
    const transient = newDrop(103);
    const few = proxies.sqs.inject({ operation: 'SendMessageBatch', fault: FAULTS.sqsInternalError, times: 4 });
    await pipeline.uploadDrop(transient.folder, transient.dropId);
    await pipeline.drain();
    proxies.sqs.clear();
    expect(few.injected()).toBe(4);
    reports.push(...pipeline.ingestReports.filter((r) => r.dropId === transient.dropId));
    expect(await record('SQS 500 x4 (transient)', transient, few.injected())).toMatchObject({
      emails: transient.expected.ftas,
      duplicateEmails: 0,
    });

    // Lasting: every attempt of all three invocations fails; the event goes to the failure queue.
    const lasting = newDrop(104);
    const all = proxies.sqs.inject({ operation: 'SendMessageBatch', fault: FAULTS.reset });
    const failuresBefore = pipeline.ingestFailures.length;
    await pipeline.uploadDrop(lasting.folder, lasting.dropId);
    await pipeline.drain();
    proxies.sqs.clear();
    expect(pipeline.ingestFailures.length).toBe(failuresBefore + 1);
    expect(drop2Emails(lasting)).toBe(0);
    // An operator re-drives the event (the marker lands again): nothing is lost.
    await pipeline.putObject(`${DROP_BUCKET.dropPrefix}${lasting.dropId}/Count.txt`, Buffer.from('re-drive\n'));
    await pipeline.drain();
    reports.push(...pipeline.ingestReports.filter((r) => r.dropId === lasting.dropId));
    expect(await record('SQS down for a whole drop, re-driven', lasting, all.injected())).toMatchObject({
      ftasStored: lasting.expected.ftas,
      emails: lasting.expected.ftas,
      duplicateEmails: 0,
    });
  });

  const drop2Emails = (drop: GeneratedDrop): number => drop.expected.ftaIds.filter((id) => ledger.has(id)).length;

  it('SES throttling and 5xx: the notice is retried until SES takes it, exactly once', async () => {
    const drop = newDrop(105);
    const throttled = proxies.ses.inject({ operation: 'SendEmail', fault: FAULTS.sesThrottling, times: 5 });
    const unavailable = proxies.ses.inject({ operation: 'SendEmail', fault: FAULTS.sesServiceUnavailable, after: 2, times: 4 });
    await pipeline.uploadDrop(drop.folder, drop.dropId);
    await pipeline.drain();
    proxies.ses.clear();
    reports.push(...pipeline.ingestReports.filter((r) => r.dropId === drop.dropId));
    expect(throttled.injected() + unavailable.injected()).toBe(9);
    expect(await record('SES throttling x5 + 503 x4', drop, 9)).toMatchObject({
      emails: drop.expected.ftas,
      duplicateEmails: 0,
    });
    expect(await pipeline.deadLetterCounts()).toEqual({ orrNotices: 0, ntaSchedule: 0, dropChunks: 0 });
  });

  it('the SES emulator restarted mid-run: notices sent during the outage are retried', async () => {
    const drop = newDrop(106, 40);
    let restarts = 0;
    let restart: Promise<void> | undefined;
    let seen = 0;
    proxies.ses.onAnswer((call) => {
      if (call.operation !== 'SendEmail' || !drop.expected.ftaIds.some((id) => call.body.includes(id))) return;
      seen += 1;
      if (seen === 3 && restart === undefined) {
        restarts += 1;
        restart = stack.ses.restart(1_500);
      }
    });
    await pipeline.uploadDrop(drop.folder, drop.dropId);
    await pipeline.drain();
    await restart;
    await pipeline.drain();
    reports.push(...pipeline.ingestReports.filter((r) => r.dropId === drop.dropId));
    expect(restarts).toBe(1);
    // Faults here: the calls that found SES down while it restarted.
    expect(await record('SES emulator restarted mid-run', drop, proxies.ses.upstreamErrors)).toMatchObject({
      emails: drop.expected.ftas,
      duplicateEmails: 0,
    });
  });

  it('duplicate S3 events, in sequence and at the same time: nothing new, no second email', async () => {
    const drop = newDrop(107);
    await pipeline.uploadDrop(drop.folder, drop.dropId);
    await pipeline.drain();
    const emailsBefore = drop2Emails(drop);
    // S3 delivers at least once: the marker's event again, twice, and two invocations at once.
    for (let i = 0; i < 2; i++) await pipeline.putObject(`${DROP_BUCKET.dropPrefix}${drop.dropId}/Count.txt`, Buffer.from('again\n'));
    await pipeline.drain();
    const concurrent = (await Promise.all([invokeIngest(drop), invokeIngest(drop)])).flat();
    await pipeline.drain();
    const all = [...pipeline.ingestReports.filter((r) => r.dropId === drop.dropId), ...concurrent];
    reports.push(...all);
    expect(all).toHaveLength(5);
    expect(all.reduce((n, r) => n + r.ftas.new, 0)).toBe(drop.expected.ftas);
    expect(drop2Emails(drop)).toBe(emailsBefore);
    expect(await record('duplicate S3 events x4', drop, 4)).toMatchObject({ emails: drop.expected.ftas, duplicateEmails: 0 });
  });

  it('Lambda timeout mid-drop: the next invocation resumes and counts nothing twice', async () => {
    const drop = newDrop(108, 90);
    await stage(drop);
    // DynamoDB stops answering at the 6th FTA write: the function is frozen mid-drop, then killed.
    proxies.dynamodb.inject({ operation: 'TransactWriteItems', fault: FAULTS.hang, after: 5, times: 1 });
    expect(await invokeUntilTimeout(drop, 3_000)).toBe('timed out');
    proxies.dynamodb.clear();
    const stored = await storedFtaIds();
    const partial = drop.expected.ftaIds.filter((id) => stored.has(id)).length;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(drop.expected.ftas);

    const [report] = await invokeIngest(drop);
    reports.push(report!);
    expect(report!.ftas.new + report!.ftas.repeated).toBe(drop.expected.ftas);
    expect(report!.ftas.repeated).toBe(partial);
    await pipeline.drain();
    const points = await pipeline.runScheduledMetrics();
    const open = points.find((p) => p.name === 'FtasOpen' && p.aor === undefined)?.value;
    // The aggregate counters moved once per FTA: every FTA of every scenario so far, once.
    expect(open).toBe((await storedFtaIds()).size);
    expect(await record('Lambda timeout mid-drop', drop, 1)).toMatchObject({
      ftasStored: drop.expected.ftas,
      emails: drop.expected.ftas,
      duplicateEmails: 0,
    });
  });

  it('a poison message ends in the DLQ, where the deployed alarm fires, and blocks nothing', async () => {
    const sqs = new SQSClient(localClientConfig(stack.base.endpoints.sqs));
    const queue = resources.queues.orrNotices;
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: '{"type":"FTA_RECORDED","version":1,"ftaId":"poison"}' }));
    const drop = newDrop(109);
    await pipeline.uploadDrop(drop.folder, drop.dropId);
    await pipeline.drain(60_000);
    sqs.destroy();
    reports.push(...pipeline.ingestReports.filter((r) => r.dropId === drop.dropId));
    const depth = (await pipeline.deadLetterCounts()).orrNotices;
    expect(depth).toBe(1);
    expect(FTA_QUEUES.orrNotices.maxReceiveCount).toBeGreaterThan(1);
    // The alarm the CDK app deploys on this DLQ, evaluated on the observed depth.
    const { data, pipeline: cdkPipeline, pipelineTemplate } = synthDocketWatch();
    const dlqName = cdkPipeline.resolve(data.queues.orrNotices.deadLetterQueue.queueName);
    const alarm = Object.values(pipelineTemplate.findResources('AWS::CloudWatch::Alarm')).find(
      (a) => JSON.stringify(a.Properties.Dimensions) === JSON.stringify([{ Name: 'QueueName', Value: dlqName }]),
    );
    expect(alarm?.Properties).toMatchObject({ MetricName: 'ApproximateNumberOfMessagesVisible', ComparisonOperator: 'GreaterThanThreshold' });
    expect(depth > alarm?.Properties.Threshold).toBe(true);
    expect(alarm?.Properties.AlarmActions).toEqual([{ Ref: logicalId(cdkPipeline.alarmTopic) }]);
    expect(await record('poison message', drop, 1)).toMatchObject({ emails: drop.expected.ftas, duplicateEmails: 0 });
  });

  it('over all of them: 0 FTAs lost, 0 duplicate emails, every row accounted', async () => {
    const stored = await storedFtaIds();
    const expected = drops.flatMap((d) => d.expected.ftaIds);
    const lost = expected.filter((id) => !stored.has(id) || (ledger.get(id) ?? 0) === 0);
    const duplicates = [...ledger.entries()].filter(([, n]) => n > 1);
    expect(lost).toEqual([]);
    expect(duplicates).toEqual([]);
    // No email about anything that is not an FTA of these drops.
    expect([...ledger.keys()].sort()).toEqual([...expected].sort());
    expect(await outboxIds()).toEqual(new Set());
    for (const drop of drops) {
      const done = reports.filter((r) => r.dropId === drop.dropId);
      expect(done.length, drop.dropId).toBeGreaterThan(0);
      for (const r of done) {
        const p = r.tables.B_TblProceeding!;
        expect(p.read).toBe(drop.expected.proceedingRows);
        expect(p.accepted + p.rejected).toBe(p.read);
        expect(p.rejected).toBe(drop.expected.proceedingRejected);
        expect(r.tables.tbl_JuvenileHistory?.read).toBe(drop.expected.juvenileRows);
      }
    }
    // Every line the functions wrote through all of it: still no PII.
    expect(logs.length).toBeGreaterThan(0);
    expect(scanForPii(logs, drops.map((d) => d.pii))).toEqual([]);
    const table = results.map((r) => `  ${r.scenario.padEnd(40)} faults ${String(r.faultsInjected).padStart(3)}  FTAs ${r.ftasStored}/${r.ftasExpected}  emails ${r.emails}  duplicates ${r.duplicateEmails}`);
    process.stderr.write(`\nFault injection: ${expected.length} FTAs, ${lost.length} lost, ${duplicates.length} duplicate emails\n${table.join('\n')}\n`);
  });
});
