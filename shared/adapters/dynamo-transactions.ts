import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DeleteCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { backoffMs, sleep } from '../runtime/concurrency';
import { combineAggregateDeltas, type AggregateDelta } from './program-aggregates';

const MAX_ATTEMPTS = 8;

/** The error DynamoDB answers when a single write's ConditionExpression is false. */
export const isConditionFailure = (err: unknown): boolean => (err as { name?: string } | null)?.name === 'ConditionalCheckFailedException';

/**
 * Sends one conditional write (Put, Update, Delete): true when it was applied, false when
 * its condition was false (already done, or not ours to do); any other error is thrown.
 */
export async function sendConditional(client: DynamoDBDocumentClient, command: PutCommand | UpdateCommand | DeleteCommand): Promise<boolean> {
  try {
    // The union has no common send() overload: dispatch per type.
    if (command instanceof PutCommand) await client.send(command);
    else if (command instanceof UpdateCommand) await client.send(command);
    else await client.send(command);
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

/**
 * One TransactWriteItems whose first item carries the idempotency condition (the item
 * must not exist yet, or must still be OPEN, ...). Returns 'applied', or
 * 'condition-failed' when that first condition said the write was already done.
 * TransactionConflict (another transaction on a shared aggregate item) is retried with
 * backoff; any other error is thrown.
 */
export async function transactWrite(
  client: DynamoDBDocumentClient,
  items: NonNullable<TransactWriteCommandInput['TransactItems']>,
): Promise<'applied' | 'condition-failed'> {
  for (let attempt = 0; ; attempt++) {
    try {
      await client.send(new TransactWriteCommand({ TransactItems: items }));
      return 'applied';
    } catch (err) {
      if (err instanceof TransactionCanceledException) {
        if (err.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return 'condition-failed';
        if (attempt < MAX_ATTEMPTS) {
          await sleep(backoffMs(attempt));
          continue;
        }
      }
      throw err;
    }
  }
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** AWS limit: TransactWriteItems takes 100 items (each item once). */
export const TRANSACT_MAX_ITEMS = 100;

/**
 * One state change of a counted item: its writes (each carrying the condition that the item
 * is still in the state the caller read) and the aggregate deltas it implies.
 */
export interface GuardedChange<K> {
  readonly key: K;
  readonly items: readonly TransactItem[];
  readonly deltas: readonly AggregateDelta[];
}

export class GuardFailedError extends Error {
  readonly code = 'TRANSACTION_GUARD_FAILED';
}

/**
 * Applies state changes together with their aggregate deltas, packed into as few
 * transactions as fit (deltas summed per aggregate item), so each counter moves exactly
 * when its counted item does. `guard` items (a lease's ConditionCheck) go in every
 * transaction; if one of them fails, GuardFailedError is thrown and the rest is not written.
 * A change whose own condition fails (someone changed the item since it was read) is left
 * out and returned as stale, for the caller to re-read and retry or to skip; the others are
 * written. TransactionConflict is retried with backoff.
 */
export async function applyGuardedChanges<K>(
  client: DynamoDBDocumentClient,
  tableName: string,
  changes: readonly GuardedChange<K>[],
  guard: readonly TransactItem[] = [],
): Promise<{ stale: K[] }> {
  const stale: K[] = [];
  for (const group of packChanges(changes, TRANSACT_MAX_ITEMS - guard.length)) {
    let pending = group;
    for (let conflicts = 0; pending.length > 0; ) {
      const owners: (number | null)[] = guard.map(() => null);
      const items: TransactItem[] = [...guard];
      pending.forEach((c, i) => {
        for (const item of c.items) {
          items.push(item);
          owners.push(i);
        }
      });
      items.push(...combineAggregateDeltas(tableName, pending.flatMap((c) => c.deltas)).map((Update) => ({ Update })));
      try {
        await client.send(new TransactWriteCommand({ TransactItems: items }));
        break;
      } catch (err) {
        if (!(err instanceof TransactionCanceledException)) throw err;
        const reasons = err.CancellationReasons ?? [];
        const conditionFailed = (i: number): boolean => reasons[i]?.Code === 'ConditionalCheckFailed';
        if (guard.some((_, i) => conditionFailed(i))) throw new GuardFailedError('a guard condition of the transaction failed');
        const failed = new Set<number>();
        owners.forEach((owner, i) => {
          if (owner !== null && conditionFailed(i)) failed.add(owner);
        });
        if (failed.size > 0) {
          for (const i of failed) stale.push(pending[i]!.key);
          pending = pending.filter((_, i) => !failed.has(i));
          continue;
        }
        if (conflicts >= MAX_ATTEMPTS) throw err;
        await sleep(backoffMs(conflicts++));
      }
    }
  }
  return { stale };
}

/** Greedy packing: a change never spans two transactions. */
function packChanges<K>(changes: readonly GuardedChange<K>[], limit: number): GuardedChange<K>[][] {
  const groups: GuardedChange<K>[][] = [];
  let group: GuardedChange<K>[] = [];
  let items = 0;
  const keys = new Set<string>();
  for (const c of changes) {
    const newKeys = c.deltas.map((d) => `${d.pk}\u0000${d.sk}`).filter((k) => !keys.has(k));
    if (group.length > 0 && items + c.items.length + keys.size + new Set(newKeys).size > limit) {
      groups.push(group);
      group = [];
      items = 0;
      keys.clear();
    }
    group.push(c);
    items += c.items.length;
    for (const d of c.deltas) keys.add(`${d.pk}\u0000${d.sk}`);
  }
  if (group.length > 0) groups.push(group);
  return groups;
}
