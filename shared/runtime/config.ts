import { z } from 'zod';
import { AORS } from '../domain/aor';
import { DEFAULT_PRIORITY, PRIORITY_KEYS } from '../domain/nta-plan';
import { usePiiKey } from '../adapters/pii-keys';
import { ENV, INGEST_CHUNKING } from './resources';

/**
 * Each function's configuration, parsed once from process.env at cold start. A missing
 * or malformed variable fails the cold start with every problem named at once.
 */
const emailAddress = z.string().email();

/** A JSON value in one environment variable, parsed then checked against `schema`. */
const jsonOf = <T extends z.ZodType>(schema: T) =>
  z.string().transform((raw, ctx) => {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not valid JSON' });
      return z.NEVER;
    }
  }).pipe(schema);

/** AOR -> Field Office Juvenile Coordinator address. */
const juvenileCoordinators = jsonOf(z.partialRecord(z.enum(AORS), emailAddress)).default({});

const mailSettings = {
  [ENV.mailFrom]: emailAddress,
  [ENV.sesMaxSendRate]: z.coerce.number().min(0.1).max(10_000).optional(),
  [ENV.sesConfigurationSet]: z.string().min(1).optional(),
  [ENV.sesMessageIdDomain]: z.string().min(3).default('email.amazonses.com'),
};

/** The NTA plan's settings (issue 5): capacity, priority order, work-list horizon. */
const ntaPlan = {
  [ENV.ntaSlotsPerDay]: z.coerce.number().int().min(0).max(10_000).default(20),
  [ENV.ntaSlotsByAor]: z
    .string()
    .default('{}')
    .transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not JSON' });
        return z.NEVER;
      }
    })
    .pipe(z.partialRecord(z.enum(AORS), z.number().int().min(0).max(10_000))),
  [ENV.ntaPriorityOrder]: z
    .string()
    .default(DEFAULT_PRIORITY.join(','))
    .transform((s) => s.split(',').map((k) => k.trim()).filter((k) => k !== ''))
    .pipe(z.array(z.enum(PRIORITY_KEYS))),
  [ENV.ntaWorkListDays]: z.coerce.number().int().min(1).max(60).default(10),
};

/** The docket ingest and its chunk worker (same ports, same chunking). */
const ingest = {
  [ENV.casesTable]: z.string().min(3),
  [ENV.dropBucket]: z.string().min(3),
  [ENV.orrNoticeQueueUrl]: z.string().url(),
  [ENV.ntaScheduleQueueUrl]: z.string().url(),
  [ENV.dropChunkQueueUrl]: z.string().url(),
  [ENV.ingestChunkBytes]: z.coerce.number().int().min(1024).default(INGEST_CHUNKING.chunkBytes),
  [ENV.ingestParallelChunks]: z.coerce.number().int().min(1).max(32).default(INGEST_CHUNKING.parallelChunks),
  [ENV.ingestFanOutBytes]: z.coerce.number().int().min(1024).default(INGEST_CHUNKING.fanOutBytes),
};

const schemas = {
  ingestDocket: z.object(ingest),
  ingestDropChunk: z.object(ingest),
  notifyOrr: z.object({
    [ENV.casesTable]: z.string().min(3),
    [ENV.idempotencyTable]: z.string().min(3),
    [ENV.orrInbox]: emailAddress,
    ...mailSettings,
    [ENV.juvenileCoordinators]: juvenileCoordinators,
    [ENV.unconfirmedGraceSeconds]: z.coerce.number().int().min(0).max(3600).default(600),
  }),
  sendOrrDigest: z.object({
    [ENV.casesTable]: z.string().min(3),
    ...mailSettings,
    [ENV.digestRecipients]: jsonOf(
      z.array(z.object({ address: emailAddress, aors: z.array(z.enum(AORS)).optional() })),
    ).default([]),
  }),
  sendHearingReminders: z.object({
    [ENV.casesTable]: z.string().min(3),
    [ENV.orrInbox]: emailAddress,
    ...mailSettings,
    [ENV.juvenileCoordinators]: juvenileCoordinators,
    [ENV.reminderHorizonDays]: z
      .string()
      .default('14,3')
      .transform((s) => s.split(',').map((d) => d.trim()).filter((d) => d !== '').map(Number))
      .pipe(z.array(z.number().int().min(0).max(90)).min(1)),
  }),
  recordSesEvents: z.object({
    [ENV.casesTable]: z.string().min(3),
  }),
  scheduleNta: z.object({
    [ENV.casesTable]: z.string().min(3),
    [ENV.reverifyDueBusinessDays]: z.coerce.number().int().min(1).max(60).default(10),
    [ENV.dropBucket]: z.string().min(3),
    ...ntaPlan,
  }),
  ingestRoster: z.object({
    [ENV.casesTable]: z.string().min(3),
    [ENV.dropBucket]: z.string().min(3),
    // FTAs of cases a roster makes UC cases go to the same fan-out queues as a drop's.
    [ENV.orrNoticeQueueUrl]: z.string().url(),
    [ENV.ntaScheduleQueueUrl]: z.string().url(),
    ...ntaPlan,
  }),
  planNta: z.object({
    [ENV.casesTable]: z.string().min(3),
    [ENV.dropBucket]: z.string().min(3),
    ...ntaPlan,
  }),
  recordWorkListReturns: z.object({
    [ENV.casesTable]: z.string().min(3),
    [ENV.dropBucket]: z.string().min(3),
    ...ntaPlan,
  }),
  computeMetrics: z.object({
    [ENV.casesTable]: z.string().min(3),
  }),
  sweepOutbox: z.object({
    [ENV.casesTable]: z.string().min(3),
    [ENV.orrNoticeQueueUrl]: z.string().url(),
    [ENV.ntaScheduleQueueUrl]: z.string().url(),
  }),
} as const;

/**
 * The HMAC key of PII-derived item keys (shared/adapters/pii-keys.ts), for every function:
 * at least 32 characters of secret. Changing it orphans every keyed item (README: migration).
 */
const piiKey = z.string().min(32).optional();

export type FunctionName = keyof typeof schemas;
export type Config<F extends FunctionName> = z.infer<(typeof schemas)[F]>;

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}

/** Parses the environment for one function; throws ConfigError naming every bad variable. */
export function loadConfig<F extends FunctionName>(
  fn: F,
  env: NodeJS.ProcessEnv = process.env,
): Config<F> {
  const result = schemas[fn].safeParse(env);
  const key = piiKey.safeParse(env[ENV.piiKeySecret]);
  if (!result.success || !key.success) {
    const problems = [
      ...(result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)),
      ...(key.success ? [] : [`${ENV.piiKeySecret}: ${key.error.issues[0]?.message ?? 'invalid'}`]),
    ];
    throw new ConfigError(`Invalid configuration for ${fn}: ${problems.join('; ')}`);
  }
  if (key.data !== undefined) usePiiKey(key.data);
  return result.data as Config<F>;
}
