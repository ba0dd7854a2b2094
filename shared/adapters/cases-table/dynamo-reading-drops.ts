import { DeleteCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ReadingDrops } from '../../ports/reading-drops';
import { batchGetItems, batchPutItems, batchWriteItems, queryPartition } from './batch-and-query';
import { keys, READING_DROPS_PK, SK_PREFIX } from './keys';
import { sendConditional } from './transactions';

/*
 * Drops being read and the cases left to their finish (keys.ts):
 *   claim     pk READING#DROPS   sk DROP#<dropId>       dropId, runId, until (ISO time)
 *   hand-off  pk DROP#<dropId>   sk HANDOFF#<IDNCASE>   caseId
 * A claim exists only while a run reads the drop (deleted by the run's finish), so the
 * claims partition holds the drops being read now and those whose run died: a settle asks
 * for the drops its cases name and mostly finds nothing. Hand-offs are few (cases a roster
 * names while a drop it read writes to them) and deleted once settled.
 */
export interface DynamoReadingDropsOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

export function createDynamoReadingDrops({ client, tableName }: DynamoReadingDropsOptions): ReadingDrops {
  return {
    async claim(dropId, runId, until) {
      await client.send(new PutCommand({ TableName: tableName, Item: { ...keys.readingClaim(dropId), type: 'READING_CLAIM', dropId, runId, until } }));
    },

    async release(dropId, runId, expiredAt) {
      // Another run of the drop id that took the claim over keeps it; released already: nothing to do.
      return sendConditional(
        client,
        new DeleteCommand({
          TableName: tableName,
          Key: keys.readingClaim(dropId),
          ...(expiredAt === undefined
            ? { ConditionExpression: 'runId = :r', ExpressionAttributeValues: { ':r': runId } }
            : { ConditionExpression: 'runId = :r AND #u <= :at', ExpressionAttributeNames: { '#u': 'until' }, ExpressionAttributeValues: { ':r': runId, ':at': expiredAt } }),
        }),
      );
    },

    async takeOverExpired(dropId, runId, byRunId, expiredAt) {
      return sendConditional(
        client,
        new UpdateCommand({
          TableName: tableName,
          Key: keys.readingClaim(dropId),
          UpdateExpression: 'SET runId = :by',
          ConditionExpression: 'runId = :r AND #u <= :at',
          ExpressionAttributeNames: { '#u': 'until' },
          ExpressionAttributeValues: { ':r': runId, ':by': byRunId, ':at': expiredAt },
        }),
      );
    },

    async reading(dropIds, now) {
      if (dropIds.length === 0) return new Set();
      const items = await batchGetItems(client, tableName, [...new Set(dropIds)].map((id) => keys.readingClaim(id)), {
        projection: 'dropId, #u', names: { '#u': 'until' }, consistentRead: true,
      });
      return new Set(items.filter((item) => String(item.until) > now).map((item) => String(item.dropId)));
    },

    async handOff(dropId, caseIds) {
      await batchPutItems(client, tableName, [...new Set(caseIds)].map((caseId) => ({ ...keys.handOff(dropId, caseId), type: 'HAND_OFF', caseId })));
    },

    async handedOff(dropId) {
      const items = await queryPartition(client, tableName, { pk: keys.dropPk(dropId), skPrefix: SK_PREFIX.handOff, consistentRead: true });
      return items.map((item) => String(item.caseId));
    },

    async clearHandOffs(dropId, caseIds) {
      await batchWriteItems(client, tableName, caseIds.map((caseId) => ({ DeleteRequest: { Key: keys.handOff(dropId, caseId) } })));
    },

    async expired(now) {
      const items = await queryPartition(client, tableName, { pk: READING_DROPS_PK, consistentRead: true });
      return items.filter((item) => String(item.until) <= now).map((item) => ({ dropId: String(item.dropId), runId: String(item.runId) }));
    },
  };
}
