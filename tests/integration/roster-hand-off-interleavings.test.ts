import { describe, expect, it } from 'vitest';
import { createDynamoCaseStore } from '../../shared/adapters/cases-table/dynamo-case-store';
import { expectMidDropOutcome } from '../helpers/ledger-mid-drop';
import type { LedgerFta } from '../helpers/ledger-run';
import { useCasesTable } from '../helpers/local-stack';
import { playStepRace, stepRace } from '../helpers/roster-step-interleaving';

/**
 * A roster's settle interleaved with a drop's run step by step on DynamoDB Local (the
 * in-memory ports: tests/unit/roster-hand-off-interleavings.test.ts): the drop's finish
 * releases its claim between the roster's first and second reads of it. The roster settles
 * the case from signals read after the release (the whole drop's), and leaves no hand-off item.
 */
describe('a roster handing a case off, the drop finishing before the roster reads its claim again (DynamoDB Local)', () => {
  const table = useCasesTable();
  const cases = [
    ['the finish releasing the claim after the hand-off, the roster settling before the finish does', 'after-release', 'handOff', 11],
    ['the roster reading the claim, the drop wholly finishing, then the roster handing off', 'after-drop', 'first-claim-read', 14],
  ] as const;

  it.each(cases)('%s: no notice, no correction, no hand-off left', async (_name, when, pauseAt, n) => {
    const store = createDynamoCaseStore({ client: table.dynamo, tableName: table.tableName });
    const race = stepRace(n);
    const h = await playStepRace(store, race, when, pauseAt);
    const ftas: LedgerFta[] = [];
    for await (const f of store.listFtas()) if (f.caseId === race.caseId) ftas.push({ ftaId: f.ftaId, caseId: f.caseId, status: f.status });
    const got = h.outcome(ftas);
    expect(got).toEqual({ ftas: [{ ftaId: race.ftaId, caseId: race.caseId, status: 'RESCINDED' }], notices: [], corrections: [] });
    expectMidDropOutcome(got, [race.jan, race.feb, race.roster], [race.jan, race.roster, race.feb]);
    expect(await store.readingDrops.handedOff(race.feb.dropId)).toEqual([]);
    expect(await store.readingDrops.reading([race.feb.dropId], '2000-01-01T00:00:00.000Z')).toEqual(new Set());
  });
});
