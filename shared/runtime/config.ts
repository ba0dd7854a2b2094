import { z } from 'zod';
import { AORS } from '../domain/aor';
import { DEFAULT_PRIORITY, PRIORITY_KEYS } from '../domain/nta-plan';
import { refuseDevelopmentPiiKey, usePiiKey } from '../adapters/cases-table/pii-keys';
import { ENV, INGEST_CHUNKING } from './resources';
import { DocketWatchError } from '../domain/errors';

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
  [ENV.sesBackoffBaseMs]: z.coerce.number().int().min(1).max(60_000).optional(),
  [ENV.sesBackoffCapMs]: z.coerce.number().int().min(1).max(600_000).optional(),
};

/** The NTA plan's settings: capacity, priority order, work-list horizon. */
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

/**
 * What every function that builds PII-derived item keys (shared/adapters/cases-table/pii-keys.ts:
 * A-number, address, digest recipient) reads: deployed, the ARN of the Secrets Manager
 * secret holding the HMAC key (loadConfig requires it in Lambda; installPiiKey reads it).
 */
const piiKeys = {
  [ENV.piiKeySecretArn]: z.string().startsWith('arn:', 'not an ARN').optional(),
};

/** The docket ingest and its chunk worker (same ports, same chunking). */
const ingest = {
  ...piiKeys,
  [ENV.casesTable]: z.string().min(3),
  [ENV.dropBucket]: z.string().min(3),
  [ENV.orrNoticeQueueUrl]: z.string().url(),
  [ENV.ntaScheduleQueueUrl]: z.string().url(),
  [ENV.dropChunkQueueUrl]: z.string().url(),
  [ENV.ingestChunkBytes]: z.coerce.number().int().min(1024).default(INGEST_CHUNKING.chunkBytes),
  [ENV.ingestParallelChunks]: z.coerce.number().int().min(1).max(32).default(INGEST_CHUNKING.parallelChunks),
  [ENV.ingestFanOutBytes]: z.coerce.number().int().min(1024).default(INGEST_CHUNKING.fanOutBytes),
  [ENV.ingestFinishNotesInMemory]: z.coerce.number().int().min(1).optional(),
};

const schemas = {
  ingestDocket: z.object(ingest),
  ingestDropChunk: z.object(ingest),
  notifyOrr: z.object({
    ...piiKeys,
    [ENV.casesTable]: z.string().min(3),
    [ENV.idempotencyTable]: z.string().min(3),
    [ENV.orrInbox]: emailAddress,
    ...mailSettings,
    [ENV.juvenileCoordinators]: juvenileCoordinators,
    [ENV.unconfirmedGraceSeconds]: z.coerce.number().int().min(0).max(3600).default(600),
  }),
  sendOrrDigest: z.object({
    ...piiKeys,
    [ENV.casesTable]: z.string().min(3),
    ...mailSettings,
    [ENV.digestRecipients]: jsonOf(
      z.array(z.object({ address: emailAddress, aors: z.array(z.enum(AORS)).optional() })),
    ).default([]),
  }),
  sendHearingReminders: z.object({
    ...piiKeys,
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
    ...piiKeys,
    [ENV.casesTable]: z.string().min(3),
    [ENV.reverifyDueBusinessDays]: z.coerce.number().int().min(1).max(60).default(10),
    [ENV.dropBucket]: z.string().min(3),
    ...ntaPlan,
  }),
  ingestRoster: z.object({
    ...piiKeys,
    [ENV.casesTable]: z.string().min(3),
    [ENV.dropBucket]: z.string().min(3),
    // FTAs of cases a roster makes UC cases go to the same fan-out queues as a drop's.
    [ENV.orrNoticeQueueUrl]: z.string().url(),
    [ENV.ntaScheduleQueueUrl]: z.string().url(),
    ...ntaPlan,
  }),
  planNta: z.object({
    ...piiKeys,
    [ENV.casesTable]: z.string().min(3),
    [ENV.dropBucket]: z.string().min(3),
    ...ntaPlan,
  }),
  recordWorkListReturns: z.object({
    ...piiKeys,
    [ENV.casesTable]: z.string().min(3),
    [ENV.dropBucket]: z.string().min(3),
    ...ntaPlan,
  }),
  computeMetrics: z.object({
    [ENV.casesTable]: z.string().min(3),
  }),
  reconcileOpla: z.object({
    [ENV.casesTable]: z.string().min(3),
    [ENV.dropBucket]: z.string().min(3),
    ...mailSettings,
    [ENV.oplaReconciliationRecipients]: jsonOf(z.partialRecord(z.enum(AORS), z.array(emailAddress).min(1))).default({}),
  }),
  sweepOutbox: z.object({
    [ENV.casesTable]: z.string().min(3),
    [ENV.orrNoticeQueueUrl]: z.string().url(),
    [ENV.ntaScheduleQueueUrl]: z.string().url(),
  }),
} as const;

/**
 * The HMAC key of PII-derived item keys (shared/adapters/cases-table/pii-keys.ts): at least 32
 * characters of secret. Changing it orphans every keyed item (docs/operations.md, "Re-keying the PII key").
 */
export const PiiKey = z.string().min(32, 'at least 32 characters of secret');

/** Whether `fn` builds PII-derived item keys, so needs the HMAC key (its schema reads the secret's ARN). */
export function buildsPiiKeys(fn: FunctionName): boolean {
  return ENV.piiKeySecretArn in schemas[fn].shape;
}

export type FunctionName = keyof typeof schemas;
export type Config<F extends FunctionName> = z.infer<(typeof schemas)[F]>;

export class ConfigError extends DocketWatchError<'CONFIG_INVALID'> {
  constructor(message: string, options?: ErrorOptions) {
    super('CONFIG_INVALID', message, options);
  }
}

/**
 * Where `fn`'s PII HMAC key comes from, decided from the environment (or what is wrong):
 * - PII_KEY_SECRET (the local stack): that key, installed now;
 * - PII_KEY_SECRET_ARN (deployed): none until installPiiKey has read the secret; a key
 *   built before throws;
 * - neither, in Lambda (AWS_LAMBDA_FUNCTION_NAME set): a function that builds keys is
 *   misconfigured; one that builds none gets no key at all (a key built throws);
 * - neither, elsewhere (unit tests, scripts, a check of some settings): the key stays as it
 *   is, the development key in pii-keys.ts unless one was installed.
 * The development key is never used where AWS_LAMBDA_FUNCTION_NAME is set.
 */
function piiKeySource(fn: FunctionName, env: NodeJS.ProcessEnv): { problem: string } | { install: () => void } {
  const secret = env[ENV.piiKeySecret];
  const arn = env[ENV.piiKeySecretArn];
  const inLambda = (env.AWS_LAMBDA_FUNCTION_NAME ?? '') !== '';
  if (secret !== undefined && arn !== undefined) {
    return { problem: `${ENV.piiKeySecret}, ${ENV.piiKeySecretArn}: set one, not both` };
  }
  if (secret !== undefined) {
    const key = PiiKey.safeParse(secret);
    if (!key.success) return { problem: `${ENV.piiKeySecret}: ${key.error.issues[0]?.message ?? 'invalid'}` };
    return { install: () => usePiiKey(key.data) };
  }
  if (arn !== undefined) {
    return { install: () => refuseDevelopmentPiiKey(`${fn} has not read the secret ${ENV.piiKeySecretArn} names (installPiiKey)`) };
  }
  if (inLambda && buildsPiiKeys(fn)) {
    return {
      problem:
        `${ENV.piiKeySecretArn}: required in Lambda (the Secrets Manager secret holding the HMAC key of ` +
        'PII-derived item keys); the development key is for tests and the local stack only',
    };
  }
  if (inLambda) return { install: () => refuseDevelopmentPiiKey(`${fn} is given no PII key: it builds no PII-derived key`) };
  return { install: () => undefined };
}

/**
 * Parses the environment for one function; throws ConfigError naming every bad variable.
 * Also settles the PII HMAC key (piiKeySource above); deployed, the handler then awaits
 * installPiiKey(config) (shared/runtime/pii-key.ts) before building any key.
 */
export function loadConfig<F extends FunctionName>(
  fn: F,
  env: NodeJS.ProcessEnv = process.env,
): Config<F> {
  const result = schemas[fn].safeParse(env);
  const key = piiKeySource(fn, env);
  if (!result.success || 'problem' in key) {
    const problems = [
      ...(result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)),
      ...('problem' in key ? [key.problem] : []),
    ];
    throw new ConfigError(`Invalid configuration for ${fn}: ${problems.join('; ')}`);
  }
  key.install();
  return result.data as Config<F>;
}
