import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import { describe, expect, it, vi } from 'vitest';
import { localClientConfig } from '../../infra/local/provision';
import { createDynamoSendSlots } from '../../shared/adapters/cases-table/dynamo-notice-send-slots';
import { keys } from '../../shared/adapters/cases-table/keys';
import type { AwsClients } from '../../shared/runtime/aws-clients';
import { ENV, ORR_SENDING } from '../../shared/runtime/resources';
import { accountMailer } from '../../shared/runtime/wiring/common/notice-sending';
import { useCasesTable } from '../helpers/local-stack';

/*
 * The account's shared send slots on DynamoDB Local: instances taking slots of one pool at
 * the same time (each its own adapter, as each Lambda instance has) never get the same slot,
 * never two closer than the interval, and an idle pool gives no burst from time saved.
 * Times are given to the adapter (no clock read), so nothing depends on the machine's speed.
 */
describe('send slots shared by every sender of the account, on DynamoDB Local', () => {
  const table = useCasesTable();
  const slotsOf = (pool: string) => createDynamoSendSlots({ client: table.dynamo, tableName: table.tableName, pool });
  const pool = () => `P_${Date.now()}_${Math.floor(Math.random() * 1e6)}`.replace(/[^A-Z_0-9]/g, '_');

  it('gives three instances taking 60 slots at once 60 distinct slots, one interval apart, from the first taken', async () => {
    const name = pool();
    const [a, b, c] = [slotsOf(name), slotsOf(name), slotsOf(name)];
    const now = 1_000_000;
    const slots = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? a : i % 3 === 1 ? b : c).take(125, now)));
    expect(slots.map(Number).sort((x, y) => x - y)).toEqual(Array.from({ length: 60 }, (_, i) => now + i * 125));
  });

  it('starts an idle pool at the taker’s now (no credit saved while idle), and a busy one an interval after its last slot', async () => {
    const name = pool();
    const a = slotsOf(name);
    const b = slotsOf(name);
    expect(await a.take(100, 5_000)).toBe(5_000);
    // Busy: another instance, at the same moment, gets the next slot.
    expect(await b.take(100, 5_000)).toBe(5_100);
    // Idle since 5,200: a take at 9,000 is at 9,000, not at 5,200 (which would let a burst catch up).
    expect(await b.take(100, 9_000)).toBe(9_000);
    expect(await a.take(100, 9_000)).toBe(9_100);
  });

  it('takes no slot after the deadline: null, and the slot stays for the next taker', async () => {
    const name = pool();
    const a = slotsOf(name);
    const b = slotsOf(name);
    expect(await a.take(1000, 20_000)).toBe(20_000);
    // The next slot is 21,000: after a deadline of 20,999.
    expect(await b.take(1000, 20_000, 20_999)).toBeNull();
    expect(await a.take(1000, 20_000, 21_000)).toBe(21_000);
  });

  it('claims the takes one instance makes at once together: 50 slots in a few calls, handed out in order', async () => {
    const slots = slotsOf(pool());
    const send = vi.spyOn(table.dynamo, 'send');
    try {
      const taken = await Promise.all(Array.from({ length: 50 }, () => slots.take(100, 70_000)));
      expect(taken).toEqual(Array.from({ length: 50 }, (_, i) => 70_000 + i * 100));
      // The first take alone, the 49 that waited for it in one more call.
      expect(send.mock.calls.length).toBeLessThanOrEqual(3);
    } finally {
      send.mockRestore();
    }
  });

  it('gives each taker of a group its own interval: a message of two recipients holds two slots, the pool moves by their sum', async () => {
    const name = pool();
    const slots = slotsOf(name);
    const taken = await Promise.all([slots.take(100, 90_000), slots.take(200, 90_000), slots.take(100, 90_000)]);
    expect(taken).toEqual([90_000, 90_100, 90_300]);
    // The next taker, another instance, after the group's 400 ms.
    expect(await slotsOf(name).take(100, 90_000)).toBe(90_400);
  });

  it('gives each taker of a group its own deadline: those whose slot would be too late get none, and their slots stay free', async () => {
    const slots = slotsOf(pool());
    await slots.take(100, 80_000);
    // The pool's next slot is 80,100: the 1st of these fits by 80,100, the 2nd (80,200) not by 80,150, the 3rd has no deadline.
    const taken = await Promise.all([slots.take(100, 80_000, 80_100), slots.take(100, 80_000, 80_150), slots.take(100, 80_000)]);
    expect(taken).toEqual([80_100, null, 80_200]);
  });

  it('keeps pools apart: a busy pool does not delay another', async () => {
    const busy = slotsOf(pool());
    const other = slotsOf(pool());
    await busy.take(1000, 50_000);
    await busy.take(1000, 50_000);
    expect(await other.take(1000, 50_000)).toBe(50_000);
  });

  it('every email-sending function’s mailer takes its sends from the account’s pool, one slot per 1 / MaxSendRate whatever its own share', async () => {
    const ses = new SESClient(localClientConfig(table.emulators.endpoints.ses));
    try {
      const clients = { dynamo: table.dynamo, ses } as unknown as AwsClients;
      const config = { [ENV.casesTable]: table.tableName, [ENV.mailFrom]: 'docket-watch@example.gov', [ENV.sesMaxSendRate]: 10 };
      const nextOf = async (): Promise<number> =>
        Number((await table.dynamo.send(new GetCommand({ TableName: table.tableName, Key: keys.sendSlots(ORR_SENDING.slotPool), ConsistentRead: true }))).Item?.next);
      const mail = (n: number) => ({ to: ['orr@example.gov'], from: 'docket-watch@example.gov', subject: `[Docket Watch] pool ${n}`, text: 'plain', html: '<p>html</p>', messageIdHeader: `<POOL.${n}@example.gov>`, referenceId: `POOL-${n}` });
      // The digest's, reminders' and OPLA reconciliation's share, then the notifiers': each send moves the account's pool by 100 ms (10/s), not by its own interval (500 ms at 0.2).
      const before = Date.now();
      await accountMailer(clients, config, ORR_SENDING.digestRateShare).send(mail(1));
      const afterDigest = await nextOf();
      expect(afterDigest).toBeGreaterThanOrEqual(before + 100);
      expect(afterDigest).toBeLessThanOrEqual(Date.now() + 100);
      await accountMailer(clients, config, ORR_SENDING.rateShare).send(mail(2));
      expect(await nextOf()).toBeGreaterThanOrEqual(afterDigest + 100);
    } finally {
      ses.destroy();
    }
  });
});
