import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ChunkQueue } from '../ports/chunk-queue';
import { backoffMs, chunk, sleep } from '../runtime/concurrency';

/** AWS limit: SendMessageBatch takes at most 10 entries. */
const SEND_BATCH_MAX = 10;
const MAX_ATTEMPTS = 5;

export interface SqsChunkQueueOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
}

/** Sends chunk messages in batches of 10, retrying failed entries with backoff; throws if any is still refused. */
export function createSqsChunkQueue({ client, queueUrl }: SqsChunkQueueOptions): ChunkQueue {
  return {
    async send(messages) {
      for (const batch of chunk(messages, SEND_BATCH_MAX)) {
        let pending = batch.map((m, i) => ({ Id: String(i), MessageBody: JSON.stringify(m) }));
        for (let attempt = 0; pending.length > 0; attempt++) {
          if (attempt >= MAX_ATTEMPTS) throw new Error(`chunk queue refused ${pending.length} message(s)`);
          if (attempt > 0) await sleep(backoffMs(attempt));
          const out = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: pending }));
          const failed = new Set((out.Failed ?? []).map((f) => f.Id));
          pending = pending.filter((e) => failed.has(e.Id));
        }
      }
    },
  };
}
