/**
 * The one definition of Docket Watch's AWS resources: table keys and indexes, queue
 * settings, event-source settings, schedules and the environment variable names that
 * carry resource names into the functions.
 *
 * Both the CDK app (infra/) and the local stack behind `npm start` and the tests
 * (infra/local/) build their resources from these objects, so the two cannot drift.
 * Deployed resources get CloudFormation-generated physical names; `localName` is used
 * only on the emulators. Split by concern, imported from here: this file (environment,
 * tables, queues, functions), bucket-layout.ts (the drop bucket's prefixes and the S3
 * notifications), schedules.ts (EventBridge schedules and alarm thresholds).
 */

export * from './bucket-layout';
export * from './schedules';

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
  /** ORR notifier: seconds an unconfirmed send blocks a resend (docs/delivery-guarantees.md). */
  unconfirmedGraceSeconds: 'NOTICE_UNCONFIRMED_GRACE_SECONDS',
  /** ORR notifier: domain of SES-assigned Message-IDs (email.amazonses.com in us-east-1, <region>.amazonses.com elsewhere). */
  sesMessageIdDomain: 'SES_MESSAGE_ID_DOMAIN',
  /** ORR digest: JSON array of { address, aors? } recipients of the daily digest; [] for none. */
  digestRecipients: 'DIGEST_RECIPIENTS_JSON',
  /** Ingest: tables larger than this many bytes are read in byte ranges (optional). */
  ingestChunkBytes: 'INGEST_CHUNK_BYTES',
  /** Ingest: byte ranges read at the same time (optional). */
  ingestParallelChunks: 'INGEST_PARALLEL_CHUNKS',
  /** Ingest: keys and cases a run read inline keeps in memory for its finish step, the rest in the drop ledger (optional). */
  ingestFinishNotesInMemory: 'INGEST_FINISH_NOTES_IN_MEMORY',
  /** Ingest: a drop with a range-readable table larger than this many bytes is fanned out to chunk workers (optional). */
  ingestFanOutBytes: 'INGEST_FAN_OUT_BYTES',
  /** Ingest and chunk worker: the drop chunk queue. */
  dropChunkQueueUrl: 'DROP_CHUNK_QUEUE_URL',
  /** NTA plan: service slots per business day in each AOR. */
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
  /**
   * Email-sending functions: the SES mailer's backoff base and cap in ms (optional; unset
   * deployed, so the mailer's own SES_BACKOFF applies). The local stack's fault tests
   * shorten them, so a notice retried past the mailer does not wait seconds.
   */
  sesBackoffBaseMs: 'SES_BACKOFF_BASE_MS',
  sesBackoffCapMs: 'SES_BACKOFF_CAP_MS',
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
    // Each notifier paces its sends (ORR_SENDING): what an invocation spends besides them
    // (reading the batch's first cases, the ledger writes after its last send) is spent once
    // per batch, so a bigger batch keeps the pace. 50 notices take 3.6 s at 14/s (4.5 s at the
    // 80% the other senders leave at the least, 9 s with two notifiers sharing that), well
    // inside the function's timeout; a notice the pacing cannot send in time goes back to
    // the queue (NOTIFIER_SEND_MARGIN_MS). Over 10 needs a batching window of 1 s at the
    // least (Lambda's rule): 1 s, so a notice waits at most a second for its batch to fill
    // (5 s until 2026-11-30; the notifiers' instances share one pool of slots, so a smaller
    // batch no longer leaves the rate unused).
    batchSize: 50,
    maxBatchingWindowSeconds: 1,
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
 * The V8 old-space cap (`--max-old-space-size`, MB) of the docket ingest and its chunk
 * worker: 3/4 of the function's memory. Their live memory is bounded (npm run bench
 * measures it under this very cap), so V8 must collect instead of growing RSS with the file.
 */
export const INGEST_HEAP_MB = Math.floor(FUNCTIONS.ingestDocket.memoryMb * 0.75);

/**
 * SES pacing. Every sender of the account (the ORR notifiers, the digest, the hearing
 * reminders, the OPLA reconciliation) takes each send's slot from one pool in the cases
 * table (`slotPool`, dynamo-notice-send-slots.ts), one slot per recipient per
 * 1 / MaxSendRate (SES counts recipients): together they stay within the account's quota
 * whatever runs at once (shares fixed per sender went over it when two of the lesser
 * senders overlapped the notifiers, and left a fifth of the rate unused whenever none of
 * them was sending). The notifiers (at most `maxConcurrency` instances, their SQS event
 * source) may use all of it (`rateShare` 1); the others pace themselves at
 * `digestRateShare` as well. FTA notices come first: a mailer holds at most
 * SLOTS_HELD_AHEAD_MS (1 s) of the pool ahead, so while notices are backlogged another
 * sender's send waits about a second per notifier instance, not behind whole batches.
 */
export const ORR_SENDING = { maxConcurrency: 2, rateShare: 1, slotPool: 'SES_ACCOUNT', digestRateShare: 0.2 } as const;
/** The hearing reminders' own pace: the digest's share (they run after it, REMINDER_SCHEDULE; the pool keeps both within the quota if they overlap). */
export const REMINDER_RATE_SHARE = ORR_SENDING.digestRateShare;

/** Metric namespace in CloudWatch. */
export const METRICS_NAMESPACE = 'DocketWatch';
