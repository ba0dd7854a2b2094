/**
 * The one definition of Docket Watch's AWS resources: table keys and indexes, queue
 * settings, event-source settings, schedules and the environment variable names that
 * carry resource names into the functions.
 *
 * Both the CDK app (infra/) and the local stack behind `npm start` and the tests
 * (infra/local/) build their resources from these objects, so the two cannot drift.
 * Deployed resources get CloudFormation-generated physical names; `localName` is used
 * only on the emulators.
 */

/** Environment variable names read by the functions (shared/runtime/config.ts). */
export const ENV = {
  casesTable: 'CASES_TABLE_NAME',
  idempotencyTable: 'IDEMPOTENCY_TABLE_NAME',
  dropBucket: 'DROP_BUCKET_NAME',
  orrNoticeQueueUrl: 'ORR_NOTICE_QUEUE_URL',
  ntaScheduleQueueUrl: 'NTA_SCHEDULE_QUEUE_URL',
  orrInbox: 'ORR_INBOX_ADDRESS',
  mailFrom: 'MAIL_FROM_ADDRESS',
  reverifyDueBusinessDays: 'REVERIFY_DUE_BUSINESS_DAYS',
  s3ForcePathStyle: 'S3_FORCE_PATH_STYLE',
  /** ORR notifier: JSON object AOR -> Field Office Juvenile Coordinator address (copied on notices). */
  juvenileCoordinators: 'FOJC_ADDRESSES_JSON',
  /** ORR notifier: SES configuration set (TLS required, event destinations); unset on the emulator. */
  sesConfigurationSet: 'SES_CONFIGURATION_SET',
  /** ORR notifier: seconds an unconfirmed send blocks a resend (see README, Delivery guarantees). */
  unconfirmedGraceSeconds: 'NOTICE_UNCONFIRMED_GRACE_SECONDS',
  /** ORR notifier: domain of SES-assigned Message-IDs (email.amazonses.com in us-east-1, <region>.amazonses.com elsewhere). */
  sesMessageIdDomain: 'SES_MESSAGE_ID_DOMAIN',
  /** ORR digest: JSON array of { address, aors? } recipients of the daily digest; [] for none. */
  digestRecipients: 'DIGEST_RECIPIENTS_JSON',
  /** Ingest: tables larger than this many bytes are read in byte ranges (optional). */
  ingestChunkBytes: 'INGEST_CHUNK_BYTES',
  /** Ingest: byte ranges read at the same time (optional). */
  ingestParallelChunks: 'INGEST_PARALLEL_CHUNKS',
  /** Ingest: a drop with a range-readable table larger than this many bytes is fanned out to chunk workers (optional). */
  ingestFanOutBytes: 'INGEST_FAN_OUT_BYTES',
  /** Ingest and chunk worker: the drop chunk queue. */
  dropChunkQueueUrl: 'DROP_CHUNK_QUEUE_URL',
  /** NTA plan: service slots per business day in each AOR (issue 5). */
  ntaSlotsPerDay: 'NTA_SLOTS_PER_DAY',
  /** NTA plan: per-AOR overrides, JSON such as {"HOU":40,"SPM":5}. */
  ntaSlotsByAor: 'NTA_SLOTS_BY_AOR',
  /** NTA plan: comma-separated priority keys (shared/domain/nta-plan.ts PRIORITY_KEYS). */
  ntaPriorityOrder: 'NTA_PRIORITY_ORDER',
  /** NTA plan: business days of work lists written ahead. */
  ntaWorkListDays: 'NTA_WORK_LIST_DAYS',
  /** HMAC key of the PII-derived DynamoDB keys (shared/adapters/cases-table/pii-keys.ts); a secret, never in the table. */
  piiKeySecret: 'PII_KEY_SECRET',
  /**
   * Deployed: the ARN of the Secrets Manager secret holding that HMAC key (the data stack's
   * PiiKeySecret), read once per cold start; set on the functions that build such keys.
   */
  piiKeySecretArn: 'PII_KEY_SECRET_ARN',
  /**
   * ORR notifier and digest: the account's SES MaxSendRate (messages per second), when known
   * from configuration; GetSendQuota is not called then. Set by the local stack (the SES
   * emulator never answers GetSendQuota).
   */
  sesMaxSendRate: 'SES_MAX_SEND_RATE',
  /** OPLA reconciliation: JSON object AOR -> [OPLA and ERO addresses] that get that AOR's reconciliation email. */
  oplaReconciliationRecipients: 'OPLA_RECONCILIATION_RECIPIENTS_JSON',
  /** Hearing reminders: comma-separated days before a hearing a reminder goes out (default 14,3). */
  reminderHorizonDays: 'REMINDER_HORIZON_DAYS',
} as const;

export type AttributeTypeName = 'S' | 'N';

export interface KeyDefinition {
  readonly name: string;
  readonly type: AttributeTypeName;
}

export interface TableDefinition {
  readonly localName: string;
  readonly partitionKey: KeyDefinition;
  readonly sortKey?: KeyDefinition;
  readonly timeToLiveAttribute?: string;
  readonly globalSecondaryIndexes: readonly {
    readonly indexName: string;
    readonly partitionKey: KeyDefinition;
    readonly sortKey?: KeyDefinition;
  }[];
}

/**
 * The case store: one table, items grouped by case (`pk = CASE#<IDNCASE>`), plus drop
 * reports (`pk = DROP#<dropId>`) and aggregates (`pk = AGG#...`). See
 * shared/adapters/cases-table/dynamo-case-store.ts for every item shape.
 *
 * `outbox` is a sparse index: an FTA carries `outboxPk` only until it has been handed
 * to every fan-out queue, so unpublished FTAs can be found and re-sent after a crash.
 */
export const CASES_TABLE: TableDefinition = {
  localName: 'docket-watch-cases',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalSecondaryIndexes: [
    {
      indexName: 'outbox',
      partitionKey: { name: 'outboxPk', type: 'S' },
      sortKey: { name: 'outboxSk', type: 'S' },
    },
    {
      indexName: 'hearingsByDay',
      partitionKey: { name: 'hearingDay', type: 'S' },
      sortKey: { name: 'pk', type: 'S' },
    },
  ],
};

/**
 * The sparse index of upcoming hearings by day: a case's UPCOMING_HEARING item carries
 * `hearingDay` only while the hearing is ahead (shared/adapters/cases-table/dynamo-upcoming-hearings.ts).
 */
export const HEARINGS_BY_DAY_INDEX = 'hearingsByDay';

/** Powertools idempotency records (its default key `id`, expiry in `expiration`). */
export const IDEMPOTENCY_TABLE: TableDefinition = {
  localName: 'docket-watch-idempotency',
  partitionKey: { name: 'id', type: 'S' },
  timeToLiveAttribute: 'expiration',
  globalSecondaryIndexes: [],
};

export interface QueueDefinition {
  readonly id: string;
  readonly localName: string;
  /** Must be at least the consuming function's timeout (AWS requires >= timeout). */
  readonly visibilityTimeoutSeconds: number;
  /** Receives before SQS moves a message to the DLQ. */
  readonly maxReceiveCount: number;
  /**
   * Days a message is kept. A message moved to the DLQ keeps its original enqueue time, so
   * the DLQ must keep messages longer than its source queue (AWS advises it), or a dead
   * letter can expire before anyone redrives it: 7 days here, 14 (SQS's maximum) in the DLQ.
   */
  readonly retentionDays: number;
  readonly dlqRetentionDays: number;
  /** Lambda event-source mapping: records per invocation. */
  readonly batchSize: number;
  /** Lambda event-source mapping: wait this long to fill a batch. */
  readonly maxBatchingWindowSeconds: number;
}

/** Every new FTA is sent to each of these queues (the fan-out). */
export const FTA_QUEUES = {
  orrNotices: {
    id: 'OrrNoticeQueue',
    localName: 'docket-watch-orr-notices',
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    retentionDays: 7,
    dlqRetentionDays: 14,
    batchSize: 10,
    maxBatchingWindowSeconds: 5,
  },
  ntaSchedule: {
    id: 'NtaScheduleQueue',
    localName: 'docket-watch-nta-schedule',
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    retentionDays: 7,
    dlqRetentionDays: 14,
    batchSize: 10,
    maxBatchingWindowSeconds: 5,
  },
} as const satisfies Record<string, QueueDefinition>;

export type FtaQueueName = keyof typeof FTA_QUEUES;

/**
 * The drop chunk queue: one message per byte range of a big drop (shared/messages/
 * drop-chunk.ts), consumed by the chunk worker (`ingest-drop-chunk`), one chunk per
 * invocation. The visibility timeout is six times the worker's timeout, as AWS advises
 * for SQS event sources (a throttled or retried batch must not reappear while it runs);
 * a chunk that fails 3 times waits in the DLQ (alarmed) for a redrive.
 */
export const DROP_CHUNK_QUEUE = {
  id: 'DropChunkQueue',
  localName: 'docket-watch-drop-chunks',
  visibilityTimeoutSeconds: 6 * 900,
  maxReceiveCount: 3,
  retentionDays: 7,
  dlqRetentionDays: 14,
  batchSize: 1,
  maxBatchingWindowSeconds: 0,
} as const satisfies QueueDefinition;

/**
 * Chunk workers running at once (the event source's maximum concurrency): what DynamoDB
 * on-demand absorbs without throttling from a new table's baseline (4,000 writes/s), at
 * ~300 writes/s per worker, with Lambda's account concurrency (1,000 by default) left for
 * the rest of the pipeline.
 */
export const DROP_CHUNK_WORKERS = { maxConcurrency: 10 } as const;

/** Default chunking: 256 MiB byte ranges; a drop fans out when a table is larger than 512 MiB. */
export const INGEST_CHUNKING = { chunkBytes: 256 * 1024 * 1024, parallelChunks: 4, fanOutBytes: 512 * 1024 * 1024 } as const;

/**
 * NOTICE_UNCONFIRMED_GRACE_SECONDS must stay below this (exclusive) for the ORR notice
 * queue: a notice whose send is unconfirmed (outcome unknown) is resent by the first
 * delivery after the grace, and the deliveries of a message come one visibility timeout
 * apart, the last at (maxReceiveCount - 1) x visibility after the first. A longer grace
 * sends the message to the DLQ unsent. Deployed: 600 s < 4 x 180 s = 720 s.
 */
export function unconfirmedGraceBoundSeconds(visibilityTimeoutSeconds: number = FTA_QUEUES.orrNotices.visibilityTimeoutSeconds): number {
  return (FTA_QUEUES.orrNotices.maxReceiveCount - 1) * visibilityTimeoutSeconds;
}

/**
 * Where a drop's ingest goes when it still fails after Lambda's two retries of the
 * asynchronous S3 invocation (the on-failure destination): the S3 event waits there, with
 * the error, for a person to fix the cause and re-run it. Alarmed as soon as it is not empty.
 */
export const INGEST_FAILURES = {
  id: 'IngestFailureQueue',
  localName: 'docket-watch-ingest-failures',
  retentionDays: 14,
  /** Lambda's own retries of an asynchronous invocation (0-2). */
  asyncRetryAttempts: 2,
} as const;

/** Dead-letter queues are named after their source queue. */
export const dlqLocalName = (queue: QueueDefinition): string => `${queue.localName}-dlq`;

export const DROP_BUCKET = {
  localName: 'docket-watch-drops',
  /** DOJ drops land under this prefix: `drops/<dropId>/<table>.csv`. */
  dropPrefix: 'drops/',
  /**
   * A folder drop is processed when its completion marker lands: EOIR's `Count.txt` (upload
   * it last), or an empty `READY` object for drops without one, in any letter case
   * (`COUNT.TXT`, `count.txt`), at the drop's top or one folder down (a release copied as a
   * folder: `EOIR Case Data/Count.txt`). A zip drop (`drops/<dropId>.zip`, `.ZIP`) is
   * complete when the object lands (S3 writes an object atomically).
   *
   * S3 notification filters match a key's prefix and suffix exactly, letter case included,
   * and cannot say "any case" (Count.txt alone has 2^9 spellings). So every object created
   * under the prefix invokes the ingest, and the function tells markers from the rest by
   * name (`dropTriggeredBy` in shared/adapters/s3-docket-source.ts), returning at once for
   * a table file: one short invocation per uploaded file (a release has about 100), never a
   * drop missed for the case of its marker.
   */
  markerNames: ['count.txt', 'ready'],
  /**
   * A zip drop with a table too big to read from the zip in one invocation is unpacked by
   * the ingest into `unpacked/<dropId>/` (the same drop id), and read from there as a
   * folder drop. Written by the ingest only: nothing writes under `drops/`, DOJ's copy.
   */
  unpackedPrefix: 'unpacked/',
  /** Reports' long lists (files not read, quarantine parts): `reports/drops/<dropId>/<runId>/<list>.json`. */
  reportPrefix: 'reports/drops/',
  /** Rejected rows of each drop: `quarantine/<dropId>/<table>/<part>.tsv`. */
  quarantinePrefix: 'quarantine/',
} as const;

/**
 * The S3 notifications that invoke the docket ingest: every object created under the drop
 * and unpacked prefixes (no suffix filter: see DROP_BUCKET.markerNames); the function
 * starts an ingest only for a completion marker or a zip drop.
 */
export const INGEST_TRIGGERS: readonly { readonly prefix: string }[] = [{ prefix: DROP_BUCKET.dropPrefix }, { prefix: DROP_BUCKET.unpackedPrefix }];

/**
 * UC rosters land in the drop bucket as `rosters/<rosterId>/<name>.csv`; each such object
 * invokes the roster ingest (its own S3 notification: prefix and suffix filter).
 * The plan's outputs go to the same bucket, under prefixes no notification watches.
 */
export const ROSTER_DROPS = {
  prefix: 'rosters/',
  suffix: '.csv',
  workListPrefix: 'worklists/',
  quarantinePrefix: 'quarantine/',
  reportPrefix: 'reports/',
} as const;

/**
 * Work lists come back from the field offices as `returns/<AOR>/<file>.xlsx|.csv` in the drop
 * bucket; each object invokes the return recorder. The notification filters on the prefix
 * only: S3 suffix filters match letter case exactly, and an office saves `.XLSX` as often
 * as `.xlsx` (the function takes both and says why it ignores anything else).
 */
export const WORK_LIST_RETURNS = {
  prefix: 'returns/',
  quarantinePrefix: 'quarantine/returns/',
  reportPrefix: 'reports/returns/',
} as const;

/**
 * OPLA's FTA list lands as `opla/<export id>/fta-list.csv`; each object under the prefix
 * invokes the reconciliation function (prefix filter only: an export saved as `.CSV` is
 * still read; the function ignores, with a log line, what is not a CSV one folder down).
 * The same function runs after each drop: the drop's finish writes its report to
 * `reports/drops/<dropId>/<runId>/report.json` (dropReportSuffix), whose notification
 * invokes it. Its outputs go under prefixes no notification watches.
 */
export const OPLA_RECONCILIATION = {
  prefix: 'opla/',
  dropReportPrefix: DROP_BUCKET.reportPrefix,
  dropReportSuffix: '/report.json',
  quarantinePrefix: 'quarantine/opla/',
  ingestReportPrefix: 'reports/opla/',
  reportPrefix: 'reports/reconciliation/',
} as const;

/** EventBridge schedule of the daily NTA re-plan (10:00 UTC, before field offices open). */
export const NTA_PLAN_SCHEDULES = {
  weekdays: 'cron(0 10 ? * MON-FRI *)',
} as const;

/** Function settings both sides use (the local runner enforces nothing it cannot emulate). */
export const FUNCTIONS = {
  ingestDocket: { timeoutSeconds: 900, memoryMb: 1024 },
  // Same memory as the ingest: both run under INGEST_HEAP_MB.
  ingestDropChunk: { timeoutSeconds: 900, memoryMb: 1024 },
  notifyOrr: { timeoutSeconds: 60, memoryMb: 256 },
  scheduleNta: { timeoutSeconds: 60, memoryMb: 256 },
  computeMetrics: { timeoutSeconds: 120, memoryMb: 256 },
  sendOrrDigest: { timeoutSeconds: 300, memoryMb: 256 },
  sendHearingReminders: { timeoutSeconds: 600, memoryMb: 512 },
  recordSesEvents: { timeoutSeconds: 30, memoryMb: 256 },
  ingestRoster: { timeoutSeconds: 900, memoryMb: 1024 },
  planNta: { timeoutSeconds: 900, memoryMb: 1024 },
  sweepOutbox: { timeoutSeconds: 120, memoryMb: 256 },
  recordWorkListReturns: { timeoutSeconds: 300, memoryMb: 1024 },
  // Reads every FTA (32,000+ nationally) and the OPLA export whole, writes an xlsx.
  reconcileOpla: { timeoutSeconds: 600, memoryMb: 1024 },
} as const;

/**
 * EventBridge schedule of the outbox sweep: FTAs and rescissions stored but not yet queued
 * (a queue outage during an ingest) go out within minutes, even if no drop ever comes again.
 * Each ingest sweeps too, first thing.
 */
export const OUTBOX_SWEEP_SCHEDULE = { expression: 'rate(5 minutes)' } as const;

/**
 * The V8 old-space cap (`--max-old-space-size`, MB) of the docket ingest and its chunk
 * worker: 3/4 of the function's memory. Their live memory is bounded (npm run bench
 * measures it under this very cap), so V8 must collect instead of growing RSS with the file.
 */
export const INGEST_HEAP_MB = Math.floor(FUNCTIONS.ingestDocket.memoryMb * 0.75);

/**
 * SES pacing: the notifier runs at most `maxConcurrency` instances (its SQS event source),
 * each using `rateShare` of the account's MaxSendRate; the digest uses `digestRateShare`.
 * 2 x 0.4 + 0.2 = 1.0: together they stay within the quota.
 */
export const ORR_SENDING = { maxConcurrency: 2, rateShare: 0.4, digestRateShare: 0.2 } as const;
/** The hearing reminders run after the digest (REMINDER_SCHEDULE), so they may use the digest's share. */
export const REMINDER_RATE_SHARE = ORR_SENDING.digestRateShare;

/**
 * EventBridge schedule of the hearing reminders (daily, 07:00 UTC: after the digest, before
 * ORR's day starts). `{ "today": "YYYY-MM-DD" }` in the event's detail runs another day.
 */
export const REMINDER_SCHEDULE = { cron: { minute: '0', hour: '7' } } as const;

/** EventBridge schedule of the optional ORR daily digest (06:00 UTC: the previous UTC day's FTAs). */
export const DIGEST_SCHEDULE = { cron: { minute: '0', hour: '6' } } as const;

/**
 * EventBridge schedules of the metrics function. Each rule passes `{ cadence }` as the
 * event: hourly publishes the alarm signals, daily every metric (HOURLY_METRICS in
 * shared/domain/program-metrics.ts). The expressions can be overridden at deploy time
 * (`-c metricsHourly=... -c metricsDaily=...`).
 */
export const METRICS_SCHEDULES = {
  hourly: { cadence: 'hourly', expression: 'rate(1 hour)' },
  daily: { cadence: 'daily', expression: 'cron(15 6 * * ? *)' },
} as const satisfies Record<string, { cadence: 'hourly' | 'daily'; expression: string }>;

export type MetricsScheduleName = keyof typeof METRICS_SCHEDULES;

/** Thresholds of the program-metric alarms (pipeline stack). */
export const METRICS_ALARMS = {
  /** EOIR drops are expected daily: alarm when none has landed for this long. */
  lateDropHours: 36,
  /** Alarm when more than this share of the last drop's rows were rejected. */
  rejectedRowsSharePercent: 5,
} as const;

/** Metric namespace in CloudWatch. */
export const METRICS_NAMESPACE = 'DocketWatch';
