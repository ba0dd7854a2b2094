import { DEFAULT_REMINDER_HORIZONS } from '../../shared/domain/upcoming-hearing';
import { ENV, unconfirmedGraceBoundSeconds } from '../../shared/runtime/resources';
import { LOCAL_CREDENTIALS, LOCAL_REGION, type Emulators } from './emulators';
import type { LocalResources } from './provision';

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
  /** Keys and cases a drop read inline keeps in memory for its finish step (default: the functions' own, 25,000). */
  readonly finishNotesInMemory?: number;
  /**
   * Notifier instances polling the ORR notice queue at once, as the deployed event source
   * runs up to ORR_SENDING.maxConcurrency (2). Each is a handler module instance of its own
   * with its own wiring (own clients; its sends from the account's shared slots, ORR_SENDING),
   * as deployed environments are (loadExtraNotifier). Default 1: notices in order.
   */
  readonly notifierInstances?: number;
  /**
   * The SES mailer's backoff (SES_BACKOFF_BASE_MS, SES_BACKOFF_CAP_MS) for the email-sending
   * functions; default: the mailer's own, as deployed. The fault tests shorten it.
   */
  readonly sesBackoff?: { readonly baseMs: number; readonly capMs: number };
  /**
   * NOTICE_UNCONFIRMED_GRACE_SECONDS (default: half the local notice queue's retry window,
   * at least 1 s); must stay below unconfirmedGraceBoundSeconds of that queue's visibility timeout.
   */
  readonly unconfirmedGraceSeconds?: number;
  /** SES_MAX_SEND_RATE, messages a second (default LOCAL_SES_MAX_SEND_RATE); the fault tests, which do not test pacing, raise it. */
  readonly sesMaxSendRate?: number;
  /** NTA plan settings under their ENV names (NTA_SLOTS_PER_DAY, ...); config.ts defaults otherwise. */
  readonly planEnvironment?: Record<string, string>;
  /** Progress lines for a person watching. */
  readonly onProgress?: (line: string) => void;
}

/** When set, each local pipeline writes its functions' AWS calls there on stop (one file per pipeline). */
export const RECORD_AWS_CALLS_DIR = 'DOCKET_WATCH_RECORD_AWS_CALLS_DIR';

/** SES's default sending rate out of the sandbox (messages per second), given to the local functions. */
export const LOCAL_SES_MAX_SEND_RATE = 14;
/** Not a secret: the local stack's HMAC key for PII-derived item keys. */
export const LOCAL_PII_KEY_SECRET = 'docket-watch-local-stack-pii-key-0123456789';

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
    [ENV.sesMaxSendRate]: String(options.sesMaxSendRate ?? LOCAL_SES_MAX_SEND_RATE),
    // The local HMAC key of PII-derived item keys (deployed: a Secrets Manager secret).
    [ENV.piiKeySecret]: LOCAL_PII_KEY_SECRET,
    [ENV.reverifyDueBusinessDays]: String(options.reverifyDueBusinessDays ?? 10),
    [ENV.juvenileCoordinators]: JSON.stringify(options.juvenileCoordinators ?? {}),
    [ENV.digestRecipients]: JSON.stringify((options.digestRecipients ?? []).map((address) => ({ address }))),
    [ENV.oplaReconciliationRecipients]: JSON.stringify(options.oplaReconciliationRecipients ?? {}),
    [ENV.reminderHorizonDays]: (options.reminderHorizonDays ?? DEFAULT_REMINDER_HORIZONS).join(','),
    // Local queues retry in seconds (--visibility-timeout), not minutes: the deployed 600 s
    // grace would dead-letter every unconfirmed notice unsent. Half the local retry window.
    [ENV.unconfirmedGraceSeconds]: String(options.unconfirmedGraceSeconds ?? Math.max(1, Math.floor(unconfirmedGraceBoundSeconds(resources.queues.orrNotices.visibilityTimeoutSeconds) / 2))),
    ...(options.sesBackoff === undefined
      ? {}
      : { [ENV.sesBackoffBaseMs]: String(options.sesBackoff.baseMs), [ENV.sesBackoffCapMs]: String(options.sesBackoff.capMs) }),
    ...(options.chunkBytes === undefined ? {} : { [ENV.ingestChunkBytes]: String(options.chunkBytes) }),
    ...((options.fanOutBytes ?? options.chunkBytes) === undefined ? {} : { [ENV.ingestFanOutBytes]: String(options.fanOutBytes ?? options.chunkBytes) }),
    ...(options.finishNotesInMemory === undefined ? {} : { [ENV.ingestFinishNotesInMemory]: String(options.finishNotesInMemory) }),
    ...options.planEnvironment,
  };
}
