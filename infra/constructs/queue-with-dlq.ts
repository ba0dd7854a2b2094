import { Duration } from 'aws-cdk-lib';
import { ComparisonOperator, TreatMissingData, type Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption, type IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { INGEST_FAILURES, type QueueDefinition } from '../../shared/runtime/resources';

export interface QueueWithDlqProps {
  /** One entry of FTA_QUEUES: timeouts, retention, redrive and event-source settings. */
  readonly definition: QueueDefinition;
  /** Customer-managed key for the queue and its DLQ; SQS-managed encryption without one. */
  readonly encryptionKey?: IKey;
}

/**
 * An SQS queue and its dead-letter queue, both SQS-encrypted and TLS-only, built from
 * one QueueDefinition: a message moves to the DLQ after `maxReceiveCount` receives.
 */
export class QueueWithDlq extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly definition: QueueDefinition;

  constructor(scope: Construct, id: string, { definition, encryptionKey }: QueueWithDlqProps) {
    const encryption = encryptionKey
      ? { encryption: QueueEncryption.KMS, encryptionMasterKey: encryptionKey }
      : { encryption: QueueEncryption.SQS_MANAGED };
    super(scope, id);
    this.definition = definition;
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      retentionPeriod: Duration.days(definition.dlqRetentionDays),
      ...encryption,
      enforceSSL: true,
    });
    this.queue = new Queue(this, 'Queue', {
      visibilityTimeout: Duration.seconds(definition.visibilityTimeoutSeconds),
      retentionPeriod: Duration.days(definition.retentionDays),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: definition.maxReceiveCount },
      ...encryption,
      enforceSSL: true,
    });
  }

  /**
   * The Lambda event source for this queue's consumer, with partial batch responses.
   * `maxConcurrency` (2-1000) caps the concurrent invocations this source starts.
   */
  eventSource(options: { maxConcurrency?: number } = {}): SqsEventSource {
    return new SqsEventSource(this.queue, {
      batchSize: this.definition.batchSize,
      maxBatchingWindow: Duration.seconds(this.definition.maxBatchingWindowSeconds),
      reportBatchItemFailures: true,
      maxConcurrency: options.maxConcurrency,
    });
  }
}

/** Alarms to `topic` as soon as any message is waiting in `queue` (a DLQ or a failure queue). */
export function alarmOnWaitingMessages(scope: Construct, id: string, queue: IQueue, alarmDescription: string, topic: ITopic): Alarm {
  const alarm = queue
    .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' })
    .createAlarm(scope, id, {
      alarmDescription,
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  alarm.addAlarmAction(new SnsAction(topic));
  return alarm;
}

/** Alarms to `topic` as soon as any message is waiting in the queue's DLQ. */
export function alarmOnDeadLetters(scope: Construct, id: string, queue: QueueWithDlq, topic: ITopic): Alarm {
  return alarmOnWaitingMessages(scope, id, queue.deadLetterQueue, `A message reached the dead-letter queue of ${queue.definition.id}`, topic);
}

/**
 * The on-failure destination of an S3-triggered (asynchronously invoked) function: its
 * events that failed every retry wait here, encrypted, alarmed to `topic`, for a redrive.
 */
export function ingestFailureQueue(scope: Construct, options: { encryptionKey?: IKey; alarmTopic: ITopic; alarmDescription: string }): Queue {
  const queue = new Queue(scope, 'Failures', {
    retentionPeriod: Duration.days(INGEST_FAILURES.retentionDays),
    ...(options.encryptionKey
      ? { encryption: QueueEncryption.KMS, encryptionMasterKey: options.encryptionKey }
      : { encryption: QueueEncryption.SQS_MANAGED }),
    enforceSSL: true,
  });
  alarmOnWaitingMessages(scope, 'FailureAlarm', queue, options.alarmDescription, options.alarmTopic);
  return queue;
}
