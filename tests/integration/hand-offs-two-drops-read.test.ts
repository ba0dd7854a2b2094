import { describe, expect, it } from 'vitest';
import { createDynamoCaseStore } from '../../shared/adapters/cases-table/dynamo-case-store';
import { landRosterAfterLine, whileDropPausedAfterFirstLine } from '../helpers/ledger-mid-drop';
import { ledgerModel, type ModelDrop, type ModelRoster } from '../helpers/ledger-model';
import { dropFiles, ledgerPorts, type LedgerFta } from '../helpers/ledger-run';
import { useCasesTable } from '../helpers/local-stack';

/**
 * Two drops read at the same time on DynamoDB Local (in memory:
 * tests/unit/hand-offs-two-drops-read.test.ts): a roster landing in the second hands the
 * case off to both; the second's finish leaves it to the first, still being read, whose
 * finish settles it with its whole evidence (an order's `N` then `Y`: the FTA stays OPEN).
 */
describe('a case handed off to two drops being read (DynamoDB Local)', () => {
  const table = useCasesTable();
  const caseId = '7450001';
  const order = (absentia: string) => ({ proceedingId: '8450001', caseId, osc: '2022-01-01', absentia, compDate: '2025-05-01', hearingDate: '2025-05-01' });
  const other = { proceedingId: '8450002', caseId: '7450002', osc: '2022-01-01', absentia: 'N', compDate: null, hearingDate: '2025-05-01' };
  const jan: ModelDrop = { kind: 'drop', dropId: 'two-d-jan', asOf: '2026-01-01', proceedings: [order('Y')] };
  const feb: ModelDrop = { kind: 'drop', dropId: 'two-d-feb', asOf: '2026-02-01', proceedings: [order('N'), order('Y')] };
  const mar: ModelDrop = { kind: 'drop', dropId: 'two-d-mar', asOf: '2026-03-01', proceedings: [order('Y'), other] };
  const roster: ModelRoster = { kind: 'roster', rosterId: 'two-d-roster', rows: [{ aNumber: `02${caseId}`, eoirCaseId: caseId }] };

  it('Feb paused between its N and Y lines while Mar is read, the roster landing in Mar: the FTA stays OPEN, one notice, no hand-off left', async () => {
    const store = createDynamoCaseStore({ client: table.dynamo, tableName: table.tableName });
    const h = ledgerPorts(store, { chunkBytes: 64, parallelChunks: 1 });
    await h.drop(jan.dropId, dropFiles(jan), jan.asOf);
    await whileDropPausedAfterFirstLine(h, feb, async () => {
      const marFiles = dropFiles(mar);
      const mid = landRosterAfterLine(h, marFiles.B_TblProceeding as string, 1, roster);
      await h.drop(mar.dropId, marFiles, mar.asOf, { beforeChunk: mid.beforeChunk });
      expect(mid.landed.at).toBeGreaterThan(0);
    });
    expect(ledgerModel([jan, feb, mar, roster]).map((f) => f.status)).toEqual(['OPEN']);
    const ftas: LedgerFta[] = [];
    for await (const f of store.listFtas()) if (f.caseId === caseId) ftas.push({ ftaId: f.ftaId, caseId: f.caseId, status: f.status });
    expect(h.outcome(ftas)).toEqual({ ftas: [{ ftaId: 'IA-8450001', caseId, status: 'OPEN' }], notices: ['IA-8450001'], corrections: [] });
    expect(await store.readingDrops.handedOff(feb.dropId)).toEqual([]);
    expect(await store.readingDrops.handedOff(mar.dropId)).toEqual([]);
  });
});
