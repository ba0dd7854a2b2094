import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Fta, RescissionReason } from '../../domain/fta';
import type { FtaRescindedMessage } from '../../messages/fta-rescinded';
import type { FtaLedger, RecordOutcome, Rescission, StoredOpenFta, WriteStep } from '../../ports/case-store';
import { mapWithLimit } from '../../lib/concurrency';
import { batchGetItems, queryPartition, scanPages } from './batch-and-query';
import { fromFtaItem, toFtaItem, type FtaView } from './fta-item';
import { casePk, keys, OUTBOX_PK, SK_PREFIX, type ItemKey } from './keys';
import { newFtaAggregateUpdates, rescindedAtRecordAggregateUpdates, rescindedFtaAggregateUpdates } from './program-aggregates';
import { transactWrite } from './transactions';

/*
 * The FTA ledger (keys.ts: fta, rescission): each FTA recorded once, with its program
 * counters in the same transaction; a rescission sets the FTA's status and queues its
 * FTA_RESCINDED message (outbox: dynamo-fta-outbox.ts) in one transaction too. A write
 * that finds its condition false was done already: by this step before a crash (`by`,
 * reported as that attempt would have) or by another (repeated).
 */
const CONCURRENCY = 16;

export interface DynamoFtasOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

export function createDynamoFtas({ client, tableName }: DynamoFtasOptions): FtaLedger & {
  getFta(caseId: string, ftaId: string): Promise<FtaView | undefined>;
  listCaseFtaIds(caseId: string): Promise<readonly string[]>;
  listFtas(): AsyncIterable<FtaView>;
} {
  /** The step that last wrote `field` on an item (recordBy, rescindBy), read after a failed condition. */
  async function writtenBy(key: ItemKey, field: 'recordBy' | 'rescindBy'): Promise<string | undefined> {
    const out = await client.send(
      new GetCommand({ TableName: tableName, Key: key, ProjectionExpression: '#f', ExpressionAttributeNames: { '#f': field }, ConsistentRead: true }),
    );
    const value = out.Item?.[field];
    return typeof value === 'string' ? value : undefined;
  }

  async function recordOne(fta: Fta, recordedAt: string, by: WriteStep | undefined): Promise<RecordOutcome> {
    const outcome = await transactWrite(client, [
      {
        Put: {
          TableName: tableName,
          Item: by === undefined ? toFtaItem(fta, recordedAt) : { ...toFtaItem(fta, recordedAt), recordBy: by },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      // Program-metric aggregates (program-aggregates.ts).
      ...newFtaAggregateUpdates(tableName, { ...fta, dropId: fta.provenance.dropId }, recordedAt).map((Update) => ({ Update })),
    ]);
    if (outcome === 'applied') return 'new';
    // Stored by the same step before a crash: this retry reports it as that attempt would have.
    return by !== undefined && (await writtenBy(keys.fta(fta.caseId, fta.ftaId), 'recordBy')) === by ? 'new' : 'repeated';
  }

  /** One rescission: FTA status, its outbox message and the counters, in one transaction. */
  async function rescindOne(r: Rescission, rescindedAt: string, by: WriteStep | undefined): Promise<boolean> {
    const message: FtaRescindedMessage = {
      type: 'FTA_RESCINDED', version: 1, ftaId: r.fta.ftaId, kind: r.fta.kind, caseId: r.fta.caseId,
      aor: r.fta.aor, reason: r.reason, dropId: r.dropId, rescindedAt,
    };
    const outcome = await transactWrite(client, [
      {
        Update: {
          TableName: tableName,
          Key: keys.fta(r.fta.caseId, r.fta.ftaId),
          UpdateExpression: `SET #status = :r, rescindedAt = :at, rescindReason = :why, rescindDropId = :d${by === undefined ? '' : ', rescindBy = :by'}`,
          ConditionExpression: '#status = :open',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':r': 'RESCINDED', ':open': 'OPEN', ':at': rescindedAt, ':why': r.reason, ':d': r.dropId,
            ...(by === undefined ? {} : { ':by': by }),
          },
        },
      },
      {
        Put: {
          TableName: tableName,
          Item: {
            ...keys.rescission(r.fta.caseId, r.fta.ftaId), type: 'RESCISSION', message,
            outboxPk: OUTBOX_PK.rescission, outboxSk: `${rescindedAt}#${r.fta.ftaId}`,
          },
        },
      },
      ...rescindedFtaAggregateUpdates(tableName, { ...r.fta, dropId: r.dropId }, rescindedAt).map((Update) => ({ Update })),
    ]);
    if (outcome === 'applied') return true;
    return by !== undefined && (await writtenBy(keys.fta(r.fta.caseId, r.fta.ftaId), 'rescindBy')) === by;
  }

  return {
    async recordFtas(ftas: readonly Fta[], recordedAt: string, by?: WriteStep): Promise<readonly RecordOutcome[]> {
      return mapWithLimit(ftas, CONCURRENCY, (fta) => recordOne(fta, recordedAt, by));
    },

    async recordRescindedFtas(ftas: readonly { fta: Fta; reason: RescissionReason; dropId: string }[], recordedAt: string): Promise<number> {
      const stored = await mapWithLimit(ftas, CONCURRENCY, async ({ fta, reason, dropId }) => {
        const { outboxPk: _pk, outboxSk: _sk, ...item } = toFtaItem(fta, recordedAt);
        const outcome = await transactWrite(client, [
          {
            Put: {
              TableName: tableName,
              Item: { ...item, status: 'RESCINDED', rescindedAt: recordedAt, rescindReason: reason, rescindDropId: dropId, rescindedWhenRecorded: true },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          ...rescindedAtRecordAggregateUpdates(tableName, { ...fta, dropId: fta.provenance.dropId }, recordedAt).map((Update) => ({ Update })),
        ]);
        return outcome === 'applied';
      });
      return stored.filter(Boolean).length;
    },

    async findOpenFtas(ids: readonly { caseId: string; ftaId: string }[], by?: WriteStep): Promise<readonly StoredOpenFta[]> {
      const items = await batchGetItems(client, tableName, ids.map((k) => keys.fta(k.caseId, k.ftaId)), { consistentRead: true });
      return items.filter((item) => item.status === 'OPEN' || (by !== undefined && item.rescindBy === by)).map(fromFtaItem);
    },

    async openFtasOfCases(caseIds: readonly string[], by?: WriteStep): Promise<readonly StoredOpenFta[]> {
      const lists = await mapWithLimit([...new Set(caseIds)], CONCURRENCY, async (caseId) => {
        const items = await queryPartition(client, tableName, {
          pk: casePk(caseId),
          skPrefix: SK_PREFIX.fta,
          filter: {
            expression: by === undefined ? '#status = :open' : '#status = :open OR rescindBy = :by',
            names: { '#status': 'status' },
            values: { ':open': 'OPEN', ...(by === undefined ? {} : { ':by': by }) },
          },
          consistentRead: true,
        });
        return items.map(fromFtaItem);
      });
      return lists.flat();
    },

    async rescindFtas(rescissions: readonly Rescission[], rescindedAt: string, by?: WriteStep): Promise<number> {
      const done = await mapWithLimit(rescissions, CONCURRENCY, (r) => rescindOne(r, rescindedAt, by));
      return done.filter(Boolean).length;
    },

    async getFta(caseId: string, ftaId: string): Promise<FtaView | undefined> {
      const out = await client.send(new GetCommand({ TableName: tableName, Key: keys.fta(caseId, ftaId), ConsistentRead: true }));
      return out.Item === undefined ? undefined : fromFtaItem(out.Item);
    },

    async listCaseFtaIds(caseId: string): Promise<readonly string[]> {
      const items = await queryPartition(client, tableName, { pk: casePk(caseId), skPrefix: SK_PREFIX.fta, projection: 'sk', consistentRead: true });
      return items.map((item) => String(item.sk).slice(SK_PREFIX.fta.length));
    },

    async *listFtas(): AsyncIterable<FtaView> {
      // A full read of the FTA items: for exports and the local run, not for the metrics job.
      for await (const page of scanPages(client, tableName, { expression: 'begins_with(sk, :fta)', values: { ':fta': SK_PREFIX.fta } })) {
        for (const item of page) yield fromFtaItem(item);
      }
    },
  };
}
