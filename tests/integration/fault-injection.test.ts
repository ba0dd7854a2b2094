import { readFile } from 'node:fs/promises';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { S3Event } from 'aws-lambda';
import { CfnAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { captureLambdaOutput } from '../../infra/local/capture-output';
import { lambdaContext } from '../../infra/local/lambda-runtime';
import type { LocalPipeline } from '../../infra/local/pipeline';
import { localClientConfig, type LocalResources } from '../../infra/local/provision';
import { createDynamoCaseStore } from '../../shared/adapters/cases-table/dynamo-case-store';
import type { DropReport } from '../../shared/domain/drop-report';
import { EOIR_TABLES } from '../../shared/domain/eoir-table';
import { DROP_BUCKET, FUNCTIONS } from '../../shared/runtime/resources';
import { buildDocketWatch, logicalId } from '../infra/synth-docket-watch';
import { generateDrop, type GeneratedDrop } from '../helpers/drop-generator';
import { FAULTS, POLLS, type FaultProxy } from '../helpers/fault-proxy';
import { sesNoticeOf, startFaultyStack, type FaultyStack } from '../helpers/faulty-stack';
import { tempDir, uniqueSuffix } from '../helpers/local-stack';
import { scanForPii } from '../helpers/pii-scanner';
import { waitFor } from '../helpers/wait-for';

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
 * the FTA notices SES accepted, per FTA, from the raw MIME (the email ledger). Each
 * scenario ingests its own generated drop, whose FTAs the generator knows (its ground
 * truth follows docs/spec.md §2-3: in-absentia orders and ADJ_RSN 11 no-shows of UC
 * cases); each scenario checks its own drop: 0 FTAs lost, 0 duplicate emails, every row
 * accounted, no PII logged (expectDropAccounted), so each runs alone and in any order.
 * The table of all scenarios run is printed at the end.
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
    stack = await startFaultyStack({
      suffix,
      orrInbox: `orr${suffix}@example.gov`,
      mailFrom: 'docket-watch@example.gov',
      // What these scenarios count is attempts, not the waits between them: the mailer backs
      // off in milliseconds, and SES pacing (tested in ses-mailer.test.ts) does not hold the
      // notices back (both stay as deployed elsewhere).
      sesBackoff: { baseMs: 5, capMs: 50 },
      sesMaxSendRate: 1_000,
      // The shortest grace the queue allows (whole seconds; below 4 x its 1 s visibility timeout).
      unconfirmedGraceSeconds: 1,
    });
    ({ proxies, ledger, resources, pipeline } = stack);
    ingest = await loadIngest();
    dynamo = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(stack.base.endpoints.dynamodb)));
    store = createDynamoCaseStore({ client: dynamo, tableName: resources.casesTable });
  });

  afterAll(async () => {
    const table = results.map((r) => `  ${r.scenario.padEnd(40)} faults ${String(r.faultsInjected).padStart(3)}  FTAs ${r.ftasStored}/${r.ftasExpected}  emails ${r.emails}  duplicates ${r.duplicateEmails}`);
    process.stderr.write(`\nFault injection, per scenario:\n${table.join('\n')}\n`);
    await stack?.stop();
    await Promise.allSettled(abandoned);
    dynamo?.destroy();
    restore?.();
  });

  /**
   * The ingest handler in an execution environment of its own: a fresh module instance, with
   * its own clients and in-memory state. Lambda ends a timed-out invocation's environment,
   * so its retry starts in a new one and cannot wait on anything the frozen one left pending.
   */
  const loadIngest = async (): Promise<typeof ingest> => {
    vi.resetModules();
    const { handler } = await import('../../functions/ingest-docket/handler');
    // Drops read inside the invocation (these are small): their reports.
    return async (event, context) => (await handler(event, context)).flatMap((s) => (s.kind === 'ingested' ? [s.report] : []));
  };

  /**
   * A new generated drop for one scenario, as small as the scenario allows (the ingest of
   * each case costs DynamoDB calls): each needs FTAs, some a few more (see their notes).
   */
  const newDrop = (seed: number, cases: number): GeneratedDrop => {
    const drop = generateDrop({ seed, cases, shiftedRows: 2, parent });
    drops.push(drop);
    return drop;
  };

  /** Uploads a drop's tables without its completion marker: nothing is triggered. */
  const stage = async (drop: GeneratedDrop): Promise<void> => {
    for (const table of EOIR_TABLES) {
      await pipeline.putObject(`${DROP_BUCKET.dropPrefix}${drop.dropId}/${table}.csv`, await readFile(`${drop.folder}/${table}.csv`));
    }
  };

  /** Invokes the ingest as the S3 notification of the drop's READY marker would. */
  const invokeIngest = (drop: GeneratedDrop) =>
    ingest(
      { Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: resources.dropBucket }, object: { key: `${DROP_BUCKET.dropPrefix}${drop.dropId}/READY` } } }] } as unknown as S3Event,
      lambdaContext('ingest-docket', FUNCTIONS.ingestDocket.timeoutSeconds, FUNCTIONS.ingestDocket.memoryMb),
    );

  /**
   * Runs an invocation until it reaches the fault `hang`, then freezes it whole, as Lambda
   * freezes and kills a function at its timeout: from then on every DynamoDB and SQS call
   * (the event sources' polls aside) is held, so the chunks it runs in parallel stop at
   * their next call; waits until none of its calls is on its way and none came for a
   * moment. Fails if it finishes instead, or never reaches the fault. `thaw()` lifts the
   * freeze for what comes next; the held calls stay held, and so does every later call of
   * the frozen invocation (its calls carry its tag): a chunk still computing when the
   * freeze came, on a starved machine, cannot write after the retry has started, as a
   * killed Lambda cannot. The retry then runs in a new module instance (loadIngest).
   */
  const invokeUntilFrozen = async (drop: GeneratedDrop, hang: { injected: () => number }, operation: string): Promise<void> => {
    let finished = false;
    const tag = `frozen-${drop.dropId}`;
    const run = stack.tagInvocation(tag, () => invokeIngest(drop)).then(() => {
      finished = true;
    });
    abandoned.push(run.catch(() => undefined));
    await waitFor(() => finished || hang.injected() > 0, `the ingest reaching its ${operation} (held by the proxy)`);
    proxies.dynamodb.inject({ operation: '*', fault: FAULTS.hang });
    proxies.sqs.inject({ operation: '*', fault: FAULTS.hang, match: (call) => !POLLS.has(call.operation) });
    for (const proxy of [proxies.dynamodb, proxies.sqs]) proxy.inject({ operation: '*', fault: FAULTS.hang, permanent: true, match: (call) => call.invocation === tag });
    // The hold above can only bite if the invocation's calls carry its tag.
    expect(proxies.dynamodb.invocations.has(tag), 'the frozen invocation\'s calls carry its tag').toBe(true);
    expect(finished, 'the ingest finished before the fault froze it').toBe(false);
    await waitFor(
      () => [proxies.dynamodb, proxies.sqs].every((p) => p.inFlight === 0 && Date.now() - p.lastCallAt > 500),
      'the frozen ingest\'s other calls being answered or held',
    );
    // Lambda kills the frozen invocation's environment: the retry cold-starts a new one.
    ingest = await loadIngest();
  };

  /** Lifts every fault and the freeze, for the retry (the frozen invocation's calls, held and to come, stay held). */
  const thaw = (): void => {
    for (const proxy of Object.values(proxies)) proxy.clear();
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
  const emailed = (drop: GeneratedDrop): number => drop.expected.ftaIds.filter((id) => ledger.has(id)).length;

  const record = async (scenario: string, drop: GeneratedDrop, faultsInjected: number): Promise<ScenarioResult> => {
    const stored = await storedFtaIds();
    const result = {
      scenario,
      faultsInjected,
      ftasExpected: drop.expected.ftas,
      ftasStored: drop.expected.ftaIds.filter((id) => stored.has(id)).length,
      emails: emailed(drop),
      duplicateEmails: drop.expected.ftaIds.reduce((n, id) => n + Math.max(0, (ledger.get(id) ?? 0) - 1), 0),
    };
    results.push(result);
    return result;
  };
  /** Every FTA of the drop stored and emailed exactly once. */
  const allDelivered = (drop: GeneratedDrop) => ({ ftasStored: drop.expected.ftas, emails: drop.expected.ftas, duplicateEmails: 0 });

  /**
   * What every scenario must leave, checked by each on its own drop (so each test stands
   * alone and in any order): every row of each of its ingest runs accounted for, against
   * the generator's counts; no FTA left in the outbox; no email and no stored FTA that is
   * not an FTA of a generated drop; no correction; nothing in the NTA or chunk DLQs; and
   * no PII in anything the functions logged.
   */
  const expectDropAccounted = async (drop: GeneratedDrop): Promise<void> => {
    const done = reports.filter((r) => r.dropId === drop.dropId);
    expect(done.length, drop.dropId).toBeGreaterThan(0);
    for (const r of done) {
      for (const t of Object.values(r.tables)) expect(t.accepted + t.rejected, `${drop.dropId} ${JSON.stringify(t)}`).toBe(t.read);
      expect(r.tables.B_TblProceeding).toMatchObject({ read: drop.expected.proceedingRows, rejected: drop.expected.proceedingRejected });
      expect(r.tables.A_TblCase).toMatchObject({ read: drop.expected.caseRows, rejected: 0 });
      expect(r.tables.tbl_JuvenileHistory).toMatchObject({ read: drop.expected.juvenileRows, rejected: 0 });
      expect(r.tables.tbl_schedule).toMatchObject({ read: drop.expected.scheduleRows, rejected: 0 });
    }
    const outbox = await outboxIds();
    expect(drop.expected.ftaIds.filter((id) => outbox.has(id))).toEqual([]);
    const known = new Set(drops.flatMap((d) => d.expected.ftaIds));
    expect([...ledger.keys()].filter((id) => !known.has(id))).toEqual([]);
    expect([...(await storedFtaIds())].filter((id) => !known.has(id))).toEqual([]);
    expect(stack.corrections.size).toBe(0);
    expect(await pipeline.deadLetterCounts()).toMatchObject({ ntaSchedule: 0, dropChunks: 0 });
    expect(logs.length).toBeGreaterThan(0);
    expect(scanForPii(logs, [drop.pii])).toEqual([]);
  };

  const injectedTotal = (proxy: FaultProxy): number => [...proxy.injected.values()].reduce((a, b) => a + b, 0);
  /** Keeps the reports of the drop's ingest runs, for the summary table. */
  const collectReports = (drop: GeneratedDrop): void => {
    reports.push(...pipeline.ingestReports.filter((r) => r.dropId === drop.dropId));
  };
  /** A drop through the pipeline under the faults injected so far: upload, wait until idle, then lift the faults of `proxy`. */
  const runDrop = async (drop: GeneratedDrop, proxy?: FaultProxy): Promise<void> => {
    await pipeline.uploadDrop(drop.folder, drop.dropId);
    await pipeline.drain();
    proxy?.clear();
    collectReports(drop);
  };

  it('baseline: a drop with no fault', async () => {
    const drop = newDrop(101, 8);
    await runDrop(drop);
    expect(drop.expected.ftas).toBeGreaterThan(0);
    expect(reports.at(-1)?.ftas).toEqual({ new: drop.expected.ftas, repeated: 0, rescinded: 0 });
    expect(await record('baseline', drop, 0)).toMatchObject(allDelivered(drop));
    await expectDropAccounted(drop);
  });

  it('crash after the FTAs are stored but before they are queued: the retry sends them from the outbox', async () => {
    // 4 FTAs, 2 of them in-absentia orders (stored before the first send).
    const drop = newDrop(102, 12);
    await stage(drop);
    // The function freezes on its first send to SQS (the in-absentia orders, stored just
    // before), then Lambda kills it.
    const before = injectedTotal(proxies.sqs);
    const hang = proxies.sqs.inject({ operation: 'SendMessageBatch', fault: FAULTS.hang });
    await invokeUntilFrozen(drop, hang, 'first SendMessageBatch');
    thaw();
    const stored = await storedFtaIds();
    const storedBeforeCrash = drop.expected.ftaIds.filter((id) => stored.has(id));
    expect(storedBeforeCrash.length).toBeGreaterThan(0);
    // Stored, not queued: every one of them is still in the outbox, and none was emailed.
    const outbox = await outboxIds();
    expect(storedBeforeCrash.filter((id) => !outbox.has(id))).toEqual([]);
    expect(drop.expected.ftaIds.filter((id) => ledger.has(id))).toEqual([]);

    // Lambda's retry of the same event: the stored ones are 'repeated' and the outbox sweep queues them.
    const [report] = await invokeIngest(drop);
    reports.push(report!);
    expect(report?.ftas).toEqual({ new: drop.expected.ftas - storedBeforeCrash.length, repeated: storedBeforeCrash.length, rescinded: 0 });
    expect(report?.ftasPublished).toBeGreaterThanOrEqual(drop.expected.ftas);
    await pipeline.drain();
    expect(await outboxIds()).toEqual(new Set());
    expect(await record('crash between store and queue', drop, injectedTotal(proxies.sqs) - before)).toMatchObject(allDelivered(drop));
    await expectDropAccounted(drop);
  });

  it('SQS send failures: retried in the publisher, then by Lambda, then re-driven from the failure queue', async () => {
    // Transient: a few 500s are absorbed by the SDK's and the publisher's retries.
    const transient = newDrop(103, 6);
    const few = proxies.sqs.inject({ operation: 'SendMessageBatch', fault: FAULTS.sqsInternalError, times: 4 });
    const failuresBefore = pipeline.ingestFailures.length;
    await runDrop(transient, proxies.sqs);
    expect(few.injected()).toBe(4);
    expect(pipeline.ingestFailures.slice(failuresBefore)).toEqual([]);
    expect(await record('SQS 500 x4 (transient)', transient, few.injected())).toMatchObject(allDelivered(transient));
    await expectDropAccounted(transient);

    // Lasting: every attempt of all three invocations fails; the event goes to the failure queue.
    const lasting = newDrop(104, 8);
    const all = proxies.sqs.inject({ operation: 'SendMessageBatch', fault: FAULTS.reset });
    const lastingFailuresBefore = pipeline.ingestFailures.length;
    await pipeline.uploadDrop(lasting.folder, lasting.dropId);
    await pipeline.drain();
    proxies.sqs.clear();
    expect(pipeline.ingestFailures.slice(lastingFailuresBefore).map((f) => f.key)).toEqual([`${DROP_BUCKET.dropPrefix}${lasting.dropId}/Count.txt`]);
    expect(emailed(lasting)).toBe(0);
    // Nothing is lost meanwhile: every FTA the failed runs stored waits in the outbox.
    const outbox = await outboxIds();
    const stored = await storedFtaIds();
    expect(lasting.expected.ftaIds.filter((id) => stored.has(id) && !outbox.has(id))).toEqual([]);
    // An operator re-drives the event (the marker lands again): nothing is lost.
    await pipeline.putObject(`${DROP_BUCKET.dropPrefix}${lasting.dropId}/Count.txt`, await readFile(`${lasting.folder}/Count.txt`));
    await pipeline.drain();
    collectReports(lasting);
    expect(await record('SQS down for a whole drop, re-driven', lasting, all.injected())).toMatchObject(allDelivered(lasting));
    await expectDropAccounted(lasting);
  });

  it('SES throttling and 5xx: the notice is retried until SES takes it, exactly once', async () => {
    // 5 FTAs: the 503s hit the third notice, after two went through.
    const drop = newDrop(105, 10);
    const throttled = proxies.ses.inject({ operation: 'SendRawEmail', fault: FAULTS.sesThrottling, times: 5 });
    const unavailable = proxies.ses.inject({ operation: 'SendRawEmail', fault: FAULTS.sesServiceUnavailable, after: 2, times: 4 });
    await runDrop(drop, proxies.ses);
    expect(throttled.injected() + unavailable.injected()).toBe(9);
    expect(await record('SES throttling x5 + 503 x4', drop, 9)).toMatchObject(allDelivered(drop));
    await expectDropAccounted(drop);
    expect(await pipeline.deadLetterCounts()).toEqual({ orrNotices: 0, ntaSchedule: 0, dropChunks: 0 });
  });

  it('SES down past the mailer’s retries for one notice: SQS retries it until it is sent, not into the DLQ', async () => {
    const drop = newDrop(110, 6);
    const target = drop.expected.ftaIds[0] as string;
    // Every attempt of the first delivery fails (6 mailer attempts x 3 SDK attempts), so
    // the notifier gives up on that receive with its intent written; SES never took the message.
    const down = proxies.ses.inject({
      operation: 'SendRawEmail',
      fault: FAULTS.sesServiceUnavailable,
      times: 18,
      match: (call) => sesNoticeOf(call)?.reference === target,
    });
    await runDrop(drop, proxies.ses);
    expect(down.injected()).toBe(18);
    expect(ledger.get(target)).toBe(1);
    expect(await pipeline.deadLetterCounts()).toEqual({ orrNotices: 0, ntaSchedule: 0, dropChunks: 0 });
    expect(await record('SES 503 past the mailer for one notice', drop, down.injected())).toMatchObject(allDelivered(drop));
    await expectDropAccounted(drop);
  });

  it('the connection to SES drops mid-send for one notice past the mailer’s retries: resent after the grace, once, not into the DLQ', async () => {
    const drop = newDrop(111, 6);
    const target = drop.expected.ftaIds[0] as string;
    // The notifier cannot tell whether SES took a message whose connection dropped: its
    // intent stays (unconfirmed) and the retries wait out NOTICE_UNCONFIRMED_GRACE_SECONDS,
    // which must end before SQS's last delivery (1 s here, the shortest; the local stack otherwise sizes it from its visibility timeout).
    const dropped = proxies.ses.inject({
      operation: 'SendRawEmail',
      fault: FAULTS.reset,
      times: 18,
      match: (call) => sesNoticeOf(call)?.reference === target,
    });
    await runDrop(drop, proxies.ses);
    expect(dropped.injected()).toBe(18);
    expect(ledger.get(target)).toBe(1);
    expect(logs.some((l) => l.includes('notice resent after an unconfirmed attempt'))).toBe(true);
    expect(await pipeline.deadLetterCounts()).toEqual({ orrNotices: 0, ntaSchedule: 0, dropChunks: 0 });
    expect(await record('SES connection dropped for one notice', drop, dropped.injected())).toMatchObject(allDelivered(drop));
    await expectDropAccounted(drop);
  });

  it('the SES emulator restarted mid-run: notices sent during the outage are retried', async () => {
    // 7 FTAs: SES goes down after the third answer, with notices still to send.
    const drop = newDrop(106, 20);
    let restarts = 0;
    let restart: Promise<void> | undefined;
    let seen = 0;
    const errorsBefore = proxies.ses.upstreamErrors;
    proxies.ses.onAnswer((call) => {
      const ref = sesNoticeOf(call)?.reference;
      if (ref === undefined || !drop.expected.ftaIds.includes(ref)) return;
      seen += 1;
      if (seen === 3 && restart === undefined) {
        restarts += 1;
        restart = stack.ses.restart(500);
      }
    });
    await pipeline.uploadDrop(drop.folder, drop.dropId);
    await pipeline.drain();
    await restart;
    await pipeline.drain();
    collectReports(drop);
    expect(restarts).toBe(1);
    // Faults here: the calls that found SES down while it restarted.
    const faults = proxies.ses.upstreamErrors - errorsBefore;
    expect(faults).toBeGreaterThan(0);
    expect(await record('SES emulator restarted mid-run', drop, faults)).toMatchObject(allDelivered(drop));
    await expectDropAccounted(drop);
  });

  it('duplicate S3 events, in sequence and at the same time: nothing new, no second email', async () => {
    const drop = newDrop(107, 12);
    await pipeline.uploadDrop(drop.folder, drop.dropId);
    await pipeline.drain();
    const emailsBefore = emailed(drop);
    expect(emailsBefore).toBe(drop.expected.ftas);
    // S3 delivers at least once: the marker's event again, twice, and two invocations at once.
    for (let i = 0; i < 2; i++) await pipeline.putObject(`${DROP_BUCKET.dropPrefix}${drop.dropId}/Count.txt`, await readFile(`${drop.folder}/Count.txt`));
    await pipeline.drain();
    const concurrent = (await Promise.all([invokeIngest(drop), invokeIngest(drop)])).flat();
    await pipeline.drain();
    const all = [...pipeline.ingestReports.filter((r) => r.dropId === drop.dropId), ...concurrent];
    reports.push(...all);
    expect(all).toHaveLength(5);
    expect(all.reduce((n, r) => n + r.ftas.new, 0)).toBe(drop.expected.ftas);
    expect(all.reduce((n, r) => n + r.ftas.repeated, 0)).toBe(4 * drop.expected.ftas);
    expect(await record('duplicate S3 events x4', drop, 4)).toMatchObject(allDelivered(drop));
    await expectDropAccounted(drop);
  });

  it('Lambda timeout mid-drop: the next invocation resumes and counts nothing twice', async () => {
    // 13 FTAs: the freeze at the 6th FTA write leaves some stored and some not.
    const drop = newDrop(108, 30);
    await stage(drop);
    // DynamoDB stops answering from the 6th FTA write on: the function is frozen mid-drop, then killed.
    const hang = proxies.dynamodb.inject({ operation: 'TransactWriteItems', fault: FAULTS.hang, after: 5, match: (call) => call.body.includes('outboxPk') });
    await invokeUntilFrozen(drop, hang, '6th FTA write');
    thaw();
    const stored = await storedFtaIds();
    const partial = drop.expected.ftaIds.filter((id) => stored.has(id)).length;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(drop.expected.ftas);

    const [report] = await invokeIngest(drop);
    reports.push(report!);
    expect(report!.ftas).toEqual({ new: drop.expected.ftas - partial, repeated: partial, rescinded: 0 });
    await pipeline.drain();
    const points = await pipeline.runScheduledMetrics();
    const open = points.find((p) => p.name === 'FtasOpen' && p.aor === undefined)?.value;
    // The aggregate counters moved once per FTA: every FTA of every scenario so far, once.
    expect(open).toBe((await storedFtaIds()).size);
    expect(await record('Lambda timeout mid-drop', drop, 1)).toMatchObject(allDelivered(drop));
    await expectDropAccounted(drop);
  });

  it('a poison message ends in the DLQ, where the deployed alarm fires, and blocks nothing', async () => {
    const sqs = new SQSClient(localClientConfig(stack.base.endpoints.sqs));
    const queue = resources.queues.orrNotices;
    const before = (await pipeline.deadLetterCounts()).orrNotices;
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: '{"type":"FTA_RECORDED","version":1,"ftaId":"poison"}' }));
    const drop = newDrop(109, 6);
    await pipeline.uploadDrop(drop.folder, drop.dropId);
    await pipeline.drain(60_000);
    sqs.destroy();
    collectReports(drop);
    const depth = (await pipeline.deadLetterCounts()).orrNotices;
    expect(depth - before).toBe(1);
    // The alarm the CDK app deploys on this DLQ, evaluated on the observed depth: its
    // CloudFormation properties read from the app's constructs (a synth costs ten times more).
    const { data, pipeline: cdkPipeline } = buildDocketWatch();
    const dlqName = cdkPipeline.resolve(data.queues.orrNotices.deadLetterQueue.queueName);
    const alarm = cdkPipeline.node
      .findAll()
      .filter((c): c is CfnAlarm => c instanceof CfnAlarm)
      .map((a) => cdkPipeline.resolve({ namespace: a.namespace, metricName: a.metricName, dimensions: a.dimensions, comparisonOperator: a.comparisonOperator, threshold: a.threshold, alarmActions: a.alarmActions }))
      .find((a) => JSON.stringify(a.dimensions) === JSON.stringify([{ name: 'QueueName', value: dlqName }]));
    expect(alarm).toMatchObject({ namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', comparisonOperator: 'GreaterThanThreshold' });
    expect(depth > alarm?.threshold).toBe(true);
    expect(alarm?.alarmActions).toEqual([{ Ref: logicalId(cdkPipeline.alarmTopic) }]);
    expect(await record('poison message', drop, 1)).toMatchObject(allDelivered(drop));
    await expectDropAccounted(drop);
  });
});
