import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ENV, ROSTER_DROPS, type FtaQueueName } from '../../shared/runtime/resources';
import type { PipelineFunction } from './pipeline-function';
import type { QueueWithDlq } from './queue-with-dlq';
import { s3TriggeredFunction } from './s3-triggered-function';
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
 * Ingests a UC roster when `rosters/<id>/<name>.csv` (any letter case) lands in the drop
 * bucket (its own S3 notification, prefix only; other objects are refused with a reason), stores the UCs, quarantines rejected rows, and re-plans the AORs whose
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
    ({ function: this.function, failures: this.failures } = s3TriggeredFunction(this, {
      name: 'ingestRoster',
      ...props,
      failureDescription: 'A UC roster failed to ingest after every retry; its S3 event waits in the failure queue',
      // Prefix only: a suffix filter is case-sensitive and would miss ROSTER.CSV; the
      // function refuses anything not named as a roster, with its reason (rosterFileRefusal).
      triggers: [{ prefix: ROSTER_DROPS.prefix }],
      reads: [ROSTER_DROPS.prefix],
      writes: [ROSTER_DROPS.workListPrefix, ROSTER_DROPS.quarantinePrefix],
      environment: {
        [ENV.orrNoticeQueueUrl]: props.queues.orrNotices.queue.queueUrl,
        [ENV.ntaScheduleQueueUrl]: props.queues.ntaSchedule.queue.queueUrl,
        ...props.planEnvironment,
      },
    }));
    for (const { queue } of Object.values(props.queues)) queue.grantSendMessages(this.function);
  }
}
