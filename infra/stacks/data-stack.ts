import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption, type Attribute } from 'aws-cdk-lib/aws-dynamodb';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import {
  CASES_TABLE,
  FTA_QUEUES,
  IDEMPOTENCY_TABLE,
  type FtaQueueName,
  type KeyDefinition,
  type TableDefinition,
} from '../../shared/runtime/resources';
import { QueueWithDlq } from '../constructs/queue-with-dlq';
import { createAccessLogBucket, createDataKey, dropLifecycleRules } from '../constructs/data-protection';

/** The stateful resources the pipeline's functions use. */
export interface DocketWatchData {
  /** Customer-managed key (rotated yearly) encrypting the bucket, tables, queues and alarm topic. */
  readonly dataKey: Key;
  readonly dropBucket: Bucket;
  readonly casesTable: Table;
  readonly idempotencyTable: Table;
  readonly queues: Readonly<Record<FtaQueueName, QueueWithDlq>>;
}

/**
 * Docket Watch's state: the drop bucket, the cases and idempotency tables and the FTA
 * fan-out queues with their DLQs. Everything here holds data, so bucket and tables are
 * retained when the stack is deleted or a resource is replaced.
 */
export class DataStack extends Stack implements DocketWatchData {
  readonly dataKey: Key;
  readonly accessLogBucket: Bucket;
  readonly dropBucket: Bucket;
  readonly casesTable: Table;
  readonly idempotencyTable: Table;
  readonly queues: Readonly<Record<FtaQueueName, QueueWithDlq>>;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.dataKey = createDataKey(this, 'DataKey');
    this.accessLogBucket = createAccessLogBucket(this, 'AccessLogBucket');
    this.dropBucket = new Bucket(this, 'DropBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.KMS,
      encryptionKey: this.dataKey,
      bucketKeyEnabled: true,
      enforceSSL: true,
      versioned: true,
      lifecycleRules: dropLifecycleRules(),
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: 'drop-bucket/',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.casesTable = tableFromDefinition(this, 'CasesTable', CASES_TABLE, this.dataKey);
    this.idempotencyTable = tableFromDefinition(this, 'IdempotencyTable', IDEMPOTENCY_TABLE, this.dataKey);
    const queue = (name: FtaQueueName) =>
      new QueueWithDlq(this, FTA_QUEUES[name].id, { definition: FTA_QUEUES[name], encryptionKey: this.dataKey });
    this.queues = { orrNotices: queue('orrNotices'), ntaSchedule: queue('ntaSchedule') };
  }
}

const attribute = (key: KeyDefinition): Attribute => ({
  name: key.name,
  type: key.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER,
});

/**
 * An on-demand, retained table with point-in-time recovery and deletion protection,
 * encrypted with the data key, keyed as its definition says.
 */
function tableFromDefinition(scope: Construct, id: string, definition: TableDefinition, key: Key): Table {
  const table = new Table(scope, id, {
    partitionKey: attribute(definition.partitionKey),
    sortKey: definition.sortKey && attribute(definition.sortKey),
    timeToLiveAttribute: definition.timeToLiveAttribute,
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    encryption: TableEncryption.CUSTOMER_MANAGED,
    encryptionKey: key,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  for (const index of definition.globalSecondaryIndexes) {
    table.addGlobalSecondaryIndex({
      indexName: index.indexName,
      partitionKey: attribute(index.partitionKey),
      sortKey: index.sortKey && attribute(index.sortKey),
      // The same projection the local stack creates (infra/local/provision.ts).
      projectionType: ProjectionType.ALL,
    });
  }
  return table;
}
