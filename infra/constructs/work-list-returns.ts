import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { EventType, type IBucket } from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Construct } from 'constructs';
import { ENV, INGEST_FAILURES, ROSTER_DROPS, WORK_LIST_RETURNS } from '../../shared/runtime/resources';
import { grantReadPrefixes, grantTableAccess, TABLE_ACCESS } from '../permissions';
import type { NtaPlanEnvironment } from './nta-scheduler';
import { PipelineFunction } from './pipeline-function';
import { ingestFailureQueue } from './queue-with-dlq';

export interface WorkListReturnsProps {
  readonly dropBucket: IBucket;
  readonly casesTable: ITable;
  /** DocketIngest.notificationBucket: one notification resource for the bucket. */
  readonly notificationBucket: IBucket;
  readonly planEnvironment?: NtaPlanEnvironment;
  readonly alarmTopic: ITopic;
  /** Encrypts the failure queue (it holds S3 events: keys, no row contents). */
  readonly encryptionKey?: IKey;
}

/**
 * Records a returned work list when `returns/<AOR>/<file>` lands in the drop bucket: each
 * row's outcomes as follow-ups (NTA served, address verified, I-830 filed), rejected rows
 * quarantined, the AORs whose backlog changed re-planned. A return that failed after
 * Lambda's retries waits in an alarmed failure queue: re-put the object to record it again
 * (idempotent).
 */
export class WorkListReturns extends Construct {
  readonly function: PipelineFunction;
  readonly failures: Queue;

  constructor(scope: Construct, id: string, props: WorkListReturnsProps) {
    super(scope, id);
    const { dropBucket, casesTable } = props;
    this.failures = ingestFailureQueue(this, {
      encryptionKey: props.encryptionKey,
      alarmTopic: props.alarmTopic,
      alarmDescription: 'A returned work list failed to record after every retry; its S3 event waits in the failure queue',
    });
    this.function = new PipelineFunction(this, 'Function', {
      name: 'recordWorkListReturns',
      onFailure: new SqsDestination(this.failures),
      retryAttempts: INGEST_FAILURES.asyncRetryAttempts,
      environment: {
        [ENV.casesTable]: casesTable.tableName,
        [ENV.dropBucket]: dropBucket.bucketName,
        ...props.planEnvironment,
      },
    });
    // Reads only the returned files it is told of; it never lists the bucket.
    grantReadPrefixes(dropBucket, this.function, [WORK_LIST_RETURNS.prefix], { list: false });
    dropBucket.grantPut(this.function, `${ROSTER_DROPS.workListPrefix}*`);
    dropBucket.grantPut(this.function, `${WORK_LIST_RETURNS.quarantinePrefix}*`);
    dropBucket.grantPut(this.function, `${WORK_LIST_RETURNS.reportPrefix}*`);
    grantTableAccess(casesTable, this.function, TABLE_ACCESS.recordWorkListReturns.cases);
    props.notificationBucket.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(this.function), {
      prefix: WORK_LIST_RETURNS.prefix,
    });
  }
}
