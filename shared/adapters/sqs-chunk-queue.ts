import type { SQSClient } from '@aws-sdk/client-sqs';
import type { ChunkQueue } from '../ports/chunk-queue';
import { sendMessageBatches } from './sqs-batch';
import { DocketWatchError } from '../domain/errors';

export interface SqsChunkQueueOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
}

/** Sends chunk messages (each chunk of a run once) through sendMessageBatches; throws if any is still refused. */
export function createSqsChunkQueue({ client, queueUrl }: SqsChunkQueueOptions): ChunkQueue {
  return {
    async send(messages) {
      const entries = messages.map((m) => ({ key: `${m.dropId}#${m.runId}#${m.table}#${m.key}#${m.start}`, body: JSON.stringify(m) }));
      const accepted = await sendMessageBatches(client, queueUrl, entries);
      const refused = entries.filter((e) => !accepted.has(e.key)).length;
      if (refused > 0) throw new DocketWatchError('QUEUE_SEND_FAILED', `chunk queue refused ${refused} message(s)`);
    },
  };
}
