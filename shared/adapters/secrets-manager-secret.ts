import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DocketWatchError } from '../domain/errors';

/**
 * Reads a Secrets Manager secret's string value (GetSecretValue) through the Powertools
 * Parameters secrets provider, which caches it for `maxAgeSeconds`.
 *
 * Throws: a secret that does not exist (ParameterNotFoundError), one stored as binary, and
 * any refusal of the call (GetParameterError wrapping the SDK's error: AccessDenied,
 * KMS decrypt refused, throttling).
 */
export function createSecretsManagerSecretReader(
  options: { client?: SecretsManagerClient; maxAgeSeconds?: number } = {},
): (secretArn: string) => Promise<string> {
  let provider: SecretsProvider | undefined;
  return async (secretArn) => {
    // Created on first use: a function whose key comes from its environment never makes one.
    provider ??= new SecretsProvider({ awsSdkV3Client: options.client ?? new SecretsManagerClient({}) });
    const value = await provider.get(secretArn, { maxAge: options.maxAgeSeconds ?? 300, throwOnMissing: true });
    if (typeof value !== 'string') throw new DocketWatchError('PII_KEY_UNAVAILABLE', `secret ${secretArn} holds binary data, not a string`);
    return value;
  };
}
