import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { FtaEventMessage } from '../messages/fta-event';
import type { FtaPublisher } from '../ports/fta-publisher';
import { backoffMs, chunk, mapWithLimit, sleep } from '../runtime/concurrency';

/** AWS limit: SendMessageBatch takes at most 10 entries. */
const SEND_BATCH_MAX = 10;
const MAX_ATTEMPTS = 5;

export interface SqsFtaPublisherOptions {
  readonly client: SQSClient;
  /** Every fan-out queue; each message goes to all of them. */
  readonly queueUrls: readonly string[];
}

/**
 * Sends FTA messages to every fan-out queue, retrying failed entries with backoff. An ftaId
 * counts as published only when every queue accepted it.
 */
export function createSqsFtaPublisher({ client, queueUrls }: SqsFtaPublisherOptions): FtaPublisher {
  async function sendAll(queueUrl: string, messages: readonly FtaEventMessage[]): Promise<Set<string>> {
    const accepted = new Set<string>();
    await mapWithLimit(chunk(messages, SEND_BATCH_MAX), 4, async (batch) => {
      let pending = batch;
      for (let attempt = 0; pending.length > 0 && attempt < MAX_ATTEMPTS; attempt++) {
        if (attempt > 0) await sleep(backoffMs(attempt));
        try {
          const out = await client.send(
            new SendMessageBatchCommand({
              QueueUrl: queueUrl,
              // Entry ids must be unique in the batch and [A-Za-z0-9_-]: the ftaId is.
              Entries: pending.map((m) => ({ Id: m.ftaId, MessageBody: JSON.stringify(m) })),
            }),
          );
          for (const ok of out.Successful ?? []) if (ok.Id) accepted.add(ok.Id);
          const failed = new Set((out.Failed ?? []).map((f) => f.Id));
          pending = pending.filter((m) => failed.has(m.ftaId));
        } catch {
          // The whole call failed (network, throttling): retry the same entries.
        }
      }
    });
    return accepted;
  }

  return {
    async publish(messages: readonly FtaEventMessage[]): Promise<ReadonlySet<string>> {
      if (messages.length === 0) return new Set();
      const perQueue = await Promise.all(queueUrls.map((url) => sendAll(url, messages)));
      return new Set(messages.map((m) => m.ftaId).filter((id) => perQueue.every((s) => s.has(id))));
    },
  };
}
