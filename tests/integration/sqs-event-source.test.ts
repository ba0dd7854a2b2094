import { ChangeMessageVisibilityCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulators } from '../../infra/local/emulators';
import { localClientConfig, provisionLocalResources, type LocalQueue } from '../../infra/local/provision';
import { pollQueue } from '../../infra/local/sqs-event-source';
import { connectEmulators, uniqueSuffix } from '../helpers/local-stack';

/*
 * The local SQS event source on the SQS emulator, for a batch size over ReceiveMessage's 10
 * (the ORR notice queue's): one invocation takes every waiting message up to the batch
 * size, and deletes exactly those the handler did not report failed.
 */
describe('the local SQS event source', () => {
  let emulators: Emulators;
  let sqs: SQSClient;
  let queue: LocalQueue;

  beforeAll(async () => {
    emulators = await connectEmulators();
    sqs = new SQSClient(localClientConfig(emulators.endpoints.sqs));
    queue = (await provisionLocalResources(emulators.endpoints, { suffix: uniqueSuffix(), visibilityTimeoutSeconds: 30 })).queues.orrNotices;
  });

  afterAll(async () => {
    sqs?.destroy();
    await emulators?.stop();
  });

  it('hands the notifier every waiting message up to its batch size in one event, and deletes all but the failed ones', async () => {
    const waiting = 35;
    expect(queue.definition.batchSize).toBeGreaterThan(waiting);
    for (let i = 0; i < waiting; i += 10) {
      const ids = Array.from({ length: Math.min(10, waiting - i) }, (_, j) => i + j);
      await sqs.send(new SendMessageBatchCommand({ QueueUrl: queue.url, Entries: ids.map((n) => ({ Id: String(n), MessageBody: JSON.stringify({ n }) })) }));
    }
    const events: SQSEvent[] = [];
    const processed: number[] = [];
    const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
      events.push(event);
      // The handler fails two records: they stay on the queue.
      return { batchItemFailures: event.Records.slice(0, 2).map((r) => ({ itemIdentifier: r.messageId })) };
    };
    await pollQueue(sqs, queue, handler, { name: 'notify-orr', timeoutSeconds: 60, memoryMb: 256 }, {
      stopped: () => events.length > 0,
      polled: () => undefined,
      invocationStarted: () => undefined,
      invocationEnded: () => undefined,
      progress: () => undefined,
      processed: (_fn, count) => void processed.push(count),
    });
    expect(events.map((e) => e.Records.length)).toEqual([waiting]);
    expect(new Set(events[0]?.Records.map((r) => (JSON.parse(r.body) as { n: number }).n)).size).toBe(waiting);
    expect(processed).toEqual([waiting - 2]);
    // Only the two failed ones are left: made visible again, they are all a receive finds.
    for (const r of events[0]?.Records.slice(0, 2) ?? []) {
      await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queue.url, ReceiptHandle: r.receiptHandle, VisibilityTimeout: 0 }));
    }
    const left = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }))).Messages ?? [];
    expect(left.map((m) => m.Body).sort()).toEqual(events[0]?.Records.slice(0, 2).map((r) => r.body).sort());
  });
});
