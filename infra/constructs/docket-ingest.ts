import { Duration } from 'aws-cdk-lib';
import { ComparisonOperator, MathExpression, TreatMissingData, type Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Bucket, EventType, type IBucket } from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Construct } from 'constructs';
import {
  DROP_BUCKET,
  DROP_CHUNK_QUEUE,
  DROP_CHUNK_WORKERS,
  ENV,
  INGEST_FAILURES,
  INGEST_HEAP_MB,
  INGEST_TRIGGERS,
  OUTBOX_SWEEP_SCHEDULE,
  type FtaQueueName,
} from '../../shared/runtime/resources';
import { grantReadPrefixes, grantTableAccess, TABLE_ACCESS } from '../permissions';
import type { MetricName } from '../../shared/domain/metrics';
import { cataloguedMetric } from './catalogued-metrics';
import { PipelineFunction } from './pipeline-function';
import { alarmOnDeadLetters, ingestFailureQueue, QueueWithDlq } from './queue-with-dlq';

export interface DocketIngestProps {
  readonly dropBucket: IBucket;
  readonly casesTable: ITable;
  /** Every new FTA is sent to each of these queues. */
  readonly queues: Readonly<Record<FtaQueueName, QueueWithDlq>>;
  readonly alarmTopic: ITopic;
  /** Encrypts the failure queue (it holds S3 events: keys, no drop contents). */
  readonly encryptionKey?: IKey;
}

/**
 * Ingests a DOJ docket drop when its completion marker lands under `drops/`: every object
 * created under the drop prefixes invokes the function (it starts an ingest only for a
 * marker or a zip, in any letter case), which reads the drop, writes
 * cases and FTAs, and sends each new FTA to every fan-out queue. A drop with a table
 * above INGEST_FAN_OUT_BYTES is planned by that function and its byte-range chunks go,
 * stage by stage, through the drop chunk queue (DLQ alarmed) to the chunk worker. A zip
 * drop with such a table is first unpacked into `unpacked/<dropId>/`, whose completion
 * marker starts the function again (INGEST_TRIGGERS).
 */
export class DocketIngest extends Construct {
  readonly function: PipelineFunction;
  /** The chunk worker: one byte range of a big drop per invocation. */
  readonly chunkFunction: PipelineFunction;
  readonly chunkQueue: QueueWithDlq;
  /** Drops whose ingest failed after every retry (the S3 event and the error). */
  readonly failures: Queue;
  /**
   * The bucket reference that carries the drop bucket's notifications: other triggers on
   * the bucket (the roster ingest) go through it too, so one notification resource owns them.
   */
  readonly notificationBucket: IBucket;
  /** Sends the outboxes' leftovers on OUTBOX_SWEEP_SCHEDULE. */
  readonly sweepFunction: PipelineFunction;
  readonly sweepRule: Rule;
  /** A drop with nothing readable; a table read short of Count.txt. */
  readonly alarms: { readonly dropFailed: Alarm; readonly countShortfall: Alarm };

  constructor(scope: Construct, id: string, props: DocketIngestProps) {
    super(scope, id);
    const { dropBucket, casesTable, queues } = props;
    this.failures = ingestFailureQueue(this, {
      encryptionKey: props.encryptionKey,
      alarmTopic: props.alarmTopic,
      alarmDescription: 'A docket drop failed to ingest after every retry; its S3 event waits in the failure queue',
    });
    // Chunk messages hold keys and ids only; encrypted like every other queue.
    this.chunkQueue = new QueueWithDlq(this, DROP_CHUNK_QUEUE.id, { definition: DROP_CHUNK_QUEUE, encryptionKey: props.encryptionKey });
    const environment = {
      [ENV.casesTable]: casesTable.tableName,
      [ENV.dropBucket]: dropBucket.bucketName,
      [ENV.orrNoticeQueueUrl]: queues.orrNotices.queue.queueUrl,
      [ENV.ntaScheduleQueueUrl]: queues.ntaSchedule.queue.queueUrl,
      [ENV.dropChunkQueueUrl]: this.chunkQueue.queue.queueUrl,
      // A fixed heap (INGEST_HEAP_MB, 3/4 of the memory; the same cap npm run bench measures under).
      NODE_OPTIONS: `--enable-source-maps --max-old-space-size=${INGEST_HEAP_MB}`,
    };
    this.function = new PipelineFunction(this, 'Function', {
      name: 'ingestDocket',
      onFailure: new SqsDestination(this.failures),
      retryAttempts: INGEST_FAILURES.asyncRetryAttempts,
      environment,
    });
    this.chunkFunction = new PipelineFunction(this, 'ChunkFunction', { name: 'ingestDropChunk', environment });
    for (const [fn, access] of [
      [this.function, TABLE_ACCESS.ingestDocket.cases],
      [this.chunkFunction, TABLE_ACCESS.ingestDropChunk.cases],
    ] as const) {
      // Only the ingest lists a drop's folder; the chunk worker reads the keys it is given.
      grantReadPrefixes(dropBucket, fn, [DROP_BUCKET.dropPrefix, DROP_BUCKET.unpackedPrefix], { list: fn === this.function });
      // Rejected rows are written to the quarantine prefix; a report's long lists under reports/drops/.
      dropBucket.grantPut(fn, `${DROP_BUCKET.quarantinePrefix}*`);
      dropBucket.grantPut(fn, `${DROP_BUCKET.reportPrefix}*`);
      grantTableAccess(casesTable, fn, access);
      for (const { queue } of Object.values(queues)) queue.grantSendMessages(fn);
      // The ingest sends the first stage; the chunk completing a stage sends the next.
      this.chunkQueue.queue.grantSendMessages(fn);
    }
    // A big zip drop is unpacked into `unpacked/<dropId>/` by the ingest alone. Nothing
    // writes under `drops/` (DOJ's copy), and the chunk worker only reads.
    dropBucket.grantPut(this.function, `${DROP_BUCKET.unpackedPrefix}*`);
    this.chunkFunction.addEventSource(this.chunkQueue.eventSource({ maxConcurrency: DROP_CHUNK_WORKERS.maxConcurrency }));
    alarmOnDeadLetters(this, 'ChunkDeadLetterAlarm', this.chunkQueue, props.alarmTopic);

    // Notifications on the bucket itself would put the notification resource in the data
    // stack, pointing at this function: a cycle between the stacks. Through a reference
    // the resource lives here and leaves the bucket's other notifications alone.
    const bucket = Bucket.fromBucketAttributes(this, 'DropBucket', {
      bucketArn: dropBucket.bucketArn,
      bucketName: dropBucket.bucketName,
    });
    this.notificationBucket = bucket;

    // The outbox sweep: FTAs and rescissions stored but not queued go out within minutes,
    // whether or not another drop comes. Every ingest sweeps first too.
    this.sweepFunction = new PipelineFunction(this, 'SweepOutboxFunction', {
      name: 'sweepOutbox',
      environment: {
        [ENV.casesTable]: casesTable.tableName,
        [ENV.orrNoticeQueueUrl]: queues.orrNotices.queue.queueUrl,
        [ENV.ntaScheduleQueueUrl]: queues.ntaSchedule.queue.queueUrl,
      },
    });
    grantTableAccess(casesTable, this.sweepFunction, TABLE_ACCESS.sweepOutbox.cases);
    for (const { queue } of Object.values(queues)) queue.grantSendMessages(this.sweepFunction);
    this.sweepRule = new Rule(this, 'SweepOutboxSchedule', {
      description: 'Docket Watch: send FTAs and rescissions stored but not yet queued',
      schedule: Schedule.expression(OUTBOX_SWEEP_SCHEDULE.expression),
      targets: [new LambdaFunction(this.sweepFunction)],
    });

    // What the operator must see after a drop (published by the ingest and by the chunk
    // worker that finishes a fanned-out drop: two `service` dimensions, summed).
    const both = (metricName: MetricName): MathExpression =>
      new MathExpression({
        expression: 'FILL(a, 0) + FILL(b, 0)',
        usingMetrics: Object.fromEntries(
          (['ingestDocket', 'ingestDropChunk'] as const).map((fn, i) => [
            i === 0 ? 'a' : 'b',
            cataloguedMetric(metricName, fn, { statistic: 'Sum', period: Duration.minutes(5) }),
          ]),
        ),
        label: metricName,
        period: Duration.minutes(5),
      });
    const alarm = (id: string, metricName: MetricName, description: string): Alarm => {
      const a = both(metricName).createAlarm(this, id, {
        alarmDescription: description,
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(new SnsAction(props.alarmTopic));
      return a;
    };
    this.alarms = {
      dropFailed: alarm('DropFailedAlarm', 'DropsFailed', 'A docket drop had nothing the ingest could read (its drop report says why)'),
      countShortfall: alarm('CountShortfallAlarm', 'CountShortfallRows', 'A docket drop table was read short of its Count.txt row count: rows (and FTAs) may be missing'),
    };
    // Prefix only: a suffix filter is case-sensitive and would miss `COUNT.TXT` or `.ZIP`;
    // the function tells markers from table files by name (DROP_BUCKET.markerNames).
    for (const { prefix } of INGEST_TRIGGERS) {
      bucket.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(this.function), { prefix });
    }

  }
}
