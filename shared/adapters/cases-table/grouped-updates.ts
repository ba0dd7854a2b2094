import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mapWithLimit } from '../../lib/concurrency';
import { itemKeyOf } from './batch-and-query';
import { isConditionFailure, TRANSACT_MAX_ITEMS } from './transactions';

/**
 * Transactions in flight at a time. Measured on DynamoDB Local (2 shared cores, load
 * average 7-8, 2026-11-30): 2,000 conditional UpdateItems on distinct items cost its JVM
 * 3.5-8.4 s of CPU one by one (16 in flight) and 0.9-4.1 s as 20 transactions of 100 (4
 * in flight), and the caller 2-3.6 s against 0.07-0.2 s; 16 transactions in flight were
 * no faster than 4.
 */
const TRANSACTIONS_IN_FLIGHT = 4;
/** Transactions sent for one group, each without the updates whose condition failed in the last. */
const TRANSACTION_ROUNDS = 3;
/** Plain UpdateItems in flight when a cancelled transaction's items are sent again one by one. */
const SINGLES_IN_FLIGHT = 16;

/** One UpdateItem as both a plain request and a transaction item take it. */
export interface GroupedUpdate {
  readonly TableName: string;
  readonly Key: Record<string, unknown>;
  readonly UpdateExpression: string;
  readonly ConditionExpression?: string;
  readonly ExpressionAttributeNames?: Record<string, string>;
  readonly ExpressionAttributeValues?: Record<string, unknown>;
}

/**
 * Sends independent UpdateItems (each on an item of its own, each with or without its own
 * condition) up to 100 to a TransactWriteItems, instead of one request each. Returns, per
 * update in order, whether it was applied: false only when its own condition was false.
 *
 * A transaction is all or nothing, so grouping changes no item's outcome: when one is
 * cancelled, the items whose condition failed (CancellationReasons, ConditionalCheckFailed)
 * are reported false and the others (not written) are sent again, in a transaction without
 * them (up to 3 rounds), or one by one as plain UpdateItems when no condition failed (a
 * transaction conflict) or the rounds are spent. An update repeated
 * on the same item goes to a later transaction (a transaction names each item once).
 * Throws what a plain UpdateItem would throw.
 */
export async function sendUpdatesGrouped(client: DynamoDBDocumentClient, updates: readonly GroupedUpdate[]): Promise<boolean[]> {
  const applied: boolean[] = updates.map(() => false);
  const groups: number[][] = [];
  let group: number[] = [];
  let keys = new Set<string>();
  updates.forEach((u, i) => {
    const key = `${u.TableName ?? ''}\u0000${itemKeyOf(u.Key)}`;
    if (group.length === TRANSACT_MAX_ITEMS || keys.has(key)) {
      groups.push(group);
      group = [];
      keys = new Set();
    }
    group.push(i);
    keys.add(key);
  });
  if (group.length > 0) groups.push(group);
  const single = async (i: number): Promise<void> => {
    try {
      await client.send(new UpdateCommand(updates[i] as GroupedUpdate));
      applied[i] = true;
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  };
  await mapWithLimit(groups, TRANSACTIONS_IN_FLIGHT, async (first) => {
    let g = first;
    for (let round = 0; round < TRANSACTION_ROUNDS && g.length > 1; round++) {
      try {
        await client.send(new TransactWriteCommand({ TransactItems: g.map((i) => ({ Update: updates[i] as GroupedUpdate })) }));
        for (const i of g) applied[i] = true;
        return;
      } catch (err) {
        if (!(err instanceof TransactionCanceledException)) throw err;
        const reasons = err.CancellationReasons ?? [];
        const rest = g.filter((_, at) => reasons[at]?.Code !== 'ConditionalCheckFailed');
        // No condition failed (a conflict): one by one.
        if (rest.length === g.length) break;
        g = rest;
      }
    }
    await mapWithLimit(g, SINGLES_IN_FLIGHT, single);
  });
  return applied;
}
