import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RescissionReason } from '../../domain/fta';
import type { StoredSignal, Withdrawal } from '../../domain/fta-signal';
import type { CaseEvidence, FtaSignalStore, SignalSighting, WithdrawalEvidence } from '../../ports/fta-signals';
import { mapWithLimit } from '../../lib/concurrency';
import { ftaFromItem } from './fta-item';
import { batchGetItems, queryPartition } from './batch-and-query';
import { caseIdOfPk, casePk, keys, SK_PREFIX } from './keys';
import { isConditionFailure } from './transactions';

/*
 * Items in the cases table, in the case's partition (the UC mark `CASE#<IDNCASE>`/`UC` is
 * the case store's; it is read here, never written):
 *   signals marker  pk CASE#<IDNCASE>  sk SIGS            orders (SS `<IDNPROCEEDING>|<date>`),
 *                                                         noShows (SS IDNSCHEDULE), settled
 *   signal          pk CASE#<IDNCASE>  sk SIG#<ftaId>     kind, ids, date, court, aor, first
 *                                                         provenance; seen (SS `<asOf>|<dropId>`), withdrawals
 *                                                         (SS `<asOf>|<reason>|<dropId>`)
 * Only ABSENTIA `Y` proceedings and ADJ_RSN `11` schedules get a signal item (any case);
 * the marker lets a drop check an `N` row or another reason only for cases that have one.
 */
const CONCURRENCY = 16;

export interface DynamoFtaSignalsOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

export function createDynamoFtaSignals({ client, tableName }: DynamoFtaSignalsOptions): FtaSignalStore {
  return {
    async lookupCases(caseIds) {
      const uc = new Set<string>();
      const markers = new Map<string, Record<string, unknown>>();
      // The UC mark and the signals marker of a case are read in the same BatchGetItem.
      const items = await batchGetItems(client, tableName, [...new Set(caseIds)].flatMap((id) => [keys.ucMark(id), keys.signalsMarker(id)]), { consistentRead: true });
      for (const item of items) {
        const id = caseIdOfPk(String(item.pk));
        if (item.sk === 'UC') uc.add(id);
        else markers.set(id, item);
      }
      const found = new Map<string, CaseEvidence>();
      for (const id of new Set(caseIds)) {
        const m = markers.get(id);
        found.set(id, {
          uc: uc.has(id),
          settled: m?.settled === true,
          signals:
            m === undefined
              ? null
              : {
                  orders: new Map([...asSet(m.orders)].map((e) => e.split('|') as [string, string])),
                  noShows: asSet(m.noShows),
                },
        });
      }
      return found;
    },

    async recordSightings(sightings: readonly SignalSighting[]) {
      const unique = [...new Map(sightings.map((s) => [`${s.signal.ftaId}|${s.asOf}|${s.signal.provenance.dropId}`, s])).values()];
      return mapWithLimit(unique, CONCURRENCY, async ({ signal: s, asOf, ucCase }) => {
        // The marker first: a signal the marker does not list could not be withdrawn later.
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.signalsMarker(s.caseId),
            UpdateExpression: 'SET caseId = :c, settled = if_not_exists(settled, :uc) ADD #list :e',
            ExpressionAttributeNames: { '#list': s.kind === 'IN_ABSENTIA_ORDER' ? 'orders' : 'noShows' },
            ExpressionAttributeValues: { ':c': s.caseId, ':uc': ucCase, ':e': new Set([s.kind === 'IN_ABSENTIA_ORDER' ? `${s.proceedingId}|${s.date}` : (s.scheduleId ?? '')]) },
          }),
        );
        const fields: Record<string, unknown> = {
          type: 'FTA_SIGNAL', ftaId: s.ftaId, kind: s.kind, caseId: s.caseId, proceedingId: s.proceedingId, scheduleId: s.scheduleId,
          date: s.date, court: s.court, aor: s.aor, sourceDropId: s.provenance.dropId, sourceTable: s.provenance.table,
          sourceLine: s.provenance.lineNumber,
        };
        const names: Record<string, string> = {};
        const values: Record<string, unknown> = { ':seen': new Set([`${asOf}|${s.provenance.dropId}`]) };
        // The first read that shows a signal keeps its fields and provenance.
        const sets = Object.entries(fields).map(([k, v], i) => {
          names[`#f${i}`] = k;
          values[`:f${i}`] = v;
          return `#f${i} = if_not_exists(#f${i}, :f${i})`;
        });
        const out = await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.signal(s.caseId, s.ftaId),
            UpdateExpression: `SET ${sets.join(', ')} ADD seen :seen`,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ReturnValues: 'ALL_NEW',
          }),
        );
        return fromSignalItem(out.Attributes ?? {});
      });
    },

    async recordWithdrawals(evidence: readonly WithdrawalEvidence[]) {
      const unique = [...new Map(evidence.map((e) => [`${e.ftaId}|${withdrawalEntry(e.withdrawal)}`, e])).values()];
      const updated = await mapWithLimit(unique, CONCURRENCY, async (e) => {
        try {
          const out = await client.send(
            new UpdateCommand({
              TableName: tableName,
              Key: keys.signal(e.caseId, e.ftaId),
              UpdateExpression: 'ADD withdrawals :w',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':w': new Set([withdrawalEntry(e.withdrawal)]) },
              ReturnValues: 'ALL_NEW',
            }),
          );
          return fromSignalItem(out.Attributes ?? {});
        } catch (err) {
          if (isConditionFailure(err)) return null;
          throw err;
        }
      });
      return updated.filter((s): s is StoredSignal => s !== null);
    },

    async signalsOfCases(caseIds) {
      const lists = await mapWithLimit([...new Set(caseIds)], CONCURRENCY, async (caseId) => {
        const items = await queryPartition(client, tableName, { pk: casePk(caseId), skPrefix: SK_PREFIX.signal, consistentRead: true });
        return items.map(fromSignalItem);
      });
      return lists.flat();
    },

    async markSettled(caseIds) {
      await mapWithLimit([...new Set(caseIds)], CONCURRENCY, async (caseId) => {
        try {
          await client.send(
            new UpdateCommand({
              TableName: tableName,
              Key: keys.signalsMarker(caseId),
              UpdateExpression: 'SET settled = :t',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':t': true },
            }),
          );
        } catch (err) {
          // A case without signals has nothing to settle.
          if (!isConditionFailure(err)) throw err;
        }
      });
    },
  };
}

const withdrawalEntry = (w: Withdrawal): string => `${w.asOf}|${w.reason}|${w.dropId}`;

function asSet(value: unknown): Set<string> {
  if (value instanceof Set) return new Set([...value].map(String));
  if (Array.isArray(value)) return new Set(value.map(String));
  return new Set();
}

function fromSignalItem(item: Record<string, unknown>): StoredSignal {
  return {
    ...ftaFromItem(item),
    seen: [...asSet(item.seen)].map((e) => {
      const [asOf, ...drop] = e.split('|');
      return { asOf: asOf ?? '', dropId: drop.join('|') };
    }),
    withdrawals: [...asSet(item.withdrawals)].map((e) => {
      const [asOf, reason, ...drop] = e.split('|');
      return { asOf: asOf ?? '', reason: reason as RescissionReason, dropId: drop.join('|') };
    }),
  };
}
