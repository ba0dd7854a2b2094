import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DeleteCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { backoffMs, sleep } from '../../lib/concurrency';
import { itemKeyOf } from './batch-and-query';
import { combineAggregateDeltas, type AggregateDelta } from './program-aggregates';
import { DocketWatchError } from '../../domain/errors';

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
  const once = oneItemPerKey(items);
  for (let attempt = 0; ; attempt++) {
    try {
      await client.send(new TransactWriteCommand({ TransactItems: once }));
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

/** AWS limit: TransactWriteItems takes 100 items, and names each item (table + key) once. */
export const TRANSACT_MAX_ITEMS = 100;

/** The item (table and key) a transaction item writes or checks. */
export function transactItemKey(item: TransactItem): string {
  const op = item.Put ?? item.Update ?? item.Delete ?? item.ConditionCheck;
  if (op === undefined) throw new DocketWatchError('TRANSACTION_INVALID', 'empty transaction item');
  const key = 'Item' in op && op.Item !== undefined ? op.Item : (op as { Key: Record<string, unknown> }).Key;
  return `${op.TableName ?? ''}\u0000${itemKeyOf(key)}`;
}

/**
 * One item per key, as TransactWriteItems requires: an exact repeat of an item is sent once;
 * two different operations on one item are a caller's error (counters are summed per item
 * by combineAggregateDeltas first) and throw before anything is sent. At most 100 items.
 */
export function oneItemPerKey(items: readonly TransactItem[]): TransactItem[] {
  const seen = new Map<string, string>();
  const out: TransactItem[] = [];
  for (const item of items) {
    const key = transactItemKey(item);
    const body = JSON.stringify(item, (_, v: unknown) => (v instanceof Set ? [...(v as Set<unknown>)] : v));
    const before = seen.get(key);
    if (before === body) continue;
    if (before !== undefined) throw new DocketWatchError('TRANSACTION_INVALID', `a transaction names one item twice with different writes (${key.split('\u0000')[1] ?? ''})`);
    seen.set(key, body);
    out.push(item);
  }
  if (out.length > TRANSACT_MAX_ITEMS) throw new DocketWatchError('TRANSACTION_INVALID', `a transaction of ${out.length} items exceeds TransactWriteItems' ${TRANSACT_MAX_ITEMS}`);
  return out;
}

/**
 * One state change of a counted item: its writes (each carrying the condition that the item
 * is still in the state the caller read) and the aggregate deltas it implies.
 */
export interface GuardedChange<K> {
  readonly key: K;
  readonly items: readonly TransactItem[];
  readonly deltas: readonly AggregateDelta[];
}

export class GuardFailedError extends DocketWatchError<'TRANSACTION_GUARD_FAILED'> {
  constructor(message: string, options?: ErrorOptions) {
    super('TRANSACTION_GUARD_FAILED', message, options);
  }
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
      // packChanges keeps changes on one item apart, so nothing is dropped here and the
      // cancellation reasons still line up with `owners`.
      const once = oneItemPerKey(items);
      if (once.length !== items.length) throw new DocketWatchError('TRANSACTION_INVALID', 'a change repeats one of its own transaction items');
      try {
        await client.send(new TransactWriteCommand({ TransactItems: once }));
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

/**
 * Greedy packing: a change never spans two transactions, and two changes writing the same
 * item (the same UC twice in one list) go to different transactions, in their order.
 */
export function packChanges<K>(changes: readonly GuardedChange<K>[], limit: number): GuardedChange<K>[][] {
  const groups: GuardedChange<K>[][] = [];
  let group: GuardedChange<K>[] = [];
  let items = 0;
  const keys = new Set<string>();
  const itemKeys = new Set<string>();
  for (const c of changes) {
    const newKeys = c.deltas.map((d) => `${d.pk}\u0000${d.sk}`).filter((k) => !keys.has(k));
    const own = c.items.map(transactItemKey);
    if (group.length > 0 && (items + c.items.length + keys.size + new Set(newKeys).size > limit || own.some((k) => itemKeys.has(k)))) {
      groups.push(group);
      group = [];
      items = 0;
      keys.clear();
      itemKeys.clear();
    }
    group.push(c);
    items += c.items.length;
    for (const d of c.deltas) keys.add(`${d.pk}\u0000${d.sk}`);
    for (const k of own) itemKeys.add(k);
  }
  if (group.length > 0) groups.push(group);
  return groups;
}
