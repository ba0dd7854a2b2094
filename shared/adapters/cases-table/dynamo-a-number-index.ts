import { PutCommand, paginateQuery, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ANumberIndex } from '../../ports/fta-signals';
import { mapWithLimit } from '../../lib/concurrency';
import { batchGetItems, batchPutItems } from './batch-and-query';
import { aNumberKey } from './pii-keys';

/*
 * Items in the cases table (the A-number is an attribute, never a key):
 *   case      pk aNumberKey(A-number)  sk INDEX#CASE#<IDNCASE>   caseId, aNumber
 *   roster    pk aNumberKey(A-number)  sk INDEX#ROSTER           rosterId (latest roster naming it)
 * The roster store keeps the roster UC itself under the same partition (sk ROSTER, ADDR#...):
 * the index's sort keys have a prefix of their own so neither overwrites the other.
 */
const ROSTER_SK = 'INDEX#ROSTER';
const CASE_SK_PREFIX = 'INDEX#CASE#';
const caseSk = (caseId: string): string => `${CASE_SK_PREFIX}${caseId}`;
const CONCURRENCY = 16;

export interface DynamoANumberIndexOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

export function createDynamoANumberIndex({ client, tableName }: DynamoANumberIndexOptions): ANumberIndex {
  const batchGet = (keys: Record<string, unknown>[]): Promise<Record<string, unknown>[]> => batchGetItems(client, tableName, keys, { consistentRead: true });
  const batchPut = (items: Record<string, unknown>[]): Promise<void> => batchPutItems(client, tableName, items);

  return {
    async indexCases(entries) {
      const unique = [...new Map(entries.map((e) => [`${e.caseId}|${e.aNumber}`, e])).values()];
      if (unique.length === 0) return new Set();
      // One read of what is known (a release repeats every case: most are indexed already),
      // the missing case entries written, then their roster entries read again: a roster
      // ingested meanwhile wrote its entry before reading ours.
      const got = await batchGet([
        ...unique.map((e) => ({ pk: aNumberKey(e.aNumber), sk: caseSk(e.caseId) })),
        ...[...new Set(unique.map((e) => e.aNumber))].map((a) => ({ pk: aNumberKey(a), sk: ROSTER_SK })),
      ]);
      const indexed = new Set(got.filter((i) => i.sk !== ROSTER_SK).map((i) => `${String(i.pk)}|${String(i.sk)}`));
      const onRoster = new Set(got.filter((i) => i.sk === ROSTER_SK).map((i) => String(i.pk)));
      const missing = unique.filter((e) => !indexed.has(`${aNumberKey(e.aNumber)}|${caseSk(e.caseId)}`));
      await batchPut(missing.map((e) => ({ pk: aNumberKey(e.aNumber), sk: caseSk(e.caseId), type: 'A_NUMBER_CASE', caseId: e.caseId, aNumber: e.aNumber })));
      const recheck = [...new Set(missing.map((e) => aNumberKey(e.aNumber)).filter((k) => !onRoster.has(k)))];
      if (recheck.length > 0) for (const i of await batchGet(recheck.map((pk) => ({ pk, sk: ROSTER_SK })))) onRoster.add(String(i.pk));
      return new Set(unique.filter((e) => onRoster.has(aNumberKey(e.aNumber))).map((e) => e.caseId));
    },

    async indexRoster(aNumbers, rosterId) {
      const unique = [...new Set(aNumbers)];
      await mapWithLimit(unique, CONCURRENCY, (a) =>
        client.send(new PutCommand({ TableName: tableName, Item: { pk: aNumberKey(a), sk: ROSTER_SK, type: 'A_NUMBER_ROSTER', rosterId } })),
      );
      const lists = await mapWithLimit(unique, CONCURRENCY, async (aNumber) => {
        const cases: { caseId: string; aNumber: string }[] = [];
        const pages = paginateQuery(
          { client },
          {
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :c)',
            ExpressionAttributeValues: { ':pk': aNumberKey(aNumber), ':c': CASE_SK_PREFIX },
            ConsistentRead: true,
          },
        );
        for await (const out of pages) for (const item of out.Items ?? []) cases.push({ caseId: String(item.caseId), aNumber });
        return cases;
      });
      return lists.flat();
    },
  };
}
