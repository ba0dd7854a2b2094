import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, type Attribute } from 'aws-cdk-lib/aws-dynamodb';
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

/** The stateful resources the pipeline's functions use. */
export interface DocketWatchData {
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
  readonly dropBucket: Bucket;
  readonly casesTable: Table;
  readonly idempotencyTable: Table;
  readonly queues: Readonly<Record<FtaQueueName, QueueWithDlq>>;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.dropBucket = new Bucket(this, 'DropBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.casesTable = tableFromDefinition(this, 'CasesTable', CASES_TABLE);
    this.idempotencyTable = tableFromDefinition(this, 'IdempotencyTable', IDEMPOTENCY_TABLE);
    const queue = (name: FtaQueueName) => new QueueWithDlq(this, FTA_QUEUES[name].id, { definition: FTA_QUEUES[name] });
    this.queues = { orrNotices: queue('orrNotices'), ntaSchedule: queue('ntaSchedule') };
  }
}

const attribute = (key: KeyDefinition): Attribute => ({
  name: key.name,
  type: key.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER,
});

/** An on-demand, retained table with point-in-time recovery, keyed as its definition says. */
function tableFromDefinition(scope: Construct, id: string, definition: TableDefinition): Table {
  const table = new Table(scope, id, {
    partitionKey: attribute(definition.partitionKey),
    sortKey: definition.sortKey && attribute(definition.sortKey),
    timeToLiveAttribute: definition.timeToLiveAttribute,
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
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
