import { describe, expect, it } from 'vitest';
import { settleHandOffs } from '../../shared/use-cases/steps/settle-hand-offs';
import { memoryCaseStore, memoryPublisher } from '../helpers/in-memory-ports';
import { landRosterAfterLine, whileDropPausedAfterFirstLine } from '../helpers/ledger-mid-drop';
import { ledgerModel, type ModelDrop, type ModelRoster } from '../helpers/ledger-model';
import { dropFiles, ledgerPorts } from '../helpers/ledger-run';
import { orderSighting } from '../helpers/signal-fixtures';

/**
 * Two drops read at the same time, both writing to a case a roster names while they are
 * read: the roster hands the case off to both. The first drop's finish must not settle it
 * from the part of the second drop read so far (an order's `N` without the same drop's `Y`
 * would record the FTA RESCINDED, and a rescinded FTA stays so): it leaves it to the second.
 */
describe('a case handed off to two drops being read', () => {
  const caseId = '7430001';
  const order = (absentia: string) => ({ proceedingId: '8430001', caseId, osc: '2022-01-01', absentia, compDate: '2025-05-01', hearingDate: '2025-05-01' });
  const other = { proceedingId: '8430002', caseId: '7430002', osc: '2022-01-01', absentia: 'N', compDate: null, hearingDate: '2025-05-01' };
  const jan: ModelDrop = { kind: 'drop', dropId: 'two-jan', asOf: '2026-01-01', proceedings: [order('Y')] };
  // Feb repeats the order's key N then Y (the FTA stays OPEN); Mar shows it Y again.
  const feb: ModelDrop = { kind: 'drop', dropId: 'two-feb', asOf: '2026-02-01', proceedings: [order('N'), order('Y')] };
  const mar: ModelDrop = { kind: 'drop', dropId: 'two-mar', asOf: '2026-03-01', proceedings: [order('Y'), other] };
  const roster: ModelRoster = { kind: 'roster', rosterId: 'two-roster', rows: [{ aNumber: `02${caseId}`, eoirCaseId: caseId }] };

  it('Feb paused between its N and Y lines while Mar is read, the roster landing in Mar: the FTA stays OPEN, one notice', async () => {
    const store = memoryCaseStore();
    const h = ledgerPorts(store, { chunkBytes: 64, parallelChunks: 1 });
    await h.drop(jan.dropId, dropFiles(jan), jan.asOf);
    await whileDropPausedAfterFirstLine(h, feb, async () => {
      const marFiles = dropFiles(mar);
      const mid = landRosterAfterLine(h, marFiles.B_TblProceeding as string, 1, roster);
      await h.drop(mar.dropId, marFiles, mar.asOf, { beforeChunk: mid.beforeChunk });
      expect(mid.landed.at).toBeGreaterThan(0);
    });
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
