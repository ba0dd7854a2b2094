import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DropReport } from '../../domain/drop-report';
import type { DropReports } from '../../ports/case-store';
import { scanPages } from './batch-and-query';
import { keys, SK_PREFIX } from './keys';
import { dropHistoryItem } from './program-aggregates';
import { isConditionFailure } from './transactions';

/*
 * Drop reports (keys.ts: dropReport), with the per-drop history item and the last-drop
 * aggregate (AGG#DROP) the metrics job reads.
 */
export interface DynamoDropReportsOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

export function createDynamoDropReports({ client, tableName }: DynamoDropReportsOptions): DropReports & { listDropReports(): Promise<DropReport[]> } {
  return {
    async saveDropReport(report: DropReport): Promise<void> {
      await client.send(
        new PutCommand({ TableName: tableName, Item: { ...keys.dropReport(report.dropId, report.startedAt), dropId: report.dropId, report } }),
      );
      // The drop history the metrics job reads (rows rejected per drop), newest last by key.
      const tables = Object.values(report.tables);
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: dropHistoryItem({
            dropId: report.dropId,
            landedAt: report.startedAt,
            rowsRead: tables.reduce((a, t) => a + t.read, 0),
            rowsRejected: tables.reduce((a, t) => a + t.rejected, 0),
            ftasNew: report.ftas.new,
            ftasRescinded: report.ftas.rescinded,
          }),
        }),
      );
      await client
        .send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.lastDrop(),
            UpdateExpression: 'SET lastDropAt = :at, dropId = :id',
            ConditionExpression: 'attribute_not_exists(lastDropAt) OR lastDropAt < :at',
            ExpressionAttributeValues: { ':at': report.startedAt, ':id': report.dropId },
          }),
        )
        .catch((err: unknown) => {
          if (!isConditionFailure(err)) throw err;
        });
    },

    /** Every drop report (and roster report: both sort under REPORT#), oldest first: for exports and the local run. */
    async listDropReports(): Promise<DropReport[]> {
      const reports: DropReport[] = [];
      for await (const page of scanPages(client, tableName, { expression: 'begins_with(sk, :r)', values: { ':r': SK_PREFIX.report } })) {
        for (const item of page) reports.push(item.report as DropReport);
      }
      return reports.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
    },
  };
}
