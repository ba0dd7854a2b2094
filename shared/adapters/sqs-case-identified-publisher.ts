import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { CaseIdentifiedMessage } from '../messages/case-identified';
import type { CaseIdentifiedPublisher } from '../ports/identity-notices';
import { backoffMs, chunk, sleep } from '../lib/concurrency';
import { DocketWatchError } from '../domain/errors';

/** AWS limit: SendMessageBatch takes at most 10 entries. */
const SEND_BATCH_MAX = 10;
const MAX_ATTEMPTS = 5;

/** Sends CASE_IDENTIFIED messages (ids only) to the ORR notices queue, retrying failed entries. */
export function createSqsCaseIdentifiedPublisher({ client, queueUrl }: { client: SQSClient; queueUrl: string }): CaseIdentifiedPublisher {
  return {
    async publish(caseIds, source) {
      const messages: CaseIdentifiedMessage[] = [...new Set(caseIds)].map((caseId) => ({ type: 'CASE_IDENTIFIED', version: 1, caseId, source }));
      for (const batch of chunk(messages, SEND_BATCH_MAX)) {
        let pending = batch;
        for (let attempt = 0; pending.length > 0; attempt++) {
          if (attempt >= MAX_ATTEMPTS) throw new DocketWatchError('QUEUE_SEND_FAILED', `${pending.length} CASE_IDENTIFIED message(s) not accepted by the ORR notices queue`);
          if (attempt > 0) await sleep(backoffMs(attempt));
          const out = await client
            .send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: pending.map((m) => ({ Id: m.caseId, MessageBody: JSON.stringify(m) })) }))
            .catch(() => undefined);
          if (out === undefined) continue;
          const failed = new Set((out.Failed ?? []).map((f) => f.Id));
          pending = pending.filter((m) => failed.has(m.caseId));
        }
      }
    },
  };
}
