import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SendSlots } from '../../ports/send-slots';
import { DocketWatchError } from '../../domain/errors';
import { keys } from './keys';
import { isConditionFailure } from './transactions';

/*
 * The senders' next free slot, one item per pool in the cases table:
 *   pk SEND_SLOTS  sk <pool>   next (epoch ms of the next free slot)
 * No PII. At most one write per message sent (takes made together share one): the
 * account's pool at 14 messages a second writes at most 14 times a second, far under one
 * item's limit.
 */
export interface DynamoSendSlotsOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** The pool's name (`SES_ACCOUNT`, ORR_SENDING.slotPool): senders of one pool share its rate. */
  readonly pool: string;
}

/** Conditional writes lost to another taker before this take gives up (each loss means another took a slot: the pool moves). */
const MAX_ROUNDS = 20;

/** Takes of one instance claimed in one call at most (a notifier's batch is 50). */
const MAX_GROUP = 100;

/**
 * How far ahead of a taker's now the pool's next free slot can honestly be, in ms: the
 * slots every instance holds and has not yet used (a mailer holds SLOTS_HELD_AHEAD_MS, a
 * message's own slots at the least; a notifier's deadline caps its takes at about 45 s)
 * plus the instances' clock drift. A `next` later than this (a hand edit, a bug) is no slot
 * anyone holds: the pool is taken as idle and repaired, else every sender of the account
 * would wait for it, and every notice with a deadline would be refused until then. The
 * instances' clocks must agree within it (Lambda's are synchronised): one 15 minutes
 * behind the others would take their held slots for idle.
 */
export const SEND_SLOTS_MAX_AHEAD_MS = 15 * 60_000;

interface Waiting {
  readonly intervalMs: number;
  readonly nowMs: number;
  readonly notAfterMs: number | undefined;
  readonly resolve: (slot: number | null) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Slots taken with conditional UpdateItems, so two takers never get the same slot: while
 * the pool is busy (its next free slot is now or later, within SEND_SLOTS_MAX_AHEAD_MS),
 * `next` moves on by the slots taken and the taker gets the old value onward; when it is
 * idle (`next` passed or beyond that, no item yet, or no number in it), `next` is set to now plus the slots taken and the taker's first slot is now. The
 * takes one instance makes while its call is out wait and go together in the next call
 * (a batch of 50 notices ready at once costs a few calls, not 50), slots handed out in the
 * order taken. A taker that loses a race reads the item again and retries; the order it
 * tries first follows the last value it saw, so a busy pool costs one call a group. A group
 * whose last slot would pass a taker's deadline is taken one by one, each with its own.
 */
export function createDynamoSendSlots({ client, tableName, pool }: DynamoSendSlotsOptions): SendSlots {
  const Key = keys.sendSlots(pool);
  /** The pool's `next` as this taker last saw it (0: idle as far as it knows). */
  let lastSeenNext = 0;
  let waiting: Waiting[] = [];
  let claiming = false;

  /** Busy pool: takes `spanMs` of slots from `next` (at or after now; the first at or before `limit`); null when the pool is not so. */
  const takeQueued = async (spanMs: number, nowMs: number, limit: number | undefined): Promise<number | null> => {
    try {
      const out = await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key,
          UpdateExpression: 'SET #next = #next + :span',
          ConditionExpression: limit === undefined ? '#next BETWEEN :now AND :far' : '#next BETWEEN :now AND :far AND #next <= :limit',
          ExpressionAttributeNames: { '#next': 'next' },
          ExpressionAttributeValues: { ':span': spanMs, ':now': nowMs, ':far': nowMs + SEND_SLOTS_MAX_AHEAD_MS, ...(limit === undefined ? {} : { ':limit': limit }) },
          ReturnValues: 'UPDATED_OLD',
        }),
      );
      const first = Number(out.Attributes?.next);
      lastSeenNext = first + spanMs;
      return first;
    } catch (err) {
      if (isConditionFailure(err)) return null;
      throw err;
    }
  };
  /** Idle pool (no item, no number in it, its next free slot passed or beyond SEND_SLOTS_MAX_AHEAD_MS): the first slot is now; null when the pool is busy. */
  const takeIdle = async (spanMs: number, nowMs: number): Promise<number | null> => {
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key,
          UpdateExpression: 'SET #next = :next',
          // A `next` that is no number (written by hand or by another version) is no slot
          // anyone holds: the pool is idle, else every taker would fail on it until repaired.
          ConditionExpression: 'attribute_not_exists(#next) OR NOT attribute_type(#next, :number) OR #next < :now OR #next > :far',
          ExpressionAttributeNames: { '#next': 'next' },
          ExpressionAttributeValues: { ':next': nowMs + spanMs, ':now': nowMs, ':far': nowMs + SEND_SLOTS_MAX_AHEAD_MS, ':number': 'N' },
        }),
      );
      lastSeenNext = nowMs + spanMs;
      return nowMs;
    } catch (err) {
      if (isConditionFailure(err)) return null;
      throw err;
    }
  };

  /** The start of `spanMs` of consecutive slots, at or before `limit`; null when the next free slot is later. */
  const claim = async (spanMs: number, nowMs: number, limit: number | undefined): Promise<number | null> => {
    if (limit !== undefined && limit < nowMs) return null;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const busy = lastSeenNext >= nowMs && lastSeenNext <= nowMs + SEND_SLOTS_MAX_AHEAD_MS;
      const first = busy ? await takeQueued(spanMs, nowMs, limit) : await takeIdle(spanMs, nowMs);
      if (first !== null) return first;
      const second = busy ? await takeIdle(spanMs, nowMs) : await takeQueued(spanMs, nowMs, limit);
      if (second !== null) return second;
      // Neither: the next free slot is after the limit, or another taker moved it between the two.
      const out = await client.send(new GetCommand({ TableName: tableName, Key, ConsistentRead: true }));
      lastSeenNext = Number(out.Item?.next ?? 0);
      if (limit !== undefined && lastSeenNext > limit) return null;
    }
    throw new DocketWatchError('CONCURRENT_UPDATES_EXHAUSTED', `send slots ${pool}: no slot after ${MAX_ROUNDS} rounds of conditional writes`);
  };

  /**
   * One group: its slots in order, each taker's one interval (its own: a message to two
   * recipients takes two) after the one before, or one by one when a deadline stops the
   * group as a whole.
   */
  const claimGroup = async (group: readonly Waiting[]): Promise<(number | null)[]> => {
    const nowMs = Math.max(...group.map((w) => w.nowMs));
    // Each taker's slot, from the group's first: the intervals of the takers before it.
    const offsets: number[] = [];
    let spanMs = 0;
    for (const w of group) {
      offsets.push(spanMs);
      spanMs += w.intervalMs;
    }
    // The group's first slot must leave each taker's own slot by its deadline.
    const limits = group.flatMap((w, j) => (w.notAfterMs === undefined ? [] : [w.notAfterMs - (offsets[j] ?? 0)]));
    const limit = limits.length === 0 ? undefined : Math.min(...limits);
    const first = await claim(spanMs, nowMs, limit);
    if (first !== null) return offsets.map((offset) => first + offset);
    if (group.length === 1) return [null];
    const slots: (number | null)[] = [];
    for (const w of group) slots.push(await claim(w.intervalMs, nowMs, w.notAfterMs));
    return slots;
  };

  const claimWaiting = async (): Promise<void> => {
    claiming = true;
    try {
      while (waiting.length > 0) {
        const group = waiting.slice(0, MAX_GROUP);
        waiting = waiting.slice(MAX_GROUP);
        try {
          const slots = await claimGroup(group);
          group.forEach((w, j) => w.resolve(slots[j] ?? null));
        } catch (err) {
          for (const w of group) w.reject(err);
        }
      }
    } finally {
      claiming = false;
    }
  };

  return {
    take(intervalMs, nowMs, notAfterMs) {
      return new Promise<number | null>((resolve, reject) => {
        waiting.push({ intervalMs, nowMs, notAfterMs, resolve, reject });
        if (!claiming) void claimWaiting();
      });
    },
  };
}
