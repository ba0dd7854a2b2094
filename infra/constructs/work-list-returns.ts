import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ROSTER_DROPS, WORK_LIST_RETURNS } from '../../shared/runtime/resources';
import type { NtaPlanEnvironment } from './nta-scheduler';
import type { PipelineFunction } from './pipeline-function';
import { s3TriggeredFunction } from './s3-triggered-function';

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
    ({ function: this.function, failures: this.failures } = s3TriggeredFunction(this, {
      name: 'recordWorkListReturns',
      ...props,
      failureDescription: 'A returned work list failed to record after every retry; its S3 event waits in the failure queue',
      // Prefix only: S3 suffix filters match letter case, and offices save .XLSX too.
      triggers: [{ prefix: WORK_LIST_RETURNS.prefix }],
      reads: [WORK_LIST_RETURNS.prefix],
      writes: [ROSTER_DROPS.workListPrefix, WORK_LIST_RETURNS.quarantinePrefix, WORK_LIST_RETURNS.reportPrefix],
      environment: props.planEnvironment,
    }));
  }
}
