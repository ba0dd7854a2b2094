import { ChangeMessageVisibilityCommand, GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';

/** SQS's ceiling for a message's visibility timeout (12 hours). */
export const MAX_VISIBILITY_SECONDS = 12 * 3600;

/**
 * Holds a failed SQS message back: its next delivery comes after `delayMs` instead of after
 * the queue's visibility timeout. Used when the handler knows when a retry can succeed
 * (an unconfirmed notice blocks a resend until its grace period ends), so the retries are
 * not spent, and the message dead-lettered, before then. The Lambda SQS event source
 * already grants sqs:ChangeMessageVisibility and sqs:GetQueueUrl on the queue.
 */
export function sqsRedelivery(sqs: SQSClient): (record: SQSRecord, delayMs: number) => Promise<void> {
  const urls = new Map<string, Promise<string>>();
  const queueUrl = (arn: string): Promise<string> => {
    let url = urls.get(arn);
    if (url === undefined) {
      // arn:aws:sqs:<region>:<account>:<name>
      const [, , , , account, name] = arn.split(':');
      url = sqs.send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account })).then((r) => r.QueueUrl ?? '');
      url.catch(() => urls.delete(arn));
      urls.set(arn, url);
    }
    return url;
  };
  return async (record, delayMs) => {
    const seconds = Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, Math.ceil(delayMs / 1000)));
    await sqs.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: await queueUrl(record.eventSourceARN), ReceiptHandle: record.receiptHandle, VisibilityTimeout: seconds }),
    );
  };
}
