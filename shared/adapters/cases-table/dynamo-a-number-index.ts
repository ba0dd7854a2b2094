import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ANumberIndex } from '../../ports/fta-signals';
import { mapWithLimit } from '../../lib/concurrency';
import { batchGetItems, batchPutItems, queryPartition } from './batch-and-query';
import { A_NUMBER_ROSTER_SK, personKeys, SK_PREFIX } from './keys';

/*
 * Items in the cases table (the A-number is an attribute, never a key):
 *   case      pk aNumberKey(A-number)  sk INDEX#CASE#<IDNCASE>   caseId, aNumber, dropId (the first drop showing the pair)
 *   roster    pk aNumberKey(A-number)  sk INDEX#ROSTER           rosterId (latest roster naming it)
 * The roster store keeps the roster UC itself under the same partition (sk ROSTER, ADDR#...):
 * the index's sort keys have a prefix of their own so neither overwrites the other.
 */
const ROSTER_SK = A_NUMBER_ROSTER_SK;
const aNumberPk = personKeys.aNumberPk;
const CONCURRENCY = 16;

export interface DynamoANumberIndexOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

export function createDynamoANumberIndex({ client, tableName }: DynamoANumberIndexOptions): ANumberIndex {
  const batchGet = (keys: Record<string, unknown>[]): Promise<Record<string, unknown>[]> => batchGetItems(client, tableName, keys, { consistentRead: true });
  const batchPut = (items: Record<string, unknown>[]): Promise<void> => batchPutItems(client, tableName, items);

  return {
    async indexCases(entries, dropId) {
      const unique = [...new Map(entries.map((e) => [`${e.caseId}|${e.aNumber}`, e])).values()];
      if (unique.length === 0) return new Set();
      // One read of what is known (a release repeats every case: most are indexed already),
      // the missing case entries written, then their roster entries read again: a roster
      // ingested meanwhile wrote its entry before reading ours.
      const got = await batchGet([
        ...unique.map((e) => personKeys.aNumberCase(e.aNumber, e.caseId)),
        ...[...new Set(unique.map((e) => e.aNumber))].map((a) => personKeys.aNumberRoster(a)),
      ]);
      const indexed = new Set(got.filter((i) => i.sk !== ROSTER_SK).map((i) => `${String(i.pk)}|${String(i.sk)}`));
      const onRoster = new Set(got.filter((i) => i.sk === ROSTER_SK).map((i) => String(i.pk)));
      const missing = unique.filter((e) => {
        const k = personKeys.aNumberCase(e.aNumber, e.caseId);
        return !indexed.has(`${k.pk}|${k.sk}`);
      });
      await batchPut(missing.map((e) => ({ ...personKeys.aNumberCase(e.aNumber, e.caseId), type: 'A_NUMBER_CASE', caseId: e.caseId, aNumber: e.aNumber, ...(dropId === undefined ? {} : { dropId }) })));
      const recheck = [...new Set(missing.map((e) => aNumberPk(e.aNumber)).filter((k) => !onRoster.has(k)))];
      if (recheck.length > 0) for (const i of await batchGet(recheck.map((pk) => ({ pk, sk: ROSTER_SK })))) onRoster.add(String(i.pk));
      return new Set(unique.filter((e) => onRoster.has(aNumberPk(e.aNumber))).map((e) => e.caseId));
    },

    async indexRoster(aNumbers, rosterId) {
      const unique = [...new Set(aNumbers)];
      await mapWithLimit(unique, CONCURRENCY, (a) =>
        client.send(new PutCommand({ TableName: tableName, Item: { ...personKeys.aNumberRoster(a), type: 'A_NUMBER_ROSTER', rosterId } })),
      );
      const lists = await mapWithLimit(unique, CONCURRENCY, async (aNumber) => {
        const items = await queryPartition(client, tableName, { pk: aNumberPk(aNumber), skPrefix: SK_PREFIX.aNumberCase, consistentRead: true });
        return items.map((item) => ({ caseId: String(item.caseId), aNumber, ...(typeof item.dropId === 'string' ? { dropId: item.dropId } : {}) }));
      });
      return lists.flat();
    },
  };
}
