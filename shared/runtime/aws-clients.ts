import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESClient } from '@aws-sdk/client-ses';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ENV } from './resources';

/**
 * AWS SDK v3 clients, created once per cold start. Endpoints come from the SDK's own
 * service-specific variables (AWS_ENDPOINT_URL_DYNAMODB, _S3, _SQS, _SES): unset in AWS,
 * so the clients talk to AWS; set by the local stack, so they talk to the emulators.
 * s3rver needs path-style addressing, switched on by S3_FORCE_PATH_STYLE=true.
 */
export interface AwsClients {
  readonly dynamo: DynamoDBDocumentClient;
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly ses: SESClient;
}

/** Any SDK v3 client: what a client hook may add middleware to. */
export type AnyAwsClient = DynamoDBClient | S3Client | SQSClient | SESClient;

// Kept on globalThis so that a test reloading the handler modules (vi.resetModules) still
// reaches the hooks the local stack installed before.
const HOOKS = Symbol.for('docket-watch.aws-client-hooks');
const clientHooks: Set<(client: AnyAwsClient) => void> = ((globalThis as Record<symbol, unknown>)[HOOKS] ??= new Set()) as Set<(client: AnyAwsClient) => void>;

/**
 * Runs `hook` on every client createAwsClients makes from now on. For the local stack only
 * (infra/local/aws-calls.ts records each call and captures each email sent); returns the
 * uninstaller. Deployed functions install none.
 */
export function onAwsClientCreated(hook: (client: AnyAwsClient) => void): () => void {
  clientHooks.add(hook);
  return () => clientHooks.delete(hook);
}

export function createAwsClients(env: NodeJS.ProcessEnv = process.env): AwsClients {
  const base = new DynamoDBClient({});
  const s3 = new S3Client({ forcePathStyle: env[ENV.s3ForcePathStyle] === 'true' });
  const sqs = new SQSClient({});
  // The mailer watches each of the SDK's attempts (a middleware on each send): one with an
  // unknown outcome (a reset after SES may have accepted) keeps the notice's intent.
  const ses = new SESClient({});
  for (const client of [base, s3, sqs, ses]) for (const hook of clientHooks) hook(client);
  const dynamo = DynamoDBDocumentClient.from(base, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return {
    dynamo,
    s3,
    sqs,
    ses,
  };
}
