import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { S3Event } from 'aws-lambda';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoDropLedger } from '../../shared/adapters/cases-table/dynamo-drop-ledger';
import type { DropReport } from '../../shared/domain/drop-report';
import { dlqLocalName, ENV, FUNCTIONS, OPLA_RECONCILIATION, ROSTER_DROPS, WORK_LIST_RETURNS, type FtaQueueName } from '../../shared/runtime/resources';
import type { RosterReport } from '../../shared/ports/roster-store';
import type { WorkListReturnReport } from '../../shared/use-cases/record-work-list-return';
import type { ReconcileRun } from '../../functions/reconcile-opla/handler';
import { dropObjects } from './drop-upload';
import type { AwsCall, CallSink, SentEmail } from './aws-calls';
import type { Emulators } from './emulators';
import { functionEnvironment, RECORD_AWS_CALLS_DIR, type LocalPipelineOptions } from './function-environment';
import { encodeS3EventKeys } from './lambda-runtime';
import { loadExtraNotifier, loadLocalFunctions, type LocalFunctions } from './local-functions';
import { localClientConfig, type LocalResources } from './provision';
import { callsByLogicalName } from './recorded-calls';
import { routeS3Event, S3TriggeredFunctions, type AsyncInvocationHooks } from './s3-notifications';
import { ScheduledRuns } from './scheduled-runs';
import { pollQueue, queueDepth, type EventSourceHooks } from './sqs-event-source';

export { functionEnvironment, LOCAL_PII_KEY_SECRET, LOCAL_SES_MAX_SEND_RATE, RECORD_AWS_CALLS_DIR, type LocalPipelineOptions } from './function-environment';
export type { PlanRun } from './local-functions';

/**
 * The deployed pipeline's wiring, played on the emulators with the real handler modules:
 * S3 object-created notifications (same prefix and suffix filters) invoke the ingest
 * handler; each fan-out queue is polled like a Lambda event-source mapping (batch size,
 * visibility timeout, partial batch responses, redrive to the DLQ by the queue itself);
 * the metrics schedule is run on demand.
 */
export class LocalPipeline extends ScheduledRuns {
  readonly ingestReports: DropReport[] = [];
  readonly rosterReports: RosterReport[] = [];
  readonly returnReports: WorkListReturnReport[] = [];
  /** Each run of the OPLA reconciliation function: the exports it ingested and the reconciliation it made. */
  readonly reconcileRuns: ReconcileRun[] = [];
  readonly ingestFailures: { key: string; error: string }[] = [];
  /** Drops fanned out to the chunk worker whose report is not in yet. */
  private readonly fannedOut: { dropId: string; runId: string; key: string }[] = [];
  /** Messages each queue consumer handled (deleted after success), by function name. */
  readonly processed: Record<string, number> = {};
  private ingestChain: Promise<void> = Promise.resolve();
  /** Function invocations running now (S3-triggered or from an event source). */
  private active = 0;
  /** Bumped whenever an invocation starts or ends: a drain's check saw a still pipeline only if it did not move. */
  private activity = 0;
  /** Drains waiting for something to happen (an invocation starting or ending, an S3 event, a poll answered). */
  private waiters: (() => void)[] = [];
  private stopped = false;
  private unsubscribe: () => void = () => undefined;
  private readonly pollers: Promise<void>[] = [];
  private readonly s3: S3Client;
  private readonly sqs: SQSClient;
  private readonly triggered: S3TriggeredFunctions;

  private constructor(
    private readonly emulators: Emulators,
    readonly resources: LocalResources,
    handlers: LocalFunctions,
    private readonly progress: (line: string) => void,
    private readonly options: LocalPipelineOptions,
    /** Every AWS call the functions made, and every email SES accepted (exact raw MIME). */
    private readonly sink: CallSink,
  ) {
    super(handlers);
    this.s3 = new S3Client({ ...localClientConfig(emulators.endpoints.s3), forcePathStyle: true });
    this.sqs = new SQSClient(localClientConfig(emulators.endpoints.sqs));
    const { ingestReports, rosterReports, returnReports, reconcileRuns, fannedOut } = this;
    this.triggered = new S3TriggeredFunctions(handlers, { ingestReports, rosterReports, returnReports, reconcileRuns, fannedOut }, progress, (key) => this.asyncInvocation(key));
  }

  /** Points the handlers at the emulators (environment, as Lambda would set it) and starts the event sources. */
  static async start(emulators: Emulators, resources: LocalResources, options: LocalPipelineOptions): Promise<LocalPipeline> {
    // The optional ingest and mailer settings a previous pipeline of this process set are not this one's.
    for (const name of [ENV.ingestChunkBytes, ENV.ingestFanOutBytes, ENV.ingestFinishNotesInMemory, ENV.sesBackoffBaseMs, ENV.sesBackoffCapMs]) delete process.env[name];
    Object.assign(process.env, functionEnvironment(emulators, resources, options));
    // Before the handler modules load: they create their clients at import.
    const sink: CallSink = { calls: [], emails: [] };
    const handlers = await loadLocalFunctions(sink);
    const pipeline = new LocalPipeline(emulators, resources, handlers, options.onProgress ?? (() => undefined), options, sink);
    pipeline.unsubscribe = emulators.onS3Event((event) => pipeline.onS3Event(event));
    for (const name of Object.keys(resources.queues) as FtaQueueName[]) {
      const fn = name === 'orrNotices' ? { name: 'notify-orr', ...FUNCTIONS.notifyOrr } : { name: 'schedule-nta', ...FUNCTIONS.scheduleNta };
      pipeline.pollers.push(pollQueue(pipeline.sqs, resources.queues[name], pipeline.handlers.sqs[name], fn, pipeline.eventSource));
    }
    for (let i = 2; i <= (options.notifierInstances ?? 1); i++) {
      const notify = await loadExtraNotifier(sink, i);
      pipeline.pollers.push(pollQueue(pipeline.sqs, resources.queues.orrNotices, notify, { name: 'notify-orr', ...FUNCTIONS.notifyOrr }, pipeline.eventSource));
    }
    // The chunk queue's event source: one chunk per invocation (batch size 1), as deployed.
    pipeline.pollers.push(pollQueue(pipeline.sqs, resources.chunkQueue, pipeline.handlers.chunk, { name: 'ingest-drop-chunk', ...FUNCTIONS.ingestDropChunk }, pipeline.eventSource));
    return pipeline;
  }

  /** The queues' event sources report here. */
  private readonly eventSource: EventSourceHooks = {
    stopped: () => this.stopped,
    polled: () => this.wake(),
    invocationStarted: () => this.invocationStarted(),
    invocationEnded: () => this.invocationEnded(),
    progress: (line) => this.progress(line),
    processed: (fnName, count) => {
      this.processed[fnName] = (this.processed[fnName] ?? 0) + count;
    },
  };

  /** An S3-triggered (asynchronous) invocation's hooks; a last failure is kept under `key`. */
  private asyncInvocation(key: string): AsyncInvocationHooks {
    return {
      invocationStarted: () => this.invocationStarted(),
      invocationEnded: () => this.invocationEnded(),
      progress: (line) => this.progress(line),
      failed: (error) => void this.ingestFailures.push({ key, error }),
    };
  }

  /**
   * Uploads a drop folder to `drops/<dropId>/`, sub-folders included (a release copied as a
   * folder keeps `EOIR Case Data/` and `Lookup/`), its completion marker last (a Count.txt
   * or READY, any letter case, at the top or one folder down; else an empty READY object
   * at the top), as a DOJ transfer would; `markerMetadata` is the marker's S3 user metadata
   * (e.g. the operator's `as-of`).
   */
  async uploadDrop(folder: string, dropId: string, markerMetadata?: Record<string, string>): Promise<void> {
    for (const o of await dropObjects(folder, { dropId, metadata: markerMetadata })) {
      await this.putObject(o.key, o.file === null ? Buffer.alloc(0) : await readFile(o.file), o.metadata);
    }
  }

  /** Uploads a UC roster to `rosters/<rosterId>/roster.csv`; its S3 notification starts the roster ingest. */
  async uploadRoster(file: string, rosterId: string): Promise<void> {
    await this.putObject(`${ROSTER_DROPS.prefix}${rosterId}/roster.csv`, await readFile(file));
  }

  async putObject(key: string, body: Buffer, metadata?: Record<string, string>): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: this.resources.dropBucket, Key: key, Body: body, ...(metadata ? { Metadata: metadata } : {}) }));
  }

  /**
   * Waits until no ingest runs, no handler runs and every queue is empty (in-flight and
   * delayed messages count), then collects the reports of drops the chunk worker finished
   * (read from the drop ledger). Event-driven: the check runs again only when something
   * happened (an invocation started or ended, an S3 event arrived, an event source's poll
   * was answered: a message can leave a queue for its DLQ on a receive); a check counts
   * only if no invocation started or ended while the queues were read. Throws after
   * `timeoutMs` (a handler that never returns).
   */
  async drain(timeoutMs = 10 * 60_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`local pipeline did not drain in ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      for (;;) {
        // Listen before looking, so nothing that happens during the check is missed.
        const changed = new Promise<void>((resolve) => this.waiters.push(resolve));
        const chain = this.ingestChain;
        await Promise.race([chain, timedOut]);
        const seen = this.activity;
        const still = this.active === 0 && (await Promise.race([this.queuedMessages(), timedOut])) === 0;
        if (still && this.activity === seen && this.ingestChain === chain) break;
        await Promise.race([changed, timedOut]);
      }
    } finally {
      clearTimeout(timer);
    }
    await this.collectFannedOut();
  }

  /** Something happened that may end a drain or keep it waiting: the waiting drains look again. */
  private wake(): void {
    for (const resolve of this.waiters.splice(0)) resolve();
  }

  private invocationStarted(): void {
    this.active += 1;
    this.activity += 1;
    this.wake();
  }

  private invocationEnded(): void {
    this.active -= 1;
    this.activity += 1;
    this.wake();
  }

  private async collectFannedOut(): Promise<void> {
    if (this.fannedOut.length === 0) return;
    const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(this.emulators.endpoints.dynamodb)));
    try {
      const ledger = createDynamoDropLedger({ client: dynamo, tableName: this.resources.casesTable });
      for (const run of this.fannedOut.splice(0)) {
        const state = await ledger.getRun(run.dropId, run.runId);
        if (state?.report) {
          this.ingestReports.push(state.report);
          this.progress(`ingest-drop-chunk: drop ${run.dropId} finished: ${state.report.ftas.new} new FTA(s), ${state.report.ftas.repeated} repeated`);
        } else {
          this.ingestFailures.push({ key: run.key, error: `drop run ${run.runId} did not finish (stage ${state?.stage ?? '?'}; see the chunk DLQ)` });
        }
      }
    } finally {
      dynamo.destroy();
    }
  }

  /** Messages that ended in each DLQ (the chunk queue's too). */
  async deadLetterCounts(): Promise<Record<FtaQueueName | 'dropChunks', number>> {
    const counts = {} as Record<FtaQueueName | 'dropChunks', number>;
    for (const [name, q] of Object.entries(this.resources.queues) as [FtaQueueName, LocalResources['queues'][FtaQueueName]][]) {
      counts[name] = await queueDepth(this.sqs, q.dlqUrl);
    }
    counts.dropChunks = await queueDepth(this.sqs, this.resources.chunkQueue.dlqUrl);
    return counts;
  }

  /**
   * Each queue's messages, visible, in flight and delayed (what is left to do), and each
   * dead-letter queue's, by the queue's local name.
   */
  async queueDepths(): Promise<Record<string, number>> {
    const depths: Record<string, number> = {};
    for (const q of [...Object.values(this.resources.queues), this.resources.chunkQueue]) {
      depths[q.definition.localName] = await queueDepth(this.sqs, q.url, true);
      depths[dlqLocalName(q.definition)] = await queueDepth(this.sqs, q.dlqUrl, true);
    }
    return depths;
  }

  /** The emails SES accepted from the functions so far, as sent: our raw MIME, in send order. */
  get sentEmails(): readonly SentEmail[] {
    return this.sink.emails;
  }

  /**
   * The functions' AWS calls so far, with the local resource names replaced by the deployed
   * stack's logical ones (cases, dropBucket/<key>, orrNotices, ses:identity/mailFrom) and
   * the addresses by their role (mailFrom, orrInbox, fojc, digestRecipient).
   */
  recordedCalls(): AwsCall[] {
    return callsByLogicalName(this.sink.calls, this.resources, this.options);
  }

  /**
   * How many AWS calls the functions made so far, and which function made each and what
   * IAM action it was, from call `from` on, as recorded (no resource names resolved): for
   * a sampler that reads only the calls since its last look, at a cost that does not grow
   * with the calls before them (recordedCalls maps every call each time).
   */
  callsSince(from: number): readonly Pick<AwsCall, 'fn' | 'action'>[] {
    return this.sink.calls.slice(from);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe();
    await Promise.all(this.pollers);
    this.s3.destroy();
    this.sqs.destroy();
    // The test suites collect every run's calls (tests/global-setup.ts checks them).
    const dir = process.env[RECORD_AWS_CALLS_DIR];
    if (dir !== undefined && dir !== '') {
      await mkdir(dir, { recursive: true });
      const lines = this.recordedCalls().map((c) => JSON.stringify(c));
      if (lines.length > 0) await appendFile(join(dir, `calls-${process.pid}-${randomBytes(4).toString('hex')}.jsonl`), `${lines.join('\n')}\n`);
    }
  }

  private onS3Event(raw: S3Event): void {
    const event = encodeS3EventKeys(raw);
    const routed = routeS3Event(event, this.resources.dropBucket);
    if (routed.rosters.length > 0) {
      this.ingestChain = this.ingestChain.then(() => this.triggered.roster({ Records: routed.rosters }));
    }
    if (routed.returns.length > 0) {
      this.ingestChain = this.ingestChain.then(() => this.triggered.returns({ Records: routed.returns }));
    }
    if (routed.reconcile.length > 0) {
      this.ingestChain = this.ingestChain.then(() => this.triggered.reconcile({ Records: routed.reconcile }));
    }
    if (routed.ingest.length > 0) {
      const key = routed.ingest[0]?.s3.object.key ?? '';
      this.ingestChain = this.ingestChain.then(() => this.triggered.ingest({ Records: routed.ingest }, key));
    }
    this.wake();
  }

  /** Puts OPLA's FTA list at `opla/<export id>/fta-list.csv`; its S3 notification starts the reconciliation. */
  async uploadOplaList(file: string, exportId: string): Promise<string> {
    const key = `${OPLA_RECONCILIATION.prefix}${exportId}/fta-list.csv`;
    await this.putObject(key, await readFile(file));
    return key;
  }

  /** Puts a returned work list at `returns/<AOR>/<file name>`; its S3 notification starts the recorder. */
  async uploadReturn(file: string, aor: string): Promise<string> {
    const key = `${WORK_LIST_RETURNS.prefix}${aor}/${basename(file)}`;
    await this.putObject(key, await readFile(file));
    return key;
  }

  private async queuedMessages(): Promise<number> {
    let total = 0;
    for (const q of [...Object.values(this.resources.queues), this.resources.chunkQueue]) total += await queueDepth(this.sqs, q.url, true);
    return total;
  }

  get endpoints(): Emulators['endpoints'] {
    return this.emulators.endpoints;
  }
}
