import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SendSlots } from '../../ports/send-slots';
import { DocketWatchError } from '../../domain/errors';
import { keys } from './keys';
import { isConditionFailure } from './transactions';

/*
 * The senders' next free slot, one item per pool in the cases table:
 *   pk SEND_SLOTS  sk <pool>   next (epoch ms of the next free slot)
 * No PII. About one write per message sent: a pool of 0.8 x 14 messages a second writes
 * 11 times a second, far under one item's limit.
 */
export interface DynamoSendSlotsOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** The pool's name (`ORR_NOTICES`): senders of one pool share its rate. */
  readonly pool: string;
}

/** Conditional writes lost to another taker before this take gives up (each loss means another took a slot: the pool moves). */
const MAX_ROUNDS = 20;

/**
 * Slots taken with one conditional UpdateItem each, so two takers never get the same slot:
 * while the pool is busy (its next free slot is now or later), `next` moves one interval
 * on and the taker gets its old value; when it is idle (`next` passed, or no item yet),
 * `next` is set to now plus one interval and the taker gets now. A taker that loses the
 * race reads the item again and retries; the order it tries first follows the last value
 * it saw, so a busy pool costs one call a slot.
 */
export function createDynamoSendSlots({ client, tableName, pool }: DynamoSendSlotsOptions): SendSlots {
  const Key = keys.sendSlots(pool);
  /** The pool's `next` as this taker last saw it (0: idle as far as it knows). */
  let lastSeenNext = 0;

  /** Busy pool: takes `next` (at or after now, at or before notAfter); false when the pool is not so. */
  const takeQueued = async (intervalMs: number, nowMs: number, notAfterMs: number | undefined): Promise<number | null> => {
    try {
      const out = await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key,
          UpdateExpression: 'SET #next = #next + :interval',
          ConditionExpression: notAfterMs === undefined ? '#next >= :now' : '#next >= :now AND #next <= :notAfter',
          ExpressionAttributeNames: { '#next': 'next' },
          ExpressionAttributeValues: { ':interval': intervalMs, ':now': nowMs, ...(notAfterMs === undefined ? {} : { ':notAfter': notAfterMs }) },
          ReturnValues: 'UPDATED_OLD',
        }),
      );
      const slot = Number(out.Attributes?.next);
      lastSeenNext = slot + intervalMs;
      return slot;
    } catch (err) {
      if (isConditionFailure(err)) return null;
      throw err;
    }
  };
  /** Idle pool: the slot is now; false when the pool is busy. */
  const takeIdle = async (intervalMs: number, nowMs: number): Promise<number | null> => {
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key,
          UpdateExpression: 'SET #next = :next',
          ConditionExpression: 'attribute_not_exists(#next) OR #next < :now',
          ExpressionAttributeNames: { '#next': 'next' },
          ExpressionAttributeValues: { ':next': nowMs + intervalMs, ':now': nowMs },
        }),
      );
      lastSeenNext = nowMs + intervalMs;
      return nowMs;
    } catch (err) {
      if (isConditionFailure(err)) return null;
      throw err;
    }
  };

  /** This instance's takes, one after another: each starts from the value the last one saw (one call a slot, no race with itself). */
  let queue: Promise<unknown> = Promise.resolve();

  const takeNow = async (intervalMs: number, nowMs: number, notAfterMs: number | undefined): Promise<number | null> => {
    if (notAfterMs !== undefined && notAfterMs < nowMs) return null;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const busy = lastSeenNext >= nowMs;
      const first = busy ? await takeQueued(intervalMs, nowMs, notAfterMs) : await takeIdle(intervalMs, nowMs);
      if (first !== null) return first;
      const second = busy ? await takeIdle(intervalMs, nowMs) : await takeQueued(intervalMs, nowMs, notAfterMs);
      if (second !== null) return second;
      // Neither: the next free slot is after notAfter, or another taker moved it between the two.
      const out = await client.send(new GetCommand({ TableName: tableName, Key, ConsistentRead: true }));
      lastSeenNext = Number(out.Item?.next ?? 0);
      if (notAfterMs !== undefined && lastSeenNext > notAfterMs) return null;
    }
    throw new DocketWatchError('CONCURRENT_UPDATES_EXHAUSTED', `send slots ${pool}: no slot after ${MAX_ROUNDS} rounds of conditional writes`);
  };

  return {
    take(intervalMs, nowMs, notAfterMs) {
      const taken = queue.then(() => takeNow(intervalMs, nowMs, notAfterMs));
      queue = taken.catch(() => undefined);
      return taken;
    },
  };
}
