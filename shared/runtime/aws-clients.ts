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

export function createAwsClients(env: NodeJS.ProcessEnv = process.env): AwsClients {
  const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return {
    dynamo,
    s3: new S3Client({ forcePathStyle: env[ENV.s3ForcePathStyle] === 'true' }),
    sqs: new SQSClient({}),
    // No SDK retries: the mailer retries itself and must see every attempt, since one
    // attempt with an unknown outcome (a reset after SES may have accepted) decides whether
    // the notice may be sent again at once.
    ses: new SESClient({ maxAttempts: 1 }),
  };
}
