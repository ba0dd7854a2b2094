import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, S3Event, ScheduledEvent, SNSEvent } from 'aws-lambda';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoDropLedger } from '../../shared/adapters/cases-table/dynamo-drop-ledger';
import { dropTriggeredBy } from '../../shared/adapters/s3-docket-source';
import type { DropReport } from '../../shared/domain/drop-report';
import { DEFAULT_REMINDER_HORIZONS } from '../../shared/domain/upcoming-hearing';
import type { DropStarted } from '../../shared/use-cases/fan-out-drop';
import type { MetricPoint } from '../../shared/domain/program-metrics';
import { sleep } from '../../shared/lib/concurrency';
import { DROP_BUCKET, dlqLocalName, ENV, FUNCTIONS, INGEST_TRIGGERS, METRICS_SCHEDULES, OPLA_RECONCILIATION, ROSTER_DROPS, unconfirmedGraceBoundSeconds, WORK_LIST_RETURNS, type FtaQueueName, type MetricsScheduleName } from '../../shared/runtime/resources';
import type { RosterReport } from '../../shared/ports/roster-store';
import type { WorkListReturnReport } from '../../shared/use-cases/record-work-list-return';
import type { ReconcileRun } from '../../functions/reconcile-opla/handler';
import type { ReplanOutcome } from '../../shared/use-cases/replan-nta-backlog';
import type { ReminderRun } from '../../shared/use-cases/send-hearing-reminders';
import type { FunctionName } from '../../shared/runtime/config';
import { dropObjects } from './drop-upload';
import { installRecorder, runAsFunction, type AwsCall, type CallSink, type SentEmail } from './aws-calls';
import { LOCAL_CREDENTIALS, LOCAL_REGION, type Emulators } from './emulators';
import { encodeS3EventKeys, lambdaContext, scheduledEvent, sqsEvent, type SqsHandler } from './lambda-runtime';
import { localClientConfig, type LocalQueue, type LocalResources } from './provision';

export interface LocalPipelineOptions {
  readonly orrInbox: string;
  readonly mailFrom: string;
  readonly reverifyDueBusinessDays?: number;
  /** AOR -> Field Office Juvenile Coordinator address, copied on ORR notices. */
  readonly juvenileCoordinators?: Readonly<Record<string, string>>;
  /** Recipients of the ORR daily digest (runScheduledDigest). */
  readonly digestRecipients?: readonly string[];
  /** AOR -> OPLA and ERO addresses that get that AOR's OPLA reconciliation email. */
  readonly oplaReconciliationRecipients?: Readonly<Record<string, readonly string[]>>;
  /** REMINDER_HORIZON_DAYS of the hearing reminders (default: the function's, 14 and 3). */
  readonly reminderHorizonDays?: readonly number[];
  /**
   * INGEST_CHUNK_BYTES for the ingest and chunk functions, and INGEST_FAN_OUT_BYTES unless
   * `fanOutBytes` says otherwise (default: the functions' own).
   */
  readonly chunkBytes?: number;
  /** INGEST_FAN_OUT_BYTES: drops with a bigger table go through the chunk queue. */
  readonly fanOutBytes?: number;
  /** NTA plan settings under their ENV names (NTA_SLOTS_PER_DAY, ...); config.ts defaults otherwise. */
  readonly planEnvironment?: Record<string, string>;
  /** Progress lines for a person watching. */
  readonly onProgress?: (line: string) => void;
}

type IngestHandler = (event: S3Event, context: Context) => Promise<DropStarted[]>;
type MetricsHandler = (event: unknown, context: Context) => Promise<readonly MetricPoint[]>;
type SesEventsHandler = (event: SNSEvent, context: Context) => Promise<void>;
type DigestHandler = (event: ScheduledEvent<{ day?: string }>, context: Context) => Promise<{ day: string; sent: number }>;
type RemindersHandler = (event: ScheduledEvent<{ today?: string }>, context: Context) => Promise<Omit<ReminderRun, 'outcomes'>>;
type RosterHandler = (event: S3Event, context: Context) => Promise<RosterReport[]>;
type ReturnsHandler = (event: S3Event, context: Context) => Promise<WorkListReturnReport[]>;
type PlanHandler = (event: ScheduledEvent, context: Context) => Promise<PlanRun>;
type SweepHandler = (event: ScheduledEvent, context: Context) => Promise<{ ftas: number; rescissions: number }>;
type ReconcileHandler = (event: S3Event, context: Context) => Promise<ReconcileRun>;
export interface PlanRun {
  /** Each AOR's re-plan: backlog, unscheduled, planned in 30 days, first and last day. */
  readonly plans: readonly ReplanOutcome[];
  readonly overdueTasks: Record<string, number>;
  readonly matching: { matched: number; casesWithoutRosterUc: number; rosterUcsWithoutCase: number; leftBacklog: number };
}

/** When set, each local pipeline writes its functions' AWS calls there on stop (one file per pipeline). */
export const RECORD_AWS_CALLS_DIR = 'DOCKET_WATCH_RECORD_AWS_CALLS_DIR';

/** SES's default sending rate out of the sandbox (messages per second), given to the local functions. */
export const LOCAL_SES_MAX_SEND_RATE = 14;
/** Not a secret: the local stack's HMAC key for PII-derived item keys. */
export const LOCAL_PII_KEY_SECRET = 'docket-watch-local-stack-pii-key-0123456789';

/** Lambda retries a failed asynchronous invocation twice (S3 notifications are async). */
const ASYNC_ATTEMPTS = 3;

/**
 * The deployed pipeline's wiring, played on the emulators with the real handler modules:
 * S3 object-created notifications (same prefix and suffix filters) invoke the ingest
 * handler; each fan-out queue is polled like a Lambda event-source mapping (batch size,
 * visibility timeout, partial batch responses, redrive to the DLQ by the queue itself);
 * the metrics schedule is run on demand.
 */
export class LocalPipeline {
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

  private constructor(
    private readonly emulators: Emulators,
    readonly resources: LocalResources,
    private readonly handlers: {
      ingest: IngestHandler;
      roster: RosterHandler;
      returns: ReturnsHandler;
      plan: PlanHandler;
      sqs: Record<FtaQueueName, SqsHandler>;
      chunk: SqsHandler;
      metrics: MetricsHandler;
      digest: DigestHandler;
      reminders: RemindersHandler;
      sweep: SweepHandler;
      sesEvents: SesEventsHandler;
      reconcile: ReconcileHandler;
    },
    private readonly progress: (line: string) => void,
    private readonly options: LocalPipelineOptions,
    /** Every AWS call the functions made, and every email SES accepted (exact raw MIME). */
    private readonly sink: CallSink,
  ) {
    this.s3 = new S3Client({ ...localClientConfig(emulators.endpoints.s3), forcePathStyle: true });
    this.sqs = new SQSClient(localClientConfig(emulators.endpoints.sqs));
  }

  /** Points the handlers at the emulators (environment, as Lambda would set it) and starts the event sources. */
  static async start(emulators: Emulators, resources: LocalResources, options: LocalPipelineOptions): Promise<LocalPipeline> {
    Object.assign(process.env, functionEnvironment(emulators, resources, options));
    // Before the handler modules load: they create their clients at import.
    installRecorder();
    const [ingest, chunk, notify, schedule, metrics, digest, roster, plan, sweep, returns, sesEvents, reconcile, reminders] = await Promise.all([
      import('../../functions/ingest-docket/handler'),
      import('../../functions/ingest-drop-chunk/handler'),
      import('../../functions/notify-orr/handler'),
      import('../../functions/schedule-nta/handler'),
      import('../../functions/compute-metrics/handler'),
      import('../../functions/send-orr-digest/handler'),
      import('../../functions/ingest-roster/handler'),
      import('../../functions/plan-nta/handler'),
      import('../../functions/sweep-outbox/handler'),
      import('../../functions/record-work-list-returns/handler'),
      import('../../functions/record-ses-events/handler'),
      import('../../functions/reconcile-opla/handler'),
      import('../../functions/send-hearing-reminders/handler'),
    ]);
    // Each invocation runs as its function, so the recorder knows whose call it sees.
    const sink: CallSink = { calls: [], emails: [] };
    const as =
      <A extends unknown[], R>(fn: FunctionName, handler: (...args: A) => Promise<R>) =>
      (...args: A): Promise<R> =>
        runAsFunction(fn, sink, () => handler(...args));
    const pipeline = new LocalPipeline(
      emulators,
      resources,
      {
        ingest: as('ingestDocket', ingest.handler),
        roster: as('ingestRoster', roster.handler),
        plan: as('planNta', plan.handler),
        sqs: { orrNotices: as('notifyOrr', notify.handler), ntaSchedule: as('scheduleNta', schedule.handler) },
        chunk: as('ingestDropChunk', chunk.handler),
        metrics: as('computeMetrics', metrics.handler),
        digest: as('sendOrrDigest', digest.handler),
        reminders: as('sendHearingReminders', reminders.handler),
        sesEvents: as('recordSesEvents', sesEvents.handler),
        returns: as('recordWorkListReturns', returns.handler),
        sweep: as('sweepOutbox', sweep.handler),
        reconcile: as('reconcileOpla', reconcile.handler),
      },
      options.onProgress ?? (() => undefined),
      options,
      sink,
    );
    pipeline.unsubscribe = emulators.onS3Event((event) => pipeline.onS3Event(event));
    for (const name of Object.keys(resources.queues) as FtaQueueName[]) {
      const fn = name === 'orrNotices' ? { name: 'notify-orr', ...FUNCTIONS.notifyOrr } : { name: 'schedule-nta', ...FUNCTIONS.scheduleNta };
      pipeline.pollers.push(pipeline.poll(resources.queues[name], pipeline.handlers.sqs[name], fn));
    }
    // The chunk queue's event source: one chunk per invocation (batch size 1), as deployed.
    pipeline.pollers.push(pipeline.poll(resources.chunkQueue, pipeline.handlers.chunk, { name: 'ingest-drop-chunk', ...FUNCTIONS.ingestDropChunk }));
    return pipeline;
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

  /** Runs the metrics function as its EventBridge schedule would (the rule's input is the event). */
  async runScheduledMetrics(schedule: MetricsScheduleName = 'daily'): Promise<readonly MetricPoint[]> {
    const fn = FUNCTIONS.computeMetrics;
    return this.handlers.metrics(
      { cadence: METRICS_SCHEDULES[schedule].cadence },
      lambdaContext('compute-metrics', fn.timeoutSeconds, fn.memoryMb),
    );
  }

  /** Runs the ORR digest function as its daily EventBridge schedule would, for `day` (YYYY-MM-DD). */
  async runScheduledDigest(day: string): Promise<{ day: string; sent: number }> {
    const fn = FUNCTIONS.sendOrrDigest;
    return this.handlers.digest({ ...scheduledEvent('send-orr-digest-daily'), detail: { day } }, lambdaContext('send-orr-digest', fn.timeoutSeconds, fn.memoryMb));
  }

  /**
   * Runs the hearing reminders as their daily EventBridge schedule would, on `today`
   * (YYYY-MM-DD: the run's clock).
   */
  async runScheduledReminders(today: string): Promise<Omit<ReminderRun, 'outcomes'>> {
    const fn = FUNCTIONS.sendHearingReminders;
    return this.handlers.reminders({ ...scheduledEvent('send-hearing-reminders-daily'), detail: { today } }, lambdaContext('send-hearing-reminders', fn.timeoutSeconds, fn.memoryMb));
  }

  /** Runs the outbox sweep as its EventBridge schedule (every few minutes) would. */
  async runScheduledOutboxSweep(): Promise<{ ftas: number; rescissions: number }> {
    const fn = FUNCTIONS.sweepOutbox;
    return this.handlers.sweep(scheduledEvent('sweep-outbox'), lambdaContext('sweep-outbox', fn.timeoutSeconds, fn.memoryMb));
  }

  /**
   * Delivers one SES event (SES event publishing -> SNS) to the record-ses-events function,
   * as the SNS subscription would: the emulator publishes none itself.
   */
  async deliverSesEvent(sesEvent: Record<string, unknown>): Promise<void> {
    const fn = FUNCTIONS.recordSesEvents;
    const event = {
      Records: [
        {
          EventSource: 'aws:sns',
          EventVersion: '1.0',
          EventSubscriptionArn: 'arn:aws:sns:us-east-1:000000000000:ses-events:local',
          Sns: {
            Type: 'Notification', MessageId: 'local', TopicArn: 'arn:aws:sns:us-east-1:000000000000:ses-events', Subject: '',
            Message: JSON.stringify(sesEvent), Timestamp: new Date().toISOString(), SignatureVersion: '1', Signature: '',
            SigningCertUrl: '', UnsubscribeUrl: '', MessageAttributes: {},
          },
        },
      ],
    } as SNSEvent;
    await this.handlers.sesEvents(event, lambdaContext('record-ses-events', fn.timeoutSeconds, fn.memoryMb));
  }

  /** Runs the NTA re-plan function as its weekday EventBridge schedule would. */
  async runScheduledPlan(): Promise<PlanRun> {
    const fn = FUNCTIONS.planNta;
    return this.handlers.plan(scheduledEvent('plan-nta-weekdays'), lambdaContext('plan-nta', fn.timeoutSeconds, fn.memoryMb));
  }

  /** Messages that ended in each DLQ (the chunk queue's too). */
  async deadLetterCounts(): Promise<Record<FtaQueueName | 'dropChunks', number>> {
    const counts = {} as Record<FtaQueueName | 'dropChunks', number>;
    for (const [name, q] of Object.entries(this.resources.queues) as [FtaQueueName, LocalResources['queues'][FtaQueueName]][]) {
      counts[name] = await this.depth(q.dlqUrl);
    }
    counts.dropChunks = await this.depth(this.resources.chunkQueue.dlqUrl);
    return counts;
  }

  /**
   * Each queue's messages, visible, in flight and delayed (what is left to do), and each
   * dead-letter queue's, by the queue's local name.
   */
  async queueDepths(): Promise<Record<string, number>> {
    const depths: Record<string, number> = {};
    for (const q of [...Object.values(this.resources.queues), this.resources.chunkQueue]) {
      depths[q.definition.localName] = await this.depth(q.url, true);
      depths[dlqLocalName(q.definition)] = await this.depth(q.dlqUrl, true);
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
    const r = this.resources;
    const queues = new Map<string, string>([
      ...Object.entries(r.queues).flatMap(([name, q]) => [[q.url, name], [q.dlqUrl, `${name}Dlq`]] as [string, string][]),
      [r.chunkQueue.url, 'dropChunks'],
      [r.chunkQueue.dlqUrl, 'dropChunksDlq'],
    ]);
    const role = (address: string): string => {
      const a = address.toLowerCase();
      if (a === this.options.mailFrom.toLowerCase()) return 'mailFrom';
      if (a === this.options.orrInbox.toLowerCase()) return 'orrInbox';
      if (Object.values(this.options.juvenileCoordinators ?? {}).some((f) => f.toLowerCase() === a)) return 'fojc';
      if ((this.options.digestRecipients ?? []).some((d) => d.toLowerCase() === a)) return 'digestRecipient';
      if (Object.values(this.options.oplaReconciliationRecipients ?? {}).flat().some((o) => o.toLowerCase() === a)) return 'oplaRecipient';
      return `other:${a}`;
    };
    return this.sink.calls.map((c) => {
      const [kind, ...rest] = c.resource.split(':');
      const name = rest.join(':');
      let resource = c.resource;
      if (kind === 'table') {
        const [table, index] = name.split('/index/');
        const logical = table === r.casesTable ? 'cases' : table === r.idempotencyTable ? 'idempotency' : `table:${table}`;
        resource = index === undefined ? logical : `${logical}/index/${index}`;
      }
      else if (kind === 'bucket') resource = name === r.dropBucket ? 'dropBucket' : c.resource;
      else if (kind === 'object') resource = name.startsWith(`${r.dropBucket}/`) ? `dropBucket/${name.slice(r.dropBucket.length + 1)}` : c.resource;
      else if (kind === 'queue') resource = queues.get(name) ?? queues.get(name.replace(/^https?:\/\/[^/]+/, '')) ?? c.resource;
      else if (kind === 'ses-identity') resource = `ses:identity/${role(name)}`;
      const context = c.context === undefined ? undefined : Object.fromEntries(
        Object.entries(c.context).map(([k, v]) => [k, k.startsWith('ses:') ? (Array.isArray(v) ? v.map(role) : role(v as string)) : v]),
      );
      return { ...c, resource, ...(context === undefined ? {} : { context }) };
    });
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
    // The roster notification: prefix rosters/, suffix .csv.
    const rosters = event.Records.filter((r) => {
      const key = decodeURIComponent(r.s3.object.key.replace(/\+/g, ' '));
      return (
        r.eventName.startsWith('ObjectCreated:') &&
        r.s3.bucket.name === this.resources.dropBucket &&
        key.startsWith(ROSTER_DROPS.prefix) &&
        key.endsWith(ROSTER_DROPS.suffix)
      );
    });
    if (rosters.length > 0) {
      this.ingestChain = this.ingestChain.then(() => this.invokeRoster({ Records: rosters }));
    }
    // The work-list return notification: prefix returns/ only, as deployed.
    const returns = event.Records.filter((r) => {
      const key = decodeURIComponent(r.s3.object.key.replace(/\+/g, ' '));
      return r.eventName.startsWith('ObjectCreated:') && r.s3.bucket.name === this.resources.dropBucket && key.startsWith(WORK_LIST_RETURNS.prefix);
    });
    if (returns.length > 0) {
      this.ingestChain = this.ingestChain.then(() => this.invokeReturns({ Records: returns }));
    }
    // The reconciliation's two notifications: prefix opla/; prefix reports/drops/ with suffix /report.json.
    const reconcile = event.Records.filter((r) => {
      const key = decodeURIComponent(r.s3.object.key.replace(/\+/g, ' '));
      return (
        r.eventName.startsWith('ObjectCreated:') &&
        r.s3.bucket.name === this.resources.dropBucket &&
        (key.startsWith(OPLA_RECONCILIATION.prefix) || (key.startsWith(OPLA_RECONCILIATION.dropReportPrefix) && key.endsWith(OPLA_RECONCILIATION.dropReportSuffix)))
      );
    });
    if (reconcile.length > 0) {
      this.ingestChain = this.ingestChain.then(() => this.invokeReconcile({ Records: reconcile }));
    }
    // The bucket notification filters of the deployed stack: prefix only (the handler tells markers by name).
    const records = event.Records.filter((r) => {
      const key = decodeURIComponent(r.s3.object.key.replace(/\+/g, ' '));
      return (
        r.eventName.startsWith('ObjectCreated:') &&
        r.s3.bucket.name === this.resources.dropBucket &&
        INGEST_TRIGGERS.some((t) => key.startsWith(t.prefix))
      );
    });
    if (records.length > 0) {
      const key = records[0]?.s3.object.key ?? '';
      this.ingestChain = this.ingestChain.then(() => this.invokeIngest({ Records: records }, key));
    }
    this.wake();
  }

  private async invokeIngest(event: S3Event, key: string): Promise<void> {
    const fn = FUNCTIONS.ingestDocket;
    const decoded = decodeURIComponent(key.replace(/\+/g, ' '));
    const starts = dropTriggeredBy(decoded, { drops: DROP_BUCKET.dropPrefix, unpacked: DROP_BUCKET.unpackedPrefix }) !== undefined;
    if (starts) this.progress(`ingest: ${decoded} landed, ingesting the drop`);
    for (let attempt = 1; attempt <= ASYNC_ATTEMPTS; attempt++) {
      this.invocationStarted();
      try {
        const started = await this.handlers.ingest(event, lambdaContext('ingest-docket', fn.timeoutSeconds, fn.memoryMb));
        for (const s of started) {
          if (s.kind === 'ingested') {
            const r = s.report;
            this.ingestReports.push(r);
            this.progress(`ingest: drop ${r.dropId}: ${r.ftas.new} new FTA(s), ${r.ftas.repeated} repeated, ${r.ucCasesMarked} UC case(s) marked`);
          } else if (s.kind === 'unpacked') {
            this.progress(
              s.duplicate
                ? `ingest: zip drop ${s.dropId} was unpacked by this event already`
                : `ingest: zip drop ${s.dropId} unpacked: ${s.tables} table(s), ${s.bytes} bytes, into ${s.folder}; ${s.marker.replace(/^.*\//, '')} starts its ingest`,
            );
          } else if (s.report !== null) {
            this.ingestReports.push(s.report);
            this.progress(`ingest: drop ${s.dropId}: run ${s.runId} had finished already (a duplicate event)`);
          } else {
            if (!this.fannedOut.some((f) => f.runId === s.runId)) this.fannedOut.push({ dropId: s.dropId, runId: s.runId, key });
            this.progress(`ingest: drop ${s.dropId} fanned out: ${s.chunks} chunk(s) to the chunk queue, in stages`);
          }
        }
        return;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        this.progress(`ingest: attempt ${attempt} failed: ${message}`);
        if (attempt === ASYNC_ATTEMPTS) this.ingestFailures.push({ key, error: message });
      } finally {
        this.invocationEnded();
      }
    }
  }

  private async invokeReturns(event: S3Event): Promise<void> {
    const fn = FUNCTIONS.recordWorkListReturns;
    const key = decodeURIComponent(event.Records[0]?.s3.object.key ?? '');
    this.progress(`record-work-list-returns: ${key} landed, recording the outcomes`);
    for (let attempt = 1; attempt <= ASYNC_ATTEMPTS; attempt++) {
      this.invocationStarted();
      try {
        const reports = await this.handlers.returns(event, lambdaContext('record-work-list-returns', fn.timeoutSeconds, fn.memoryMb));
        this.returnReports.push(...reports);
        for (const r of reports) {
          this.progress(`record-work-list-returns: ${r.objectKey}: ${r.rows.accepted} accepted, ${r.rows.rejected} rejected, ${r.rowsWithoutOutcome} without outcome`);
        }
        return;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        this.progress(`record-work-list-returns: attempt ${attempt} failed: ${message}`);
        if (attempt === ASYNC_ATTEMPTS) this.ingestFailures.push({ key, error: message });
      } finally {
        this.invocationEnded();
      }
    }
  }

  private async invokeReconcile(event: S3Event): Promise<void> {
    const fn = FUNCTIONS.reconcileOpla;
    const key = decodeURIComponent(event.Records[0]?.s3.object.key ?? '');
    this.progress(`reconcile-opla: ${key} landed, reconciling DOJ FTAs with OPLA's list`);
    for (let attempt = 1; attempt <= ASYNC_ATTEMPTS; attempt++) {
      this.invocationStarted();
      try {
        const run = await this.handlers.reconcile(event, lambdaContext('reconcile-opla', fn.timeoutSeconds, fn.memoryMb));
        this.reconcileRuns.push(run);
        for (const i of run.ingested) this.progress(`reconcile-opla: OPLA export ${i.exportId}: ${i.rows.accepted} accepted, ${i.rows.rejected} rejected`);
        const r = run.reconciliation;
        if (r !== null) {
          this.progress(`reconcile-opla: export ${r.exportId} vs drop ${r.dropId ?? 'none'}: ${r.totals.missingFromOpla} missing from OPLA, ${r.totals.unsupported} unsupported, ${r.totals.matched} matched`);
        }
        return;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        this.progress(`reconcile-opla: attempt ${attempt} failed: ${message}`);
        if (attempt === ASYNC_ATTEMPTS) this.ingestFailures.push({ key, error: message });
      } finally {
        this.invocationEnded();
      }
    }
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

  private async invokeRoster(event: S3Event): Promise<void> {
    const fn = FUNCTIONS.ingestRoster;
    const key = decodeURIComponent(event.Records[0]?.s3.object.key ?? '');
    this.progress(`ingest-roster: ${key} landed, ingesting the roster`);
    for (let attempt = 1; attempt <= ASYNC_ATTEMPTS; attempt++) {
      this.invocationStarted();
      try {
        const reports = await this.handlers.roster(event, lambdaContext('ingest-roster', fn.timeoutSeconds, fn.memoryMb));
        this.rosterReports.push(...reports);
        for (const r of reports) {
          this.progress(`ingest-roster: roster ${r.rosterId}: ${r.rows.accepted} accepted, ${r.rows.rejected} rejected, ${r.ucs.BACKLOG} in the NTA backlog`);
        }
        return;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        this.progress(`ingest-roster: attempt ${attempt} failed: ${message}`);
        if (attempt === ASYNC_ATTEMPTS) this.ingestFailures.push({ key, error: message });
      } finally {
        this.invocationEnded();
      }
    }
  }

  /**
   * An SQS event source: receive a batch, invoke the handler, delete what succeeded (partial
   * batch responses). The emulator answers a long poll only when it holds MaxNumberOfMessages
   * or the wait is over, so a batch is taken in two receives: a long poll for one message
   * (answered as soon as one is there), then whatever else is waiting, up to the batch size,
   * without a wait. A message is handled within milliseconds of its sending, as a Lambda
   * event source without a batching window would (deployed, the FTA queues wait up to their
   * window to fill a batch; the handlers take any batch size).
   */
  private async poll(queue: LocalQueue, handler: SqsHandler, fn: { name: string; timeoutSeconds: number; memoryMb: number }): Promise<void> {
    const fnName = fn.name;
    const batchSize = Math.min(10, queue.definition.batchSize);
    const receive = (max: number, waitSeconds: number) =>
      this.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queue.url, MaxNumberOfMessages: max, WaitTimeSeconds: waitSeconds, MessageSystemAttributeNames: ['All'] }),
      );
    while (!this.stopped) {
      let first: Message[];
      try {
        first = (await receive(1, 1)).Messages ?? [];
      } catch {
        // The emulator is unreachable (stopping, or a fault test's outage): try again shortly.
        await sleep(100);
        continue;
      } finally {
        // A receive can move a message to its DLQ (maxReceiveCount): a drain looks again.
        this.wake();
      }
      if (first.length === 0) continue;
      this.invocationStarted();
      try {
        const rest = batchSize > 1 ? await receive(batchSize - 1, 0).then((out) => out.Messages ?? [], () => []) : [];
        const event = sqsEvent([...first, ...rest], queue.arn);
        let failed = new Set<string>();
        try {
          const response = await handler(event, lambdaContext(fnName, fn.timeoutSeconds, fn.memoryMb));
          failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
        } catch (err) {
          // A thrown handler fails the whole batch: every message returns after the visibility timeout.
          failed = new Set(event.Records.map((r) => r.messageId));
          this.progress(`${fnName}: batch failed: ${err instanceof Error ? err.message : String(err)}`);
        }
        const done = event.Records.filter((r) => !failed.has(r.messageId));
        if (failed.size > 0) this.progress(`${fnName}: ${failed.size} message(s) will be retried`);
        if (done.length > 0) {
          await this.sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: queue.url,
              Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
            }),
          );
          this.processed[fnName] = (this.processed[fnName] ?? 0) + done.length;
        }
      } finally {
        this.invocationEnded();
      }
    }
  }

  private async queuedMessages(): Promise<number> {
    let total = 0;
    for (const q of [...Object.values(this.resources.queues), this.resources.chunkQueue]) total += await this.depth(q.url, true);
    return total;
  }

  private async depth(url: string, includeInFlight = false): Promise<number> {
    const out = await this.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
      }),
    );
    const a = out.Attributes ?? {};
    const visible = Number(a.ApproximateNumberOfMessages ?? 0);
    return includeInFlight
      ? visible + Number(a.ApproximateNumberOfMessagesNotVisible ?? 0) + Number(a.ApproximateNumberOfMessagesDelayed ?? 0)
      : visible;
  }

  get endpoints(): Emulators['endpoints'] {
    return this.emulators.endpoints;
  }
}

/** The environment Lambda gives the functions, pointed at the emulators. */
export function functionEnvironment(emulators: Emulators, resources: LocalResources, options: LocalPipelineOptions): Record<string, string> {
  return {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: emulators.endpoints.dynamodb,
    AWS_ENDPOINT_URL_SQS: emulators.endpoints.sqs,
    AWS_ENDPOINT_URL_S3: emulators.endpoints.s3,
    AWS_ENDPOINT_URL_SES: emulators.endpoints.ses,
    [ENV.s3ForcePathStyle]: 'true',
    [ENV.casesTable]: resources.casesTable,
    [ENV.idempotencyTable]: resources.idempotencyTable,
    [ENV.dropBucket]: resources.dropBucket,
    [ENV.orrNoticeQueueUrl]: resources.queues.orrNotices.url,
    [ENV.ntaScheduleQueueUrl]: resources.queues.ntaSchedule.url,
    [ENV.dropChunkQueueUrl]: resources.chunkQueue.url,
    [ENV.orrInbox]: options.orrInbox,
    [ENV.mailFrom]: options.mailFrom,
    // SES's default production quota: the emulator never answers GetSendQuota.
    [ENV.sesMaxSendRate]: String(LOCAL_SES_MAX_SEND_RATE),
    // The local HMAC key of PII-derived item keys (deployed: a Secrets Manager secret).
    [ENV.piiKeySecret]: LOCAL_PII_KEY_SECRET,
    [ENV.reverifyDueBusinessDays]: String(options.reverifyDueBusinessDays ?? 10),
    [ENV.juvenileCoordinators]: JSON.stringify(options.juvenileCoordinators ?? {}),
    [ENV.digestRecipients]: JSON.stringify((options.digestRecipients ?? []).map((address) => ({ address }))),
    [ENV.oplaReconciliationRecipients]: JSON.stringify(options.oplaReconciliationRecipients ?? {}),
    [ENV.reminderHorizonDays]: (options.reminderHorizonDays ?? DEFAULT_REMINDER_HORIZONS).join(','),
    // Local queues retry in seconds (--visibility-timeout), not minutes: the deployed 600 s
    // grace would dead-letter every unconfirmed notice unsent. Half the local retry window.
    [ENV.unconfirmedGraceSeconds]: String(Math.max(1, Math.floor(unconfirmedGraceBoundSeconds(resources.queues.orrNotices.visibilityTimeoutSeconds) / 2))),
    ...(options.chunkBytes === undefined ? {} : { [ENV.ingestChunkBytes]: String(options.chunkBytes) }),
    ...((options.fanOutBytes ?? options.chunkBytes) === undefined ? {} : { [ENV.ingestFanOutBytes]: String(options.fanOutBytes ?? options.chunkBytes) }),
    ...options.planEnvironment,
  };
}
