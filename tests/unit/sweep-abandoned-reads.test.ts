import { describe, expect, it } from 'vitest';
import { settleAbandonedReads } from '../../shared/use-cases/steps/settle-hand-offs';
import { memoryCaseStore, memoryPublisher } from '../helpers/in-memory-ports';
import { orderSighting } from '../helpers/signal-fixtures';

/**
 * The outbox sweep settling the cases a roster left to a drop run that died, when the sweep
 * itself fails part way (a DynamoDB error, a Lambda timeout): the next sweep must still
 * settle them, or the FTA is never recorded nor sent (no later sweep lists a claim it released).
 */
describe('the sweep of a dead run\'s hand-offs failing part way', () => {
  const caseId = '7900001';
  const dropId = 'sweep-fails-drop';

  async function deadRunWithHandOff() {
    const store = memoryCaseStore();
    // The run claimed its drop, wrote a sighting of an order of a case a roster then made a
    // UC case and left to the run; the run died (its claim expired at 01:00).
    await store.readingDrops.claim(dropId, 'dead-run', '2026-11-30T01:00:00.000Z');
    await store.signals.recordSightings([orderSighting(caseId, '8900001', dropId)]);
    await store.markUcCases([{ caseId, basis: 'ROSTER', dropId: 'roster:r1' }]);
    await store.readingDrops.handOff(dropId, [caseId]);
    return store;
  }

  // It failed when the sweep released (deleted) the expired claim before it settled the
  // hand-offs: no later sweep listed them (it lists claims).
  it('a sweep failing after it released the claim: the next sweep still records and sends the FTA', async () => {
    const store = await deadRunWithHandOff();
    const publisher = memoryPublisher();
    const at = { now: () => new Date('2026-11-30T02:00:00.000Z') };
    const recordFtas = store.recordFtas.bind(store);
    let fail = true;
    const failing = {
      ...store,
      async recordFtas(...args: Parameters<typeof store.recordFtas>) {
        if (fail) {
          fail = false;
          throw new Error('ProvisionedThroughputExceededException');
        }
        return recordFtas(...args);
      },
    };
    await expect(settleAbandonedReads({ store: failing, publisher, clock: at })).rejects.toThrow('ProvisionedThroughputExceededException');
    await settleAbandonedReads({ store: failing, publisher, clock: at });
    expect(store.ftas.get('IA-8900001')?.status).toBe('OPEN');
    expect(publisher.sent.filter((m) => m.type === 'FTA_RECORDED').map((m) => m.ftaId)).toEqual(['IA-8900001']);
  });

  it('a sweep that does not fail records and sends the FTA and leaves neither claim nor hand-off', async () => {
    const store = await deadRunWithHandOff();
    const publisher = memoryPublisher();
    const at = { now: () => new Date('2026-11-30T02:00:00.000Z') };
    expect(await settleAbandonedReads({ store, publisher, clock: at })).toMatchObject({ new: 1, published: 1 });
    expect(store.ftas.get('IA-8900001')?.status).toBe('OPEN');
    expect(store.readingDrops.claims.has(dropId)).toBe(false);
    expect([...(store.readingDrops.handOffs.get(dropId) ?? [])]).toEqual([]);
  });
});
