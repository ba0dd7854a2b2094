import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventType, type IBucket } from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Construct } from 'constructs';
import { ENV, INGEST_FAILURES, ROSTER_DROPS } from '../../shared/runtime/resources';
import { grantTableAccess, TABLE_ACCESS } from '../permissions';
import { PipelineFunction } from './pipeline-function';
import type { NtaPlanEnvironment } from './nta-scheduler';

export interface RosterIngestProps {
  readonly dropBucket: IBucket;
  readonly casesTable: ITable;
  /** DocketIngest.notificationBucket: one notification resource for the bucket. */
  readonly notificationBucket: IBucket;
  readonly planEnvironment?: NtaPlanEnvironment;
}

/**
 * Ingests a UC roster when `rosters/<id>/<name>.csv` lands in the drop bucket (its own S3
 * notification), stores the UCs, quarantines rejected rows, and re-plans the AORs whose
 * NTA backlog changed, writing their work lists back to the bucket.
 */
export class RosterIngest extends Construct {
  readonly function: PipelineFunction;

  constructor(scope: Construct, id: string, props: RosterIngestProps) {
    super(scope, id);
    const { dropBucket, casesTable } = props;
    this.function = new PipelineFunction(this, 'Function', {
      name: 'ingestRoster',
      retryAttempts: INGEST_FAILURES.asyncRetryAttempts,
      environment: {
        [ENV.casesTable]: casesTable.tableName,
        [ENV.dropBucket]: dropBucket.bucketName,
        ...props.planEnvironment,
      },
    });
    dropBucket.grantRead(this.function, `${ROSTER_DROPS.prefix}*`);
    dropBucket.grantPut(this.function, `${ROSTER_DROPS.workListPrefix}*`);
    dropBucket.grantPut(this.function, `${ROSTER_DROPS.quarantinePrefix}*`);
    grantTableAccess(casesTable, this.function, TABLE_ACCESS.ingestRoster.cases);
    // Through DocketIngest's reference: no cycle between the stacks, and one notification
    // resource for the bucket (two would overwrite each other's configuration).
    props.notificationBucket.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(this.function), {
      prefix: ROSTER_DROPS.prefix,
      suffix: ROSTER_DROPS.suffix,
    });
  }
}
