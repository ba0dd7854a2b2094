import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { isAor } from '../domain/aor';
import type { DropReport } from '../domain/drop-report';
import type { Fta, FtaKind, FtaStatus } from '../domain/fta';
import type { EoirTableName } from '../domain/eoir-table';
import type { CaseStore, RecordOutcome, StoredFta, UcMark } from '../ports/case-store';
import { backoffMs, chunk, mapWithLimit, sleep } from '../runtime/concurrency';
import { dropHistoryItem, newFtaAggregateUpdates } from './program-aggregates';

/*
 * Item shapes in the cases table (keys from shared/runtime/resources.ts):
 *   UC mark      pk CASE#<IDNCASE>  sk UC                     basis, dropId
 *   FTA          pk CASE#<IDNCASE>  sk FTA#<ftaId>            see toFtaItem; outboxPk/outboxSk
 *                                                             while not yet queued
 *   drop report  pk DROP#<dropId>   sk REPORT#<startedAt>     report (map)
 *   aggregates   pk AGG#FTA         sk AOR#<aor|NONE>#<shard> open, rescinded, total (counters)
 *                pk AGG#DROP        sk LAST                   lastDropAt, dropId
 *   and the other program-metric aggregates: shared/domain/program-metrics.ts.
 */
const caseKey = (caseId: string): string => `CASE#${caseId}`;
const OUTBOX_PK = 'OUTBOX';
/** AWS limits: BatchWriteItem takes 25 requests, BatchGetItem 100 keys. */
const BATCH_WRITE_MAX = 25;
const BATCH_GET_MAX = 100;
const CONCURRENCY = 16;
const MAX_ATTEMPTS = 8;

export interface DynamoCaseStoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

export interface FtaView extends Fta {
  readonly status: FtaStatus;
  readonly recordedAt: string;
  readonly publishedAt: string | null;
}

export function createDynamoCaseStore({ client, tableName }: DynamoCaseStoreOptions): CaseStore & {
  getFta(caseId: string, ftaId: string): Promise<FtaView | undefined>;
  listFtas(): AsyncIterable<FtaView>;
  listDropReports(): Promise<DropReport[]>;
} {
  async function batchWrite(items: readonly Record<string, unknown>[]): Promise<void> {
    await mapWithLimit(chunk(items, BATCH_WRITE_MAX), CONCURRENCY, async (batch) => {
      let requests = batch.map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt >= MAX_ATTEMPTS) throw new Error(`BatchWriteItem left ${requests.length} items unprocessed`);
        if (attempt > 0) await sleep(backoffMs(attempt));
        const out = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
        requests = (out.UnprocessedItems?.[tableName] ?? []) as typeof requests;
      }
    });
  }

  async function recordOne(fta: Fta, recordedAt: string): Promise<RecordOutcome> {
    for (let attempt = 0; ; attempt++) {
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: tableName,
                  Item: toFtaItem(fta, recordedAt),
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              // Program-metric aggregates (shared/adapters/program-aggregates.ts).
              ...newFtaAggregateUpdates(tableName, { ...fta, dropId: fta.provenance.dropId }, recordedAt).map((Update) => ({ Update })),
            ],
          }),
        );
        return 'new';
      } catch (err) {
        if (err instanceof TransactionCanceledException) {
          const reasons = err.CancellationReasons ?? [];
          if (reasons[0]?.Code === 'ConditionalCheckFailed') return 'repeated';
          // TransactionConflict on the shared counter: retry with backoff.
          if (attempt < MAX_ATTEMPTS) {
            await sleep(backoffMs(attempt));
            continue;
          }
        }
        throw err;
      }
    }
  }

  return {
    async markUcCases(marks: readonly UcMark[]): Promise<void> {
      await batchWrite(
        marks.map((m) => ({ pk: caseKey(m.caseId), sk: 'UC', caseId: m.caseId, basis: m.basis, dropId: m.dropId })),
      );
    },

    async findUcCases(caseIds: readonly string[]): Promise<ReadonlySet<string>> {
      const found = new Set<string>();
      await mapWithLimit(chunk([...new Set(caseIds)], BATCH_GET_MAX), CONCURRENCY, async (ids) => {
        let keys: Record<string, unknown>[] = ids.map((id) => ({ pk: caseKey(id), sk: 'UC' }));
        for (let attempt = 0; keys.length > 0; attempt++) {
          if (attempt >= MAX_ATTEMPTS) throw new Error(`BatchGetItem left ${keys.length} keys unprocessed`);
          if (attempt > 0) await sleep(backoffMs(attempt));
          const out = await client.send(
            new BatchGetCommand({
              RequestItems: { [tableName]: { Keys: keys, ProjectionExpression: 'caseId' } },
            }),
          );
          for (const item of out.Responses?.[tableName] ?? []) found.add(String(item.caseId));
          keys = (out.UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, unknown>[];
        }
      });
      return found;
    },

    async recordFtas(ftas: readonly Fta[], recordedAt: string): Promise<readonly RecordOutcome[]> {
      return mapWithLimit(ftas, CONCURRENCY, (fta) => recordOne(fta, recordedAt));
    },

    async *unpublishedFtas(pageSize: number): AsyncIterable<readonly StoredFta[]> {
      let startKey: Record<string, unknown> | undefined;
      do {
        const out = await client.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: 'outbox',
            KeyConditionExpression: 'outboxPk = :pk',
            ExpressionAttributeValues: { ':pk': OUTBOX_PK },
            Limit: pageSize,
            ExclusiveStartKey: startKey,
          }),
        );
        const page = (out.Items ?? []).map((item) => {
          const view = fromFtaItem(item);
          return { fta: view, recordedAt: view.recordedAt };
        });
        if (page.length > 0) yield page;
        startKey = out.LastEvaluatedKey;
      } while (startKey !== undefined);
    },

    async markFtasPublished(ftas: readonly Fta[]): Promise<void> {
      const publishedAt = new Date().toISOString();
      await mapWithLimit(ftas, CONCURRENCY, (fta) =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: caseKey(fta.caseId), sk: `FTA#${fta.ftaId}` },
            UpdateExpression: 'REMOVE outboxPk, outboxSk SET publishedAt = if_not_exists(publishedAt, :now)',
            ExpressionAttributeValues: { ':now': publishedAt },
            ConditionExpression: 'attribute_exists(pk)',
          }),
        ),
      );
    },

    async saveDropReport(report: DropReport): Promise<void> {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { pk: `DROP#${report.dropId}`, sk: `REPORT#${report.startedAt}`, dropId: report.dropId, report },
        }),
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
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: 'AGG#DROP', sk: 'LAST' },
          UpdateExpression: 'SET lastDropAt = :at, dropId = :id',
          ConditionExpression: 'attribute_not_exists(lastDropAt) OR lastDropAt < :at',
          ExpressionAttributeValues: { ':at': report.startedAt, ':id': report.dropId },
        }),
      ).catch((err: unknown) => {
        if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
      });
    },

    async getFta(caseId: string, ftaId: string): Promise<FtaView | undefined> {
      const out = await client.send(
        new GetCommand({ TableName: tableName, Key: { pk: caseKey(caseId), sk: `FTA#${ftaId}` }, ConsistentRead: true }),
      );
      return out.Item === undefined ? undefined : fromFtaItem(out.Item);
    },

    async *listFtas(): AsyncIterable<FtaView> {
      // A full read of the FTA items: for exports and the local run, not for the metrics job.
      let startKey: Record<string, unknown> | undefined;
      do {
        const out = await client.send(
          new ScanCommand({
            TableName: tableName,
            FilterExpression: 'begins_with(sk, :fta)',
            ExpressionAttributeValues: { ':fta': 'FTA#' },
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of out.Items ?? []) yield fromFtaItem(item);
        startKey = out.LastEvaluatedKey;
      } while (startKey !== undefined);
    },

    async listDropReports(): Promise<DropReport[]> {
      const reports: DropReport[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const out = await client.send(
          new ScanCommand({
            TableName: tableName,
            FilterExpression: 'begins_with(sk, :r)',
            ExpressionAttributeValues: { ':r': 'REPORT#' },
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of out.Items ?? []) reports.push(item.report as DropReport);
        startKey = out.LastEvaluatedKey;
      } while (startKey !== undefined);
      return reports.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
    },
  };
}

function toFtaItem(fta: Fta, recordedAt: string): Record<string, unknown> {
  return {
    pk: caseKey(fta.caseId),
    sk: `FTA#${fta.ftaId}`,
    type: 'FTA',
    ftaId: fta.ftaId,
    kind: fta.kind,
    caseId: fta.caseId,
    proceedingId: fta.proceedingId,
    scheduleId: fta.scheduleId,
    date: fta.date,
    status: 'OPEN',
    court: fta.court,
    aor: fta.aor,
    sourceDropId: fta.provenance.dropId,
    sourceTable: fta.provenance.table,
    sourceLine: fta.provenance.lineNumber,
    recordedAt,
    outboxPk: OUTBOX_PK,
    outboxSk: `${recordedAt}#${fta.ftaId}`,
  };
}

function fromFtaItem(item: Record<string, unknown>): FtaView {
  const aor = typeof item.aor === 'string' && isAor(item.aor) ? item.aor : null;
  return {
    ftaId: String(item.ftaId),
    kind: item.kind as FtaKind,
    caseId: String(item.caseId),
    proceedingId: String(item.proceedingId),
    scheduleId: (item.scheduleId as string | null | undefined) ?? null,
    date: String(item.date),
    court: (item.court as string | null | undefined) ?? null,
    aor,
    provenance: {
      dropId: String(item.sourceDropId),
      table: item.sourceTable as EoirTableName,
      lineNumber: Number(item.sourceLine),
    },
    status: item.status as FtaStatus,
    recordedAt: String(item.recordedAt),
    publishedAt: (item.publishedAt as string | undefined) ?? null,
  };
}
