import { usePiiKey } from '../adapters/cases-table/pii-keys';
import { createSecretsManagerSecretReader } from '../adapters/secrets-manager-secret';
import { ConfigError, PiiKey } from './config';
import { ENV } from './resources';

let installing: { readonly arn: string; readonly done: Promise<void> } | undefined;
let readSecret: ((arn: string) => Promise<string>) | undefined;

/**
 * Installs the PII HMAC key of a deployed function (shared/adapters/cases-table/pii-keys.ts) from the
 * Secrets Manager secret its PII_KEY_SECRET_ARN names: read once per cold start, the first
 * time a handler awaits this; every later call returns the same promise. Without an ARN it
 * resolves at once (loadConfig already installed PII_KEY_SECRET or the development key).
 *
 * Throws ConfigError when the secret cannot be read (missing, access or KMS decrypt
 * refused, throttled) or holds fewer than 32 characters: the invocation fails, and the
 * next one reads again. Never falls back to another key.
 */
export function installPiiKey(
  config: { readonly [ENV.piiKeySecretArn]?: string | undefined },
): Promise<void> {
  const arn = config[ENV.piiKeySecretArn];
  if (arn === undefined) return Promise.resolve();
  if (installing?.arn === arn) return installing.done;
  const done: Promise<void> = fetchKey(arn, (readSecret ??= createSecretsManagerSecretReader())).then(usePiiKey, (err: unknown) => {
    if (installing?.done === done) installing = undefined;
    throw err;
  });
  installing = { arn, done };
  return done;
}

async function fetchKey(arn: string, read: (arn: string) => Promise<string>): Promise<string> {
  let secret: string;
  try {
    secret = await read(arn);
  } catch (err) {
    throw new ConfigError(`${ENV.piiKeySecretArn}: the PII key secret ${arn} could not be read: ${err instanceof Error ? err.message : String(err)}`);
  }
  const key = PiiKey.safeParse(secret);
  if (!key.success) throw new ConfigError(`${ENV.piiKeySecretArn}: the PII key secret ${arn} is too short: ${key.error.issues[0]?.message ?? 'invalid'}`);
  return key.data;
}
