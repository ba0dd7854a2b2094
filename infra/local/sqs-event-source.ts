import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { sleep } from '../../shared/lib/concurrency';
import { lambdaContext, sqsEvent, type SqsHandler } from './lambda-runtime';
import type { LocalQueue } from './provision';

/** SQS: ReceiveMessage returns at most 10 messages. */
const RECEIVE_MAX = 10;

/** What an event source tells the local pipeline, and asks it. */
export interface EventSourceHooks {
  /** The pipeline is stopping: the source ends after its current poll. */
  stopped(): boolean;
  /** A poll was answered (a receive can move a message to its DLQ): drains look again. */
  polled(): void;
  invocationStarted(): void;
  invocationEnded(): void;
  progress(line: string): void;
  /** `count` messages of function `fnName` handled and deleted. */
  processed(fnName: string, count: number): void;
}

/**
 * An SQS event source: receive a batch, invoke the handler, delete what succeeded (partial
 * batch responses). The emulator answers a long poll only when it holds MaxNumberOfMessages
 * or the wait is over, so a batch is taken in two receives or more: a long poll for one
 * message (answered as soon as one is there), then whatever else is waiting, up to the
 * batch size (10 a receive), without a wait. A message is handled within milliseconds of its sending, as a Lambda
 * event source without a batching window would (deployed, the FTA queues wait up to their
 * window to fill a batch, 1 s for the notices; the handlers take any batch size).
 */
export async function pollQueue(
  sqs: SQSClient,
  queue: LocalQueue,
  handler: SqsHandler,
  fn: { name: string; timeoutSeconds: number; memoryMb: number },
  hooks: EventSourceHooks,
): Promise<void> {
  const fnName = fn.name;
  const batchSize = queue.definition.batchSize;
  const receive = (max: number, waitSeconds: number) =>
    sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queue.url, MaxNumberOfMessages: max, WaitTimeSeconds: waitSeconds, MessageSystemAttributeNames: ['All'] }),
    );
  while (!hooks.stopped()) {
    let first: Message[];
    try {
      first = (await receive(1, 1)).Messages ?? [];
    } catch {
      // The emulator is unreachable (stopping, or a fault test's outage): try again shortly.
      await sleep(100);
      continue;
    } finally {
      // A receive can move a message to its DLQ (maxReceiveCount): a drain looks again.
      hooks.polled();
    }
    if (first.length === 0) continue;
    hooks.invocationStarted();
    try {
      const batch = [...first];
      // ReceiveMessage gives at most 10 at a time: a bigger batch takes more receives, until
      // the batch is full or the queue has no more waiting.
      while (batch.length < batchSize) {
        const want = Math.min(RECEIVE_MAX, batchSize - batch.length);
        const more = await receive(want, 0).then((out) => out.Messages ?? [], () => []);
        batch.push(...more);
        if (more.length < want) break;
      }
      const event = sqsEvent(batch, queue.arn);
      let failed = new Set<string>();
      try {
        const response = await handler(event, lambdaContext(fnName, fn.timeoutSeconds, fn.memoryMb));
        failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      } catch (err) {
        // A thrown handler fails the whole batch: every message returns after the visibility timeout.
        failed = new Set(event.Records.map((r) => r.messageId));
        hooks.progress(`${fnName}: batch failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      const done = event.Records.filter((r) => !failed.has(r.messageId));
      if (failed.size > 0) hooks.progress(`${fnName}: ${failed.size} message(s) will be retried`);
      if (done.length > 0) {
        // DeleteMessageBatch takes at most 10 entries: a bigger batch's deletes go out together.
        const deletes: Promise<unknown>[] = [];
        for (let i = 0; i < done.length; i += RECEIVE_MAX) {
          const entries = done.slice(i, i + RECEIVE_MAX).map((r, j) => ({ Id: String(j), ReceiptHandle: r.receiptHandle }));
          deletes.push(sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queue.url, Entries: entries })));
        }
        await Promise.all(deletes);
        hooks.processed(fnName, done.length);
      }
    } finally {
      hooks.invocationEnded();
    }
  }
}

/** A queue's visible messages; with `includeInFlight`, in-flight and delayed ones too. */
export async function queueDepth(sqs: SQSClient, url: string, includeInFlight = false): Promise<number> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
    }),
  );
  const a = out.Attributes ?? {};
  const visible = Number(a.ApproximateNumberOfMessages ?? 0);
  return includeInFlight
    ? visible + Number(a.ApproximateNumberOfMessagesNotVisible ?? 0) + Number(a.ApproximateNumberOfMessagesDelayed ?? 0)
    : visible;
}
