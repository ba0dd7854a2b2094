import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { EventType, type IBucket } from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Construct } from 'constructs';
import { ENV, INGEST_FAILURES, ROSTER_DROPS, type FtaQueueName } from '../../shared/runtime/resources';
import { grantReadPrefixes, grantTableAccess, TABLE_ACCESS } from '../permissions';
import { PipelineFunction } from './pipeline-function';
import { ingestFailureQueue, type QueueWithDlq } from './queue-with-dlq';
import type { NtaPlanEnvironment } from './nta-scheduler';

export interface RosterIngestProps {
  readonly dropBucket: IBucket;
  readonly casesTable: ITable;
  /** The FTA fan-out queues: FTAs of cases a roster makes UC cases are sent to each. */
  readonly queues: Readonly<Record<FtaQueueName, QueueWithDlq>>;
  /** DocketIngest.notificationBucket: one notification resource for the bucket. */
  readonly notificationBucket: IBucket;
  readonly planEnvironment?: NtaPlanEnvironment;
  readonly alarmTopic: ITopic;
  /** The ORR notices queue: CASE_IDENTIFIED messages for notices sent without the child's name. */
  readonly orrNotices: QueueWithDlq;
  /** Encrypts the failure queue (it holds S3 events: keys, no roster contents). */
  readonly encryptionKey?: IKey;
}

/**
 * Ingests a UC roster when `rosters/<id>/<name>.csv` lands in the drop bucket (its own S3
 * notification), stores the UCs, quarantines rejected rows, and re-plans the AORs whose
 * NTA backlog changed, writing their work lists back to the bucket. A roster whose ingest
 * failed after Lambda's retries (its S3 event and the error) waits in an alarmed failure
 * queue, as a docket drop's does: re-put the object to ingest it again (idempotent).
 */
export class RosterIngest extends Construct {
  readonly function: PipelineFunction;
  /** Rosters whose ingest failed after every retry (the S3 event and the error). */
  readonly failures: Queue;

  constructor(scope: Construct, id: string, props: RosterIngestProps) {
    super(scope, id);
    const { dropBucket, casesTable } = props;
    this.failures = ingestFailureQueue(this, {
      encryptionKey: props.encryptionKey,
      alarmTopic: props.alarmTopic,
      alarmDescription: 'A UC roster failed to ingest after every retry; its S3 event waits in the failure queue',
    });
    this.function = new PipelineFunction(this, 'Function', {
      name: 'ingestRoster',
      onFailure: new SqsDestination(this.failures),
      retryAttempts: INGEST_FAILURES.asyncRetryAttempts,
      environment: {
        [ENV.casesTable]: casesTable.tableName,
        [ENV.dropBucket]: dropBucket.bucketName,
        [ENV.orrNoticeQueueUrl]: props.queues.orrNotices.queue.queueUrl,
        [ENV.ntaScheduleQueueUrl]: props.queues.ntaSchedule.queue.queueUrl,
        ...props.planEnvironment,
      },
    });
    // It reads the roster its S3 event names: no listing.
    grantReadPrefixes(dropBucket, this.function, [ROSTER_DROPS.prefix], { list: false });
    dropBucket.grantPut(this.function, `${ROSTER_DROPS.workListPrefix}*`);
    dropBucket.grantPut(this.function, `${ROSTER_DROPS.quarantinePrefix}*`);
    grantTableAccess(casesTable, this.function, TABLE_ACCESS.ingestRoster.cases);
    for (const { queue } of Object.values(props.queues)) queue.grantSendMessages(this.function);
    // Through DocketIngest's reference: no cycle between the stacks, and one notification
    // resource for the bucket (two would overwrite each other's configuration).
    props.notificationBucket.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(this.function), {
      prefix: ROSTER_DROPS.prefix,
      suffix: ROSTER_DROPS.suffix,
    });

  }
}
