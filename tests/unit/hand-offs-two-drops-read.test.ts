import { describe, expect, it } from 'vitest';
import { settleHandOffs } from '../../shared/use-cases/steps/settle-hand-offs';
import { memoryCaseStore, memoryPublisher } from '../helpers/in-memory-ports';
import { handOffToTwoDropsRead } from '../helpers/ledger-mid-drop';
import { ledgerModel } from '../helpers/ledger-model';
import { ledgerPorts } from '../helpers/ledger-run';
import { orderSighting } from '../helpers/signal-fixtures';

/**
 * Two drops read at the same time, both writing to a case a roster names while they are
 * read: the roster hands the case off to both. The first drop's finish must not settle it
 * from the part of the second drop read so far (an order's `N` without the same drop's `Y`
 * would record the FTA RESCINDED, and a rescinded FTA stays so): it leaves it to the second.
 */
describe('a case handed off to two drops being read', () => {
  const caseId = '7430001';

  it('Feb paused between its N and Y lines while Mar is read, the roster landing in Mar: the FTA stays OPEN, one notice', async () => {
    const store = memoryCaseStore();
    const h = ledgerPorts(store, { chunkBytes: 64, parallelChunks: 1 });
    const { jan, feb, mar, roster, landedAt } = await handOffToTwoDropsRead(h, { prefix: 'two', caseId, proceedingId: '8430001', otherCaseId: '7430002', otherProceedingId: '8430002' });
    expect(landedAt).toBeGreaterThan(0);
    const want = ledgerModel([jan, feb, mar, roster]);
    expect(want.map((f) => ({ ftaId: f.ftaId, status: f.status }))).toEqual([{ ftaId: 'IA-8430001', status: 'OPEN' }]);
    const got = h.outcome([...store.ftas.values()].map((f) => ({ ftaId: f.fta.ftaId, caseId: f.fta.caseId, status: f.status })));
    expect(got).toEqual({ ftas: [{ ftaId: 'IA-8430001', caseId, status: 'OPEN' }], notices: ['IA-8430001'], corrections: [] });
  });
});

describe('a run finishing while another run of the same drop holds the claim', () => {
  it('settles the cases left to the drop itself (its evidence is whole), never hands them back to its own drop id and clears them', async () => {
    const store = memoryCaseStore();
    const publisher = memoryPublisher();
    const caseId = '7440001';
    const dropId = 'same-drop';
    await store.signals.recordSightings([orderSighting(caseId, '8440001', dropId)]);
    await store.markUcCases([{ caseId, basis: 'ROSTER', dropId: 'roster:r1' }]);
    await store.readingDrops.handOff(dropId, [caseId]);
    // Run B of the drop took the claim over; run A (whose release found B's claim) settles its hand-offs.
    await store.readingDrops.claim(dropId, 'run-b', '2026-11-30T09:00:00.000Z');
    const out = await settleHandOffs(dropId, { store, publisher }, { recordedAt: '2026-11-30T08:00:00.000Z', by: 'run-a#HANDOFFS' });
    expect(out).toMatchObject({ new: 1, handedOff: 0 });
    expect(store.ftas.get('IA-8440001')?.status).toBe('OPEN');
    expect(publisher.sent.map((m) => m.ftaId)).toEqual(['IA-8440001']);
    expect([...(store.readingDrops.handOffs.get(dropId) ?? [])]).toEqual([]);
  });
});
