import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OplaExportRecord, ReconciliationBasis } from '../../ports/reconciliation-basis';
import { queryPartition } from './batch-and-query';
import { keys } from './keys';

/*
 * Items in the cases table:
 *   OPLA export  pk OPLA#EXPORT  sk EXPORT#<exportId>   objectKey, firstArrivedAt, read, accepted, rejected
 * and it reads the ingest's last-drop aggregate (pk AGG#DROP, sk LAST: dropId).
 * Export ids are folder names OPLA chooses, never PII; no row content is stored.
 */

export function createDynamoReconciliationBasis({ client, tableName }: { client: DynamoDBDocumentClient; tableName: string }): ReconciliationBasis {
  const fromItem = (item: Record<string, unknown>): OplaExportRecord => ({
    exportId: String(item.exportId),
    objectKey: String(item.objectKey),
    firstArrivedAt: String(item.firstArrivedAt),
    read: Number(item.read ?? 0),
    accepted: Number(item.accepted ?? 0),
    rejected: Number(item.rejected ?? 0),
  });
  return {
    async recordOplaExport(record) {
      const out = await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.oplaExport(record.exportId),
          UpdateExpression: 'SET exportId = :id, objectKey = :key, firstArrivedAt = if_not_exists(firstArrivedAt, :at), #read = :read, accepted = :accepted, rejected = :rejected',
          ExpressionAttributeNames: { '#read': 'read' },
          ExpressionAttributeValues: {
            ':id': record.exportId, ':key': record.objectKey, ':at': record.firstArrivedAt, ':read': record.read, ':accepted': record.accepted, ':rejected': record.rejected,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return fromItem(out.Attributes ?? {});
    },
    async latestOplaExport() {
      let latest: OplaExportRecord | undefined;
      for (const item of await queryPartition(client, tableName, { pk: keys.oplaExportsPk, consistentRead: true })) {
        const e = fromItem(item);
        if (latest === undefined || e.firstArrivedAt > latest.firstArrivedAt || (e.firstArrivedAt === latest.firstArrivedAt && e.exportId > latest.exportId)) latest = e;
      }
      return latest;
    },
    async lastDropId() {
      const out = await client.send(new GetCommand({ TableName: tableName, Key: keys.lastDrop(), ConsistentRead: true }));
      return typeof out.Item?.dropId === 'string' ? out.Item.dropId : null;
    },
  };
}
