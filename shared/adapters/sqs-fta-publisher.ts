import type { SQSClient } from '@aws-sdk/client-sqs';
import type { FtaEventMessage } from '../messages/fta-event';
import type { FtaPublisher } from '../ports/fta-publisher';
import { sendMessageBatches } from './sqs-batch';

export interface SqsFtaPublisherOptions {
  readonly client: SQSClient;
  /** Every fan-out queue; each message goes to all of them. */
  readonly queueUrls: readonly string[];
}

/** One message per FTA event: the same event listed twice (a repeated line) is sent once. */
const eventKey = (m: FtaEventMessage): string => `${m.type}#${m.ftaId}`;

/**
 * Sends FTA messages to every fan-out queue (sendMessageBatches: deduped, batched, failed
 * entries retried). An ftaId counts as published only when every queue accepted every
 * event of it.
 */
export function createSqsFtaPublisher({ client, queueUrls }: SqsFtaPublisherOptions): FtaPublisher {
  return {
    async publish(messages: readonly FtaEventMessage[]): Promise<ReadonlySet<string>> {
      if (messages.length === 0) return new Set();
      const entries = messages.map((m) => ({ key: eventKey(m), body: JSON.stringify(m) }));
      const perQueue = await Promise.all(queueUrls.map((url) => sendMessageBatches(client, url, entries)));
      const refused = new Set(messages.filter((m) => !perQueue.every((s) => s.has(eventKey(m)))).map((m) => m.ftaId));
      return new Set(messages.map((m) => m.ftaId).filter((id) => !refused.has(id)));
    },
  };
}
