import {
  CreateTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
  type KeySchemaElement,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  CASES_TABLE,
  DROP_BUCKET,
  DROP_CHUNK_QUEUE,
  FTA_QUEUES,
  IDEMPOTENCY_TABLE,
  dlqLocalName,
  type FtaQueueName,
  type QueueDefinition,
  type TableDefinition,
} from '../../shared/runtime/resources';
import { LOCAL_CREDENTIALS, LOCAL_REGION, type Endpoints } from './emulators';

export interface LocalQueue {
  readonly definition: QueueDefinition;
  readonly url: string;
  readonly arn: string;
  readonly dlqUrl: string;
  /** The visibility timeout the local queue really has (see ProvisionOptions). */
  readonly visibilityTimeoutSeconds: number;
}

export interface LocalResources {
  readonly casesTable: string;
  readonly idempotencyTable: string;
  readonly dropBucket: string;
  readonly queues: Record<FtaQueueName, LocalQueue>;
  /** The drop chunk queue (big drops fanned out to the chunk worker). */
  readonly chunkQueue: LocalQueue;
}

export interface ProvisionOptions {
  /** Appended to every name, so test files can share one set of emulators. */
  readonly suffix?: string;
  /**
   * The one deliberate local deviation: a shorter visibility timeout, so a failed message
   * is retried (and a poison message reaches its DLQ) in seconds rather than minutes.
   * maxReceiveCount and the redrive policy are the definition's.
   */
  readonly visibilityTimeoutSeconds?: number;
}

export const localClientConfig = (endpoint: string) => ({
  endpoint,
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
});

/**
 * Creates the tables, bucket and queues of shared/runtime/resources.ts on the emulators,
 * the same definitions the CDK app deploys. Safe to call again on persisted state.
 */
export async function provisionLocalResources(endpoints: Endpoints, options: ProvisionOptions = {}): Promise<LocalResources> {
  const suffix = options.suffix ?? '';
  const dynamo = new DynamoDBClient(localClientConfig(endpoints.dynamodb));
  const sqs = new SQSClient(localClientConfig(endpoints.sqs));
  const s3 = new S3Client({ ...localClientConfig(endpoints.s3), forcePathStyle: true });
  try {
    const casesTable = await createTable(dynamo, CASES_TABLE, suffix);
    const idempotencyTable = await createTable(dynamo, IDEMPOTENCY_TABLE, suffix);
    const dropBucket = `${DROP_BUCKET.localName}${suffix}`;
    await s3.send(new CreateBucketCommand({ Bucket: dropBucket })).catch((err: { name?: string }) => {
      if (err.name !== 'BucketAlreadyOwnedByYou' && err.name !== 'BucketAlreadyExists') throw err;
    });
    const queues = {} as Record<FtaQueueName, LocalQueue>;
    for (const name of Object.keys(FTA_QUEUES) as FtaQueueName[]) {
      queues[name] = await createQueueWithDlq(sqs, FTA_QUEUES[name], suffix, options.visibilityTimeoutSeconds);
    }
    const chunkQueue = await createQueueWithDlq(sqs, DROP_CHUNK_QUEUE, suffix, options.visibilityTimeoutSeconds);
    return { casesTable, idempotencyTable, dropBucket, queues, chunkQueue };
  } finally {
    dynamo.destroy();
    sqs.destroy();
    s3.destroy();
  }
}

async function createTable(client: DynamoDBClient, def: TableDefinition, suffix: string): Promise<string> {
  const name = `${def.localName}${suffix}`;
  const keySchema = (pk: TableDefinition['partitionKey'], sk?: TableDefinition['sortKey']): KeySchemaElement[] => [
    { AttributeName: pk.name, KeyType: 'HASH' },
    ...(sk ? [{ AttributeName: sk.name, KeyType: 'RANGE' as const }] : []),
  ];
  const attributes = new Map<string, AttributeDefinition>();
  for (const key of [def.partitionKey, def.sortKey, ...def.globalSecondaryIndexes.flatMap((g) => [g.partitionKey, g.sortKey])]) {
    if (key) attributes.set(key.name, { AttributeName: key.name, AttributeType: key.type });
  }
  try {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: keySchema(def.partitionKey, def.sortKey),
        AttributeDefinitions: [...attributes.values()],
        GlobalSecondaryIndexes:
          def.globalSecondaryIndexes.length === 0
            ? undefined
            : def.globalSecondaryIndexes.map((g) => ({
                IndexName: g.indexName,
                KeySchema: keySchema(g.partitionKey, g.sortKey),
                Projection: { ProjectionType: 'ALL' },
              })),
      }),
    );
    if (def.timeToLiveAttribute) {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: { AttributeName: def.timeToLiveAttribute, Enabled: true },
        }),
      );
    }
  } catch (err) {
    if (!(err instanceof ResourceInUseException)) throw err;
  }
  return name;
}

async function createQueueWithDlq(
  client: SQSClient,
  def: QueueDefinition,
  suffix: string,
  visibilityOverride: number | undefined,
): Promise<LocalQueue> {
  const day = 24 * 3600;
  const dlq = await client.send(
    new CreateQueueCommand({
      QueueName: `${dlqLocalName(def)}${suffix}`,
      Attributes: { MessageRetentionPeriod: String(def.dlqRetentionDays * day) },
    }),
  );
  const dlqUrl = dlq.QueueUrl as string;
  const dlqArn = await queueArn(client, dlqUrl);
  const visibilityTimeoutSeconds = visibilityOverride ?? def.visibilityTimeoutSeconds;
  const queue = await client.send(
    new CreateQueueCommand({
      QueueName: `${def.localName}${suffix}`,
      Attributes: {
        VisibilityTimeout: String(visibilityTimeoutSeconds),
        MessageRetentionPeriod: String(def.retentionDays * day),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: def.maxReceiveCount }),
      },
    }),
  );
  const url = queue.QueueUrl as string;
  return { definition: def, url, arn: await queueArn(client, url), dlqUrl, visibilityTimeoutSeconds };
}

async function queueArn(client: SQSClient, url: string): Promise<string> {
  const out = await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  return out.Attributes?.QueueArn as string;
}
