import { describe, expect, it } from 'vitest';
import { createDynamoCaseStore } from '../../shared/adapters/cases-table/dynamo-case-store';
import { handOffToTwoDropsRead } from '../helpers/ledger-mid-drop';
import { ledgerModel } from '../helpers/ledger-model';
import { ledgerPorts, type LedgerFta } from '../helpers/ledger-run';
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

  it('Feb paused between its N and Y lines while Mar is read, the roster landing in Mar: the FTA stays OPEN, one notice, no hand-off left', async () => {
    const store = createDynamoCaseStore({ client: table.dynamo, tableName: table.tableName });
    const h = ledgerPorts(store, { chunkBytes: 64, parallelChunks: 1 });
    const { jan, feb, mar, roster, landedAt } = await handOffToTwoDropsRead(h, { prefix: 'two-d', caseId, proceedingId: '8450001', otherCaseId: '7450002', otherProceedingId: '8450002' });
    expect(landedAt).toBeGreaterThan(0);
    expect(ledgerModel([jan, feb, mar, roster]).map((f) => f.status)).toEqual(['OPEN']);
    const ftas: LedgerFta[] = [];
    for await (const f of store.listFtas()) if (f.caseId === caseId) ftas.push({ ftaId: f.ftaId, caseId: f.caseId, status: f.status });
    expect(h.outcome(ftas)).toEqual({ ftas: [{ ftaId: 'IA-8450001', caseId, status: 'OPEN' }], notices: ['IA-8450001'], corrections: [] });
    expect(await store.readingDrops.handedOff(feb.dropId)).toEqual([]);
    expect(await store.readingDrops.handedOff(mar.dropId)).toEqual([]);
  });
});
