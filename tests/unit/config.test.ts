import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, loadConfig, type FunctionName } from '../../shared/runtime/config';
import { ENV, unconfirmedGraceBoundSeconds } from '../../shared/runtime/resources';
import { functionEnvironment } from '../../infra/local/function-environment';

describe('loadConfig', () => {
  it('names every missing or malformed variable at once', () => {
    expect(() => loadConfig('notifyOrr', { [ENV.casesTable]: 'cases', [ENV.orrInbox]: 'not-an-address' })).toThrow(ConfigError);
    const message = (() => {
      try {
        loadConfig('notifyOrr', { [ENV.casesTable]: 'cases', [ENV.orrInbox]: 'not-an-address' });
        return 'no error';
      } catch (err) {
        return (err as Error).message;
      }
    })();
    expect(message).toContain(ENV.idempotencyTable);
    expect(message).toContain(ENV.orrInbox);
    expect(message).toContain(ENV.mailFrom);
  });

  it('applies defaults and coerces numbers', () => {
    const base = { [ENV.casesTable]: 'cases', [ENV.dropBucket]: 'drops' };
    expect(loadConfig('scheduleNta', base)[ENV.reverifyDueBusinessDays]).toBe(10);
    expect(loadConfig('scheduleNta', { ...base, [ENV.reverifyDueBusinessDays]: '3' })[ENV.reverifyDueBusinessDays]).toBe(3);
  });

  it('reads the NTA plan capacity, per-AOR overrides and priority order, and refuses unknown ones', () => {
    const base = { [ENV.casesTable]: 'cases', [ENV.dropBucket]: 'drops' };
    const defaults = loadConfig('planNta', base);
    expect(defaults[ENV.ntaSlotsPerDay]).toBe(20);
    expect(defaults[ENV.ntaSlotsByAor]).toEqual({});
    expect(defaults[ENV.ntaPriorityOrder]).toEqual(['PRIOR_FTA', 'SAFETY_FLAG', 'LONGEST_SINCE_RELEASE', 'NEAREST_18TH_BIRTHDAY']);
    const set = loadConfig('planNta', {
      ...base,
      [ENV.ntaSlotsPerDay]: '5',
      [ENV.ntaSlotsByAor]: '{"HOU":40,"SPM":0}',
      [ENV.ntaPriorityOrder]: 'NEAREST_18TH_BIRTHDAY, PRIOR_FTA',
    });
    expect(set[ENV.ntaSlotsByAor]).toEqual({ HOU: 40, SPM: 0 });
    expect(set[ENV.ntaPriorityOrder]).toEqual(['NEAREST_18TH_BIRTHDAY', 'PRIOR_FTA']);
    expect(() => loadConfig('planNta', { ...base, [ENV.ntaSlotsByAor]: '{"XYZ":4}' })).toThrow(ConfigError);
    expect(() => loadConfig('planNta', { ...base, [ENV.ntaPriorityOrder]: 'AGE' })).toThrow(ConfigError);
  });
});

describe('ORR notifier configuration', () => {
  const base = { [ENV.casesTable]: 'cases', [ENV.idempotencyTable]: 'idem', [ENV.orrInbox]: 'orr@example.gov', [ENV.mailFrom]: 'dw@example.gov' };

  it('parses the juvenile coordinator map and defaults the rest', () => {
    const config = loadConfig('notifyOrr', { ...base, [ENV.juvenileCoordinators]: '{"HOU":"fojc@ice.example.gov"}' });
    expect(config[ENV.juvenileCoordinators]).toEqual({ HOU: 'fojc@ice.example.gov' });
    expect(config[ENV.unconfirmedGraceSeconds]).toBe(600);
    expect(config[ENV.sesMessageIdDomain]).toBe('email.amazonses.com');
    expect(loadConfig('notifyOrr', base)[ENV.juvenileCoordinators]).toEqual({});
  });

  it('names the variable when the map is not JSON, has an unknown AOR or a bad address', () => {
    for (const bad of ['{HOU:', '{"XYZ":"a@example.gov"}', '{"HOU":"not-an-address"}']) {
      expect(() => loadConfig('notifyOrr', { ...base, [ENV.juvenileCoordinators]: bad })).toThrow(ENV.juvenileCoordinators);
    }
  });

  it('parses digest recipients with optional AOR filters', () => {
    const env = { [ENV.casesTable]: 'cases', [ENV.mailFrom]: 'dw@example.gov', [ENV.digestRecipients]: '[{"address":"d@example.gov","aors":["HOU"]}]' };
    expect(loadConfig('sendOrrDigest', env)[ENV.digestRecipients]).toEqual([{ address: 'd@example.gov', aors: ['HOU'] }]);
    expect(() => loadConfig('sendOrrDigest', { ...env, [ENV.digestRecipients]: '[{"address":"x"}]' })).toThrow(ENV.digestRecipients);
  });
});

describe('the unconfirmed-notice grace period against the notice queue', () => {
  const base = { [ENV.casesTable]: 'cases', [ENV.idempotencyTable]: 'idem', [ENV.orrInbox]: 'orr@example.gov', [ENV.mailFrom]: 'dw@example.gov' };

  it('resends an unconfirmed notice before SQS gives up on it, deployed', () => {
    // 600 s < (5 - 1) receives x 180 s: the last delivery comes after the grace.
    expect(loadConfig('notifyOrr', base)[ENV.unconfirmedGraceSeconds]).toBeLessThan(unconfirmedGraceBoundSeconds());
  });

  it('and on the local stack, whose queues retry in seconds', () => {
    for (const visibility of [1, 2, 5]) {
      const env = functionEnvironment(
        { endpoints: { dynamodb: 'http://x', sqs: 'http://x', s3: 'http://x', ses: 'http://x' }, onS3Event: () => () => undefined, stop: async () => undefined },
        { queues: { orrNotices: { visibilityTimeoutSeconds: visibility }, ntaSchedule: {} }, chunkQueue: {} } as never,
        { orrInbox: 'orr@example.gov', mailFrom: 'dw@example.gov' },
      );
      const grace = loadConfig('notifyOrr', { ...env, ...base })[ENV.unconfirmedGraceSeconds];
      expect(grace, `visibility ${visibility}`).toBeLessThan(unconfirmedGraceBoundSeconds(visibility));
      expect(grace).toBeGreaterThan(0);
    }
  });
});

describe('the PII key (HMAC key of PII-derived item keys)', () => {
  const notifier = { [ENV.casesTable]: 'cases', [ENV.idempotencyTable]: 'idem', [ENV.orrInbox]: 'orr@example.gov', [ENV.mailFrom]: 'dw@example.gov' };
  const inLambda = { AWS_LAMBDA_FUNCTION_NAME: 'DocketWatchPipeline-OrrNotifier' };
  const ARN = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:PiiKeySecret-AbCdEf';
  const SECRET = 'k'.repeat(20) + 'Zq7Hn2Vx9Lp4Rt6Wm8Yb1Cd3Fg5Jk0Ms'; // 52 characters
  const A_NUMBER = '201234567';
  const secretsManager = mockClient(SecretsManagerClient);

  /** A fresh cold start: config, the key installer and pii-keys loaded anew (module state gone). */
  async function coldStart() {
    vi.resetModules();
    const config = await import('../../shared/runtime/config');
    const { installPiiKey } = await import('../../shared/runtime/pii-key');
    const { aNumberKey } = await import('../../shared/adapters/cases-table/pii-keys');
    return { ...config, installPiiKey, aNumberKey };
  }

  beforeEach(() => secretsManager.reset());
  afterEach(() => secretsManager.reset());

  it('fails the cold start in Lambda without the secret, naming the variable, for each function that builds keys', async () => {
    const run = await coldStart();
    const envOf: Partial<Record<string, Record<string, string>>> = {
      notifyOrr: notifier,
      sendOrrDigest: { [ENV.casesTable]: 'cases', [ENV.mailFrom]: 'dw@example.gov' },
      scheduleNta: { [ENV.casesTable]: 'cases', [ENV.dropBucket]: 'drops' },
      planNta: { [ENV.casesTable]: 'cases', [ENV.dropBucket]: 'drops' },
    };
    for (const [fn, env] of Object.entries(envOf) as [FunctionName, Record<string, string>][]) {
      expect(() => run.loadConfig(fn, env), `${fn} outside Lambda`).not.toThrow();
      expect(() => run.loadConfig(fn, { ...env, ...inLambda }), fn).toThrow(run.ConfigError);
      expect(() => run.loadConfig(fn, { ...env, ...inLambda }), fn).toThrow(ENV.piiKeySecretArn);
    }
  });

  it('never keys with the development key in Lambda, not even in a function that builds no keys', async () => {
    const run = await coldStart();
    run.loadConfig('computeMetrics', { [ENV.casesTable]: 'cases' });
    const development = run.aNumberKey(A_NUMBER);
    expect(development).toMatch(/^AN#[a-p]{40}$/);
    expect(() => run.loadConfig('computeMetrics', { [ENV.casesTable]: 'cases', ...inLambda })).not.toThrow();
    expect(() => run.aNumberKey(A_NUMBER)).toThrow(/No PII key installed/);
  });

  it('reads the secret the ARN names and keys with it, as the local stack keys with the same secret given directly', async () => {
    const development = (await coldStart()).aNumberKey(A_NUMBER);
    const local = await coldStart();
    local.loadConfig('notifyOrr', { ...notifier, [ENV.piiKeySecret]: SECRET });
    const expected = local.aNumberKey(A_NUMBER);

    secretsManager.on(GetSecretValueCommand, { SecretId: ARN }).resolves({ SecretString: SECRET });
    const run = await coldStart();
    const config = run.loadConfig('notifyOrr', { ...notifier, ...inLambda, [ENV.piiKeySecretArn]: ARN });
    expect(() => run.aNumberKey(A_NUMBER)).toThrow(/No PII key installed/);
    await run.installPiiKey(config);
    expect(run.aNumberKey(A_NUMBER)).toBe(expected);
    expect(expected).not.toBe(development);
  });

  it('fetches the secret once per cold start, however many invocations ask', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: SECRET });
    const first = await coldStart();
    const config = first.loadConfig('notifyOrr', { ...notifier, ...inLambda, [ENV.piiKeySecretArn]: ARN });
    await Promise.all([first.installPiiKey(config), first.installPiiKey(config)]);
    await first.installPiiKey(config);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);

    const second = await coldStart();
    await second.installPiiKey(second.loadConfig('notifyOrr', { ...notifier, ...inLambda, [ENV.piiKeySecretArn]: ARN }));
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('refuses a secret shorter than 32 characters, and keys nothing with another key', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'x'.repeat(31) });
    const run = await coldStart();
    const config = run.loadConfig('notifyOrr', { ...notifier, ...inLambda, [ENV.piiKeySecretArn]: ARN });
    await expect(run.installPiiKey(config)).rejects.toThrow(run.ConfigError);
    await expect(run.installPiiKey(config)).rejects.toThrow(/32 characters/);
    expect(() => run.aNumberKey(A_NUMBER)).toThrow(/No PII key installed/);
    expect(() => run.loadConfig('notifyOrr', { ...notifier, [ENV.piiKeySecret]: 'x'.repeat(31) })).toThrow(ENV.piiKeySecret);
  });

  it('fails the invocation when the secret cannot be read, naming the variable and the secret, and reads again on the next', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .rejectsOnce(Object.assign(new Error('User is not authorized to perform: secretsmanager:GetSecretValue'), { name: 'AccessDeniedException' }))
      .resolves({ SecretString: SECRET });
    const run = await coldStart();
    const config = run.loadConfig('notifyOrr', { ...notifier, ...inLambda, [ENV.piiKeySecretArn]: ARN });
    const failure = await run.installPiiKey(config).then(() => null, (err: unknown) => err);
    expect(failure).toBeInstanceOf(run.ConfigError);
    expect(String(failure)).toContain(ENV.piiKeySecretArn);
    expect(String(failure)).toContain(ARN);
    expect(() => run.aNumberKey(A_NUMBER)).toThrow(/No PII key installed/);
    await run.installPiiKey(config);
    expect(run.aNumberKey(A_NUMBER)).toMatch(/^AN#[a-p]{40}$/);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('refuses both the secret and its ARN at once (which one keys would be a guess)', async () => {
    const run = await coldStart();
    expect(() => run.loadConfig('notifyOrr', { ...notifier, [ENV.piiKeySecret]: SECRET, [ENV.piiKeySecretArn]: ARN })).toThrow(ENV.piiKeySecretArn);
  });
});
