import { PutCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDynamoSendSlots, SEND_SLOTS_MAX_AHEAD_MS } from '../../shared/adapters/cases-table/dynamo-notice-send-slots';
import { keys } from '../../shared/adapters/cases-table/keys';
import { useCasesTable } from '../helpers/local-stack';

/*
 * The account's shared send slots at their edges, on DynamoDB Local: a pool item that
 * holds no number (written by hand, or by another version) or a slot too far ahead, instances whose clocks and
 * deadlines differ taking at once, and a table that cannot be reached. Times are given to
 * the adapter (no clock read).
 */
describe('send slots at their edges, on DynamoDB Local', () => {
  const table = useCasesTable();
  const slotsOf = (pool: string, tableName = table.tableName) => createDynamoSendSlots({ client: table.dynamo, tableName, pool });
  const pool = () => `E_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const nextOf = async (name: string) => (await table.dynamo.send(new GetCommand({ TableName: table.tableName, Key: keys.sendSlots(name), ConsistentRead: true }))).Item?.next as unknown;

  it.each([
    ['a string', 'soon'],
    ['a numeric string', '5000'],
    ['a list', [1, 2]],
  ])('a pool item whose next free slot is %s is taken as idle (the taker gets its now), never a taker starving on it', async (_what, junk) => {
    const name = pool();
    await table.dynamo.send(new PutCommand({ TableName: table.tableName, Item: { ...keys.sendSlots(name), next: junk } }));
    const a = slotsOf(name);
    expect(await a.take(100, 30_000)).toBe(30_000);
    expect(await nextOf(name)).toBe(30_100);
    // Repaired: the pool is busy again for the others.
    expect(await slotsOf(name).take(100, 30_000)).toBe(30_100);
  });

  it('a next free slot beyond SEND_SLOTS_MAX_AHEAD_MS (a clock far off, a hand edit) is no slot anyone holds: taken as idle, the pool repaired; one just within it is queued behind', async () => {
    const name = pool();
    const now = 50_000_000;
    await table.dynamo.send(new PutCommand({ TableName: table.tableName, Item: { ...keys.sendSlots(name), next: now + SEND_SLOTS_MAX_AHEAD_MS + 1 } }));
    // With a deadline a second away, as a notifier takes: a slot now, not a refusal until the far slot.
    expect(await slotsOf(name).take(100, now, now + 1000)).toBe(now);
    expect(await nextOf(name)).toBe(now + 100);
    const near = pool();
    await table.dynamo.send(new PutCommand({ TableName: table.tableName, Item: { ...keys.sendSlots(near), next: now + SEND_SLOTS_MAX_AHEAD_MS } }));
    expect(await slotsOf(near).take(100, now)).toBe(now + SEND_SLOTS_MAX_AHEAD_MS);
  });

  it('a pool item with no next free slot (other attributes only) is taken as idle', async () => {
    const name = pool();
    await table.dynamo.send(new PutCommand({ TableName: table.tableName, Item: { ...keys.sendSlots(name), note: 'x' } }));
    expect(await slotsOf(name).take(100, 40_000)).toBe(40_000);
    expect(await nextOf(name)).toBe(40_100);
  });

  it('instances with clocks apart and their own deadlines, taking at once: every slot taken is at or after its taker\'s now, by its deadline, and an interval from every other', async () => {
    const name = pool();
    const instances = [slotsOf(name), slotsOf(name), slotsOf(name), slotsOf(name)];
    const interval = 100;
    // A fixed spread: nows up to 2.5 s apart (clocks and queued takes), deadlines 0-3 s after.
    const takes = Array.from({ length: 48 }, (_, i) => {
      const now = 100_000 + ((i * 7919) % 2500);
      const notAfter = i % 3 === 0 ? undefined : now + ((i * 104_729) % 3000);
      return { now, notAfter, by: instances[i % instances.length] as (typeof instances)[number] };
    });
    const slots = await Promise.all(takes.map((t) => t.by.take(interval, t.now, t.notAfter)));
    const given = slots.flatMap((s, i) => (s === null ? [] : [{ slot: s, take: takes[i] as (typeof takes)[number] }]));
    expect(given.filter(({ slot, take }) => slot < take.now || slot > (take.notAfter ?? Infinity))).toEqual([]);
    expect(given.length).toBeGreaterThan(takes.length / 2);
    const sorted = given.map((g) => g.slot).sort((x, y) => x - y);
    for (let i = 1; i < sorted.length; i++) expect((sorted[i] as number) - (sorted[i - 1] as number)).toBeGreaterThanOrEqual(interval);
    // Those with no deadline all got one; the pool's next free slot is an interval after the last.
    expect(slots.filter((s, i) => s === null && takes[i]?.notAfter === undefined)).toEqual([]);
    expect(await nextOf(name)).toBe((sorted.at(-1) as number) + interval);
  });

  it('a table that cannot be reached fails each take (the error, not a hang nor a slot), and takes made while one was out fail too', async () => {
    const slots = slotsOf(pool(), `${table.tableName}-missing`);
    const first = slots.take(100, 1_000);
    const waiting = slots.take(100, 1_000);
    await expect(first).rejects.toThrow(/non-existent table|not found/i);
    await expect(waiting).rejects.toThrow(/non-existent table|not found/i);
    // The adapter is not left claiming: a later take is tried (and fails) too.
    await expect(slots.take(100, 2_000)).rejects.toThrow(/non-existent table|not found/i);
  });
});
