import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Fta } from '../../domain/fta';
import type { FtaRescindedMessage } from '../../messages/fta-rescinded';
import type { FtaOutbox, StoredFta } from '../../ports/case-store';
import { mapWithLimit } from '../../lib/concurrency';
import { queryPages } from './batch-and-query';
import { fromFtaItem } from './fta-item';
import { keys, OUTBOX_PK, type ItemKey } from './keys';

/*
 * The transactional outbox: an FTA item (or a rescission item) carries outboxPk/outboxSk
 * from the transaction that records it until its message is queued; the sparse `outbox`
 * index (keyed by outboxPk) lists exactly those, oldest first. Marking one published
 * removes the two attributes, and so the index entry.
 */
const CONCURRENCY = 16;
const OUTBOX_INDEX = { name: 'outbox', keyName: 'outboxPk' } as const;

export interface DynamoFtaOutboxOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

export function createDynamoFtaOutbox({ client, tableName }: DynamoFtaOutboxOptions): FtaOutbox {
  const markPublished = (itemKeys: readonly ItemKey[]) => {
    const publishedAt = new Date().toISOString();
    return mapWithLimit(itemKeys, CONCURRENCY, (Key) =>
      client.send(
        new UpdateCommand({
          TableName: tableName,
          Key,
          UpdateExpression: 'REMOVE outboxPk, outboxSk SET publishedAt = if_not_exists(publishedAt, :now)',
          ExpressionAttributeValues: { ':now': publishedAt },
          ConditionExpression: 'attribute_exists(pk)',
        }),
      ),
    );
  };

  return {
    async *unpublishedFtas(pageSize: number): AsyncIterable<readonly StoredFta[]> {
      for await (const page of queryPages(client, tableName, { pk: OUTBOX_PK.fta, index: OUTBOX_INDEX, pageSize })) {
        yield page.map((item) => {
          const view = fromFtaItem(item);
          return { fta: view, recordedAt: view.recordedAt };
        });
      }
    },

    async markFtasPublished(ftas: readonly Fta[]): Promise<void> {
      await markPublished(ftas.map((f) => keys.fta(f.caseId, f.ftaId)));
    },

    async *unpublishedRescissions(pageSize: number): AsyncIterable<readonly FtaRescindedMessage[]> {
      for await (const page of queryPages(client, tableName, { pk: OUTBOX_PK.rescission, index: OUTBOX_INDEX, pageSize })) {
        yield page.map((item) => item.message as FtaRescindedMessage);
      }
    },

    async markRescissionsPublished(messages: readonly FtaRescindedMessage[]): Promise<void> {
      await markPublished(messages.map((m) => keys.rescission(m.caseId, m.ftaId)));
    },
  };
}
