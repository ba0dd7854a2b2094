import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DocketWatchError } from '../../domain/errors';
import type { Fta } from '../../domain/fta';
import type { FtaRescindedMessage } from '../../messages/fta-rescinded';
import type { FtaOutbox, StoredFta } from '../../ports/case-store';
import { sendUpdatesGrouped } from './grouped-updates';
import { queryPages } from './batch-and-query';
import { fromFtaItem } from './fta-item';
import { keys, OUTBOX_PK, type ItemKey } from './keys';

/*
 * The transactional outbox: an FTA item (or a rescission item) carries outboxPk/outboxSk
 * from the transaction that records it until its message is queued; the sparse `outbox`
 * index (keyed by outboxPk) lists exactly those, oldest first. Marking one published
 * removes the two attributes, and so the index entry.
 */
const OUTBOX_INDEX = { name: 'outbox', keyName: 'outboxPk' } as const;

export interface DynamoFtaOutboxOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

export function createDynamoFtaOutbox({ client, tableName }: DynamoFtaOutboxOptions): FtaOutbox {
  // Up to 100 to a transaction (sendUpdatesGrouped); an item that does not exist is an error, as before.
  const markPublished = async (itemKeys: readonly ItemKey[]): Promise<void> => {
    const publishedAt = new Date().toISOString();
    const applied = await sendUpdatesGrouped(
      client,
      itemKeys.map((Key) => ({
        TableName: tableName,
        Key,
        UpdateExpression: 'REMOVE outboxPk, outboxSk SET publishedAt = if_not_exists(publishedAt, :now)',
        ExpressionAttributeValues: { ':now': publishedAt },
        ConditionExpression: 'attribute_exists(pk)',
      })),
    );
    const missing = applied.filter((a) => !a).length;
    if (missing > 0) throw new DocketWatchError('FTA_NOT_FOUND', `${missing} of ${itemKeys.length} FTA or rescission items to mark published do not exist`);
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
