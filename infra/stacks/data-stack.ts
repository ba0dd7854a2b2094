import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption, type Attribute } from 'aws-cdk-lib/aws-dynamodb';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
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
  /** The HMAC key of PII-derived item keys (shared/adapters/cases-table/pii-keys.ts), generated, never rotated in place. */
  readonly piiKeySecret: Secret;
}

/**
 * Docket Watch's state: the drop bucket, the cases and idempotency tables, the FTA
 * fan-out queues with their DLQs and the PII key secret. Everything here holds data, so
 * bucket, tables and secret are retained when the stack is deleted or a resource is replaced.
 */
export class DataStack extends Stack implements DocketWatchData {
  readonly dataKey: Key;
  readonly accessLogBucket: Bucket;
  readonly dropBucket: Bucket;
  readonly casesTable: Table;
  readonly idempotencyTable: Table;
  readonly queues: Readonly<Record<FtaQueueName, QueueWithDlq>>;
  readonly piiKeySecret: Secret;

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
    // The key of every A-number, address and recipient key in the cases table: lose it or
    // change it and no item keyed with it can be found again, so it is retained with the
    // table and never rotated in place (docs/operations.md, "Re-keying the PII key").
    this.piiKeySecret = new Secret(this, 'PiiKeySecret', {
      description: 'Docket Watch: HMAC key of the PII-derived DynamoDB item keys (A-numbers, addresses, recipients)',
      encryptionKey: this.dataKey,
      // 64 letters and digits: ~380 bits, well over the 32 characters the functions require.
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.RETAIN,
    });
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
