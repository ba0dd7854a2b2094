import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { EventType, type IBucket, type NotificationKeyFilter } from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import type { Construct } from 'constructs';
import { ENV, INGEST_FAILURES } from '../../shared/runtime/resources';
import { grantReadPrefixes, grantTableAccess, TABLE_ACCESS } from '../permissions';
import { PipelineFunction } from './pipeline-function';
import { ingestFailureQueue } from './queue-with-dlq';

/** The functions an object landing in the drop bucket invokes, besides the docket ingest. */
export type S3TriggeredFunctionName = 'ingestRoster' | 'recordWorkListReturns' | 'reconcileOpla';

export interface S3TriggeredFunctionProps {
  readonly name: S3TriggeredFunctionName;
  readonly dropBucket: IBucket;
  readonly casesTable: ITable;
  /** DocketIngest.notificationBucket: one notification resource for the bucket (two would overwrite each other's configuration). */
  readonly notificationBucket: IBucket;
  readonly alarmTopic: ITopic;
  /** Encrypts the failure queue (it holds S3 events: keys, no file contents). */
  readonly encryptionKey?: IKey;
  /** The failure queue alarm's description: what failed after every retry. */
  readonly failureDescription: string;
  /**
   * The S3 notifications: a prefix, and a suffix only where letter case is ours to decide
   * (S3 matches filters letter for letter: a `.csv` suffix never fires for ROSTER.CSV).
   */
  readonly triggers: readonly NotificationKeyFilter[];
  /** Prefixes whose objects it reads, only those its events name: it never lists the bucket. */
  readonly reads: readonly string[];
  /** Prefixes it writes under (no notification watches them). */
  readonly writes: readonly string[];
  /** Environment besides the cases table and drop bucket names. */
  readonly environment?: Readonly<Record<string, string>>;
}

/**
 * A function invoked asynchronously by objects landing in the drop bucket, as the roster
 * ingest, the work-list return recorder and the OPLA reconciliation are: Lambda retries a
 * failed event INGEST_FAILURES.asyncRetryAttempts times, then it waits in an encrypted,
 * alarmed failure queue for a redrive (re-putting the object runs it again: each function
 * is idempotent). Grants exactly the reads, writes and TABLE_ACCESS of `name`.
 *
 * Creates `Failures`, `FailureAlarm` and `Function` in `scope` (the calling construct), so
 * construct paths and logical ids are those the constructs had when each built its own.
 */
export function s3TriggeredFunction(scope: Construct, props: S3TriggeredFunctionProps): { function: PipelineFunction; failures: Queue } {
  const { dropBucket, casesTable } = props;
  const failures = ingestFailureQueue(scope, {
    encryptionKey: props.encryptionKey,
    alarmTopic: props.alarmTopic,
    alarmDescription: props.failureDescription,
  });
  const fn = new PipelineFunction(scope, 'Function', {
    name: props.name,
    onFailure: new SqsDestination(failures),
    retryAttempts: INGEST_FAILURES.asyncRetryAttempts,
    environment: {
      [ENV.casesTable]: casesTable.tableName,
      [ENV.dropBucket]: dropBucket.bucketName,
      ...props.environment,
    },
  });
  grantReadPrefixes(dropBucket, fn, props.reads, { list: false });
  for (const prefix of props.writes) dropBucket.grantPut(fn, `${prefix}*`);
  grantTableAccess(casesTable, fn, TABLE_ACCESS[props.name].cases);
  for (const filter of props.triggers) {
    props.notificationBucket.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(fn), filter);
  }
  return { function: fn, failures };
}
