import {
  GetCommand,
  PutCommand,
  paginateQuery,
  paginateScan,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { DropReport } from '../../domain/drop-report';
import type { Fta, FtaStatus, RescissionReason } from '../../domain/fta';
import type { FtaRescindedMessage } from '../../messages/fta-rescinded';
import type {
  AddressEntry,
  CaseSighting,
  CaseStore,
  Hearing,
  MarkClaim,
  RecordOutcome,
  Rescission,
  StoredFta,
  StoredOpenFta,
  UcMark,
  WriteStep,
} from '../../ports/case-store';
import { mapWithLimit } from '../../lib/concurrency';
import { batchGetItems, batchPutItems } from './batch-and-query';
import { dropHistoryItem, newFtaAggregateUpdates, rescindedAtRecordAggregateUpdates, rescindedFtaAggregateUpdates } from './program-aggregates';
import { isConditionFailure, transactWrite } from './transactions';
import { ftaFromItem } from './fta-item';
import { addressKey } from './pii-keys';
import { createDynamoANumberIndex } from './dynamo-a-number-index';
import { createDynamoDropAsOf } from './dynamo-drop-as-of';
import { createDynamoFtaSignals } from './dynamo-fta-signals';

/*
 * Item shapes in the cases table (keys from shared/runtime/resources.ts):
 *   UC mark      pk CASE#<IDNCASE>  sk UC                     basis, dropId
 *   FTA          pk CASE#<IDNCASE>  sk FTA#<ftaId>            see toFtaItem; outboxPk/outboxSk
 *                                                             while not yet queued
 *   drop report  pk DROP#<dropId>   sk REPORT#<startedAt>     report (map)
 *   hearing      pk CASE#<IDNCASE>  sk HEARING#<IDNSCHEDULE>   date, court, adjRsn, medium, calType, outcome
 *   address      pk CASE#<IDNCASE>  sk ADDR#<source>#AD#<hmac>  city, state, zip, street?, changedOn,
 *                                                             firstSeenDropId, lastSeenDropId
 *   rescission   pk CASE#<IDNCASE>  sk RESCISSION#<ftaId>      message (FTA_RESCINDED); outboxPk/outboxSk
 *                                                             (partition OUTBOX#RESCINDED) until queued
 *   (UC mark also carries lastSeenDropId, aNumber, omittedFromDropId/omittedAt when flagged)
 *   (FTA signals, the A-number index and drop as-ofs: dynamo-fta-signals.ts,
 *   dynamo-a-number-index.ts, dynamo-drop-as-of.ts)
 *   aggregates   pk AGG#FTA         sk AOR#<aor|NONE>#<shard> open, rescinded, total (counters)
 *                pk AGG#DROP        sk LAST                   lastDropAt, dropId
 *   and the other program-metric aggregates: shared/domain/program-metrics.ts.
 */
const caseKey = (caseId: string): string => `CASE#${caseId}`;
const OUTBOX_PK = 'OUTBOX';
/** Rescissions wait in their own partition of the sparse outbox index. */
const RESCISSION_OUTBOX_PK = 'OUTBOX#RESCINDED';
const CONCURRENCY = 16;

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
  listCaseFtaIds(caseId: string): Promise<readonly string[]>;
  listFtas(): AsyncIterable<FtaView>;
  listDropReports(): Promise<DropReport[]>;
  aNumbersOf(caseIds: readonly string[]): Promise<ReadonlyMap<string, string>>;
} {
  /** The step that last wrote `field` on an item (recordBy, rescindBy), read after a failed condition. */
  async function writtenBy(key: { pk: string; sk: string }, field: 'recordBy' | 'rescindBy'): Promise<string | undefined> {
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
      // Program-metric aggregates (shared/adapters/cases-table/program-aggregates.ts).
      ...newFtaAggregateUpdates(tableName, { ...fta, dropId: fta.provenance.dropId }, recordedAt).map((Update) => ({ Update })),
    ]);
    if (outcome === 'applied') return 'new';
    // Stored by the same step before a crash: this retry reports it as that attempt would have.
    return by !== undefined && (await writtenBy({ pk: caseKey(fta.caseId), sk: `FTA#${fta.ftaId}` }, 'recordBy')) === by ? 'new' : 'repeated';
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
          Key: { pk: caseKey(r.fta.caseId), sk: `FTA#${r.fta.ftaId}` },
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
            pk: caseKey(r.fta.caseId), sk: `RESCISSION#${r.fta.ftaId}`, type: 'RESCISSION', message,
            outboxPk: RESCISSION_OUTBOX_PK, outboxSk: `${rescindedAt}#${r.fta.ftaId}`,
          },
        },
      },
      ...rescindedFtaAggregateUpdates(tableName, { ...r.fta, dropId: r.dropId }, rescindedAt).map((Update) => ({ Update })),
    ]);
    if (outcome === 'applied') return true;
    return by !== undefined && (await writtenBy({ pk: caseKey(r.fta.caseId), sk: `FTA#${r.fta.ftaId}` }, 'rescindBy')) === by;
  }

  const markUpdate = (m: UcMark) => ({
    TableName: tableName,
    Key: { pk: caseKey(m.caseId), sk: 'UC' },
    // `bases` keeps every reason the case is a UC case (juvenile history, case
    // priority, roster), whichever arrived first: roster matching needs the EOIR ones.
    // A roster match by A-number keeps that A-number on the mark (PII: never logged).
    UpdateExpression: `SET caseId = :c, basis = if_not_exists(basis, :b), dropId = if_not_exists(dropId, :d)${m.aNumber === undefined ? '' : ', aNumber = if_not_exists(aNumber, :a)'} ADD bases :bs`,
    ExpressionAttributeValues: {
      ':c': m.caseId, ':b': m.basis, ':d': m.dropId, ':bs': new Set([m.basis]), ...(m.aNumber === undefined ? {} : { ':a': m.aNumber }),
    } as Record<string, unknown>,
  });

  return {
    signals: createDynamoFtaSignals({ client, tableName }),
    aNumbers: createDynamoANumberIndex({ client, tableName }),
    dropAsOf: createDynamoDropAsOf({ client, tableName }),

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

    async markUcCases(marks: readonly UcMark[], claim?: MarkClaim): Promise<number> {
      // An update, not a put: the mark's sighting, A-number and omission flag must survive a re-mark.
      const claimed = await mapWithLimit(marks, CONCURRENCY, async (m) => {
        if (claim === undefined) {
          await client.send(new UpdateCommand(markUpdate(m)));
          return true;
        }
        const plain = markUpdate(m);
        try {
          // The first step of the run to mark the case claims it (counted once per run, with
          // its basis); the same step's retry passes again.
          await client.send(
            new UpdateCommand({
              ...plain,
              UpdateExpression: plain.UpdateExpression.replace(' ADD ', ', markRun = :run, markBy = :by ADD '),
              ConditionExpression: 'attribute_not_exists(markRun) OR markRun <> :run OR markBy = :by',
              ExpressionAttributeValues: { ...plain.ExpressionAttributeValues, ':run': claim.runId, ':by': claim.by },
            }),
          );
          return true;
        } catch (err) {
          // Marked already by an earlier step of this run (the juvenile stage before the
          // case table): that step's basis is this drop's, as when the drop is read in order.
          if (!isConditionFailure(err)) throw err;
          return false;
        }
      });
      return claimed.filter(Boolean).length;
    },

    async findUcCases(caseIds: readonly string[]): Promise<ReadonlySet<string>> {
      const items = await batchGetItems(client, tableName, caseIds.map((id) => ({ pk: caseKey(id), sk: 'UC' })), { projection: 'caseId' });
      return new Set(items.map((item) => String(item.caseId)));
    },

    async recordFtas(ftas: readonly Fta[], recordedAt: string, by?: WriteStep): Promise<readonly RecordOutcome[]> {
      return mapWithLimit(ftas, CONCURRENCY, (fta) => recordOne(fta, recordedAt, by));
    },

    async *unpublishedFtas(pageSize: number): AsyncIterable<readonly StoredFta[]> {
      const pages = paginateQuery(
        { client, pageSize },
        { TableName: tableName, IndexName: 'outbox', KeyConditionExpression: 'outboxPk = :pk', ExpressionAttributeValues: { ':pk': OUTBOX_PK } },
      );
      for await (const out of pages) {
        const page = (out.Items ?? []).map((item) => {
          const view = fromFtaItem(item);
          return { fta: view, recordedAt: view.recordedAt };
        });
        if (page.length > 0) yield page;
      }
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
        if (!isConditionFailure(err)) throw err;
      });
    },

    async recordCaseSightings(sightings: readonly CaseSighting[]): Promise<void> {
      await mapWithLimit(sightings, CONCURRENCY, (s) => {
        // Seen again: no longer omitted. Identity columns are kept once known (PII: never logged).
        const sets = ['lastSeenDropId = :d'];
        const values: Record<string, unknown> = { ':d': s.dropId };
        for (const [field, value] of [['aNumber', s.aNumber], ['firstName', s.firstName], ['lastName', s.lastName]] as const) {
          if (value === null || value === undefined) continue;
          sets.push(`${field} = :${field}`);
          values[`:${field}`] = value;
        }
        return client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: caseKey(s.caseId), sk: 'UC' },
            UpdateExpression: `SET ${sets.join(', ')} REMOVE omittedFromDropId, omittedAt`,
            ExpressionAttributeValues: values,
          }),
        );
      });
    },

    async recordAddresses(entries: readonly AddressEntry[]): Promise<void> {
      await mapWithLimit(entries, CONCURRENCY, (e) => {
        const a = e.address;
        // One item per distinct address and date, keyed by their HMAC: a street in a sort key
        // would reach CloudTrail data events.
        const content = addressKey([a.street, a.city, a.state, a.zip, e.changedOn]);
        return client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: caseKey(e.caseId), sk: `ADDR#${e.source}#${content}` },
            UpdateExpression:
              'SET #src = :src, city = :city, #state = :state, zip = :zip, street = :street, changedOn = :on, ' +
              'firstSeenDropId = if_not_exists(firstSeenDropId, :d), lastSeenDropId = :d',
            ExpressionAttributeNames: { '#src': 'source', '#state': 'state' },
            ExpressionAttributeValues: {
              ':src': e.source, ':city': a.city, ':state': a.state, ':zip': a.zip, ':street': a.street,
              ':on': e.changedOn, ':d': e.dropId,
            },
          }),
        );
      });
    },

    async recordHearings(hearings: readonly Hearing[]): Promise<void> {
      // Keyed by IDNSCHEDULE: a later drop's version of the row replaces the earlier one, and a
      // line repeated within one list is written once (the last copy).
      await batchPutItems(
        client,
        tableName,
        hearings.map((h) => ({
          pk: caseKey(h.caseId), sk: `HEARING#${h.scheduleId}`, type: 'HEARING', caseId: h.caseId,
          scheduleId: h.scheduleId, proceedingId: h.proceedingId, date: h.date, court: h.court,
          adjRsn: h.adjRsn, medium: h.medium, calType: h.calType, outcome: h.outcome, dropId: h.dropId,
        })),
      );
    },

    async findOpenFtas(keys: readonly { caseId: string; ftaId: string }[], by?: WriteStep): Promise<readonly StoredOpenFta[]> {
      const items = await batchGetItems(client, tableName, keys.map((k) => ({ pk: caseKey(k.caseId), sk: `FTA#${k.ftaId}` })), { consistentRead: true });
      return items.filter((item) => item.status === 'OPEN' || (by !== undefined && item.rescindBy === by)).map(fromFtaItem);
    },

    async openFtasOfCases(caseIds: readonly string[], by?: WriteStep): Promise<readonly StoredOpenFta[]> {
      const lists = await mapWithLimit([...new Set(caseIds)], CONCURRENCY, async (caseId) => {
        const items: StoredOpenFta[] = [];
        const pages = paginateQuery(
          { client },
          {
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :fta)',
            FilterExpression: by === undefined ? '#status = :open' : '#status = :open OR rescindBy = :by',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':pk': caseKey(caseId), ':fta': 'FTA#', ':open': 'OPEN', ...(by === undefined ? {} : { ':by': by }) },
            ConsistentRead: true,
          },
        );
        for await (const out of pages) for (const item of out.Items ?? []) items.push(fromFtaItem(item));
        return items;
      });
      return lists.flat();
    },

    async rescindFtas(rescissions: readonly Rescission[], rescindedAt: string, by?: WriteStep): Promise<number> {
      const done = await mapWithLimit(rescissions, CONCURRENCY, (r) => rescindOne(r, rescindedAt, by));
      return done.filter(Boolean).length;
    },

    async *unpublishedRescissions(pageSize: number): AsyncIterable<readonly FtaRescindedMessage[]> {
      const pages = paginateQuery(
        { client, pageSize },
        {
          TableName: tableName,
          IndexName: 'outbox',
          KeyConditionExpression: 'outboxPk = :pk',
          ExpressionAttributeValues: { ':pk': RESCISSION_OUTBOX_PK },
        },
      );
      for await (const out of pages) {
        const page = (out.Items ?? []).map((item) => item.message as FtaRescindedMessage);
        if (page.length > 0) yield page;
      }
    },

    async markRescissionsPublished(messages: readonly FtaRescindedMessage[]): Promise<void> {
      const publishedAt = new Date().toISOString();
      await mapWithLimit(messages, CONCURRENCY, (m) =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: caseKey(m.caseId), sk: `RESCISSION#${m.ftaId}` },
            UpdateExpression: 'REMOVE outboxPk, outboxSk SET publishedAt = if_not_exists(publishedAt, :now)',
            ExpressionAttributeValues: { ':now': publishedAt },
            ConditionExpression: 'attribute_exists(pk)',
          }),
        ),
      );
    },

    async flagUcCasesNotSeen(dropId: string, flaggedAt: string): Promise<number> {
      // A full scan of UC marks, once per full drop (monthly). A GSI on lastSeenDropId would
      // avoid it at the cost of a hot partition per drop; not worth it at ~0.5M UC cases.
      let flagged = 0;
      let startKey: Record<string, unknown> | undefined;
      do {
        const out = await client.send(
          new ScanCommand({
            TableName: tableName,
            // Cases this drop flagged already are counted again (a retried sweep reports the same number).
            FilterExpression: 'sk = :uc AND (attribute_not_exists(lastSeenDropId) OR lastSeenDropId <> :d) AND (attribute_not_exists(omittedFromDropId) OR omittedFromDropId = :d)',
            ExpressionAttributeValues: { ':uc': 'UC', ':d': dropId },
            ExclusiveStartKey: startKey,
          }),
        );
        await mapWithLimit(out.Items ?? [], CONCURRENCY, (item) =>
          client.send(
            new UpdateCommand({
              TableName: tableName,
              Key: { pk: item.pk, sk: 'UC' },
              UpdateExpression: 'SET omittedFromDropId = :d, omittedAt = :at',
              ExpressionAttributeValues: { ':d': dropId, ':at': flaggedAt },
            }),
          ),
        );
        flagged += out.Items?.length ?? 0;
        startKey = out.LastEvaluatedKey;
      } while (startKey !== undefined);
      return flagged;
    },

    async getFta(caseId: string, ftaId: string): Promise<FtaView | undefined> {
      const out = await client.send(
        new GetCommand({ TableName: tableName, Key: { pk: caseKey(caseId), sk: `FTA#${ftaId}` }, ConsistentRead: true }),
      );
      return out.Item === undefined ? undefined : fromFtaItem(out.Item);
    },

    async listCaseFtaIds(caseId: string): Promise<readonly string[]> {
      const ids: string[] = [];
      const pages = paginateQuery(
        { client },
        {
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :fta)',
          ExpressionAttributeValues: { ':pk': caseKey(caseId), ':fta': 'FTA#' },
          ProjectionExpression: 'sk',
          ConsistentRead: true,
        },
      );
      for await (const page of pages) for (const item of page.Items ?? []) ids.push(String(item.sk).slice('FTA#'.length));
      return ids;
    },

    async *listFtas(): AsyncIterable<FtaView> {
      // A full read of the FTA items: for exports and the local run, not for the metrics job.
      const pages = paginateScan(
        { client },
        { TableName: tableName, FilterExpression: 'begins_with(sk, :fta)', ExpressionAttributeValues: { ':fta': 'FTA#' } },
      );
      for await (const out of pages) for (const item of out.Items ?? []) yield fromFtaItem(item);
    },

    /** A-numbers of UC cases, where a DOJ-to-DHS drop carried them (for exports; PII, never logged). */
    async aNumbersOf(caseIds: readonly string[]): Promise<ReadonlyMap<string, string>> {
      const items = await batchGetItems(client, tableName, caseIds.map((id) => ({ pk: caseKey(id), sk: 'UC' })), { projection: 'caseId, aNumber' });
      return new Map(items.flatMap((item) => (typeof item.aNumber === 'string' ? [[String(item.caseId), item.aNumber] as const] : [])));
    },

    async listDropReports(): Promise<DropReport[]> {
      const reports: DropReport[] = [];
      const pages = paginateScan(
        { client },
        { TableName: tableName, FilterExpression: 'begins_with(sk, :r)', ExpressionAttributeValues: { ':r': 'REPORT#' } },
      );
      for await (const out of pages) for (const item of out.Items ?? []) reports.push(item.report as DropReport);
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
  return {
    ...ftaFromItem(item),
    status: item.status as FtaStatus,
    recordedAt: String(item.recordedAt),
    publishedAt: (item.publishedAt as string | undefined) ?? null,
  };
}
