import { describe, expect, it } from 'vitest';
import { createInProcessDropLedger } from '../../shared/use-cases/steps/ingest/in-process-drop-ledger';
import { memoryCaseStore } from '../helpers/in-memory-ports';
import { readThroughLedger } from '../helpers/ledger-run';
import { expectMidDropOutcome } from '../helpers/ledger-mid-drop';
import { playStepRace, stepRace } from '../helpers/roster-step-interleaving';

/**
 * A roster's settle interleaved with a drop's run step by step (the same on DynamoDB Local:
 * tests/integration/roster-hand-off-interleavings.test.ts): the roster reads the case's
 * signals and the drop's claim while the drop is read, and the drop's finish releases the
 * claim before the roster reads it again. The roster must then settle the case with the
 * whole drop's evidence, never with the signals it read before (part of the drop), and leave
 * no hand-off nothing would read.
 */
describe('a roster handing a case off, the drop finishing before the roster reads its claim again', () => {
  const cases = [
    ['the finish releasing the claim after the hand-off, the roster settling before the finish does', 'after-release', 'handOff', 1],
    ['the drop wholly finished after the hand-off, before the roster resumes', 'after-drop', 'handOff', 2],
    ['the roster reading the claim, the finish releasing it, then the roster handing off and settling before the finish does', 'after-release', 'first-claim-read', 3],
    ['the roster reading the claim, the drop wholly finishing, then the roster handing off', 'after-drop', 'first-claim-read', 4],
  ] as const;

  it.each(cases)('%s: no notice, no correction, no hand-off left', async (_name, when, pauseAt, n) => {
    const store = memoryCaseStore();
    const race = stepRace(n);
    const h = await playStepRace(store, race, when, pauseAt);
    const got = h.outcome([...store.ftas.values()].map((f) => ({ ftaId: f.fta.ftaId, caseId: f.fta.caseId, status: f.status })));
    expect(got).toEqual({ ftas: [{ ftaId: race.ftaId, caseId: race.caseId, status: 'RESCINDED' }], notices: [], corrections: [] });
    expectMidDropOutcome(got, [race.jan, race.feb, race.roster], [race.jan, race.roster, race.feb]);
    expect(store.readingDrops.claims.has(race.feb.dropId)).toBe(false);
    expect([...(store.readingDrops.handOffs.get(race.feb.dropId) ?? [])]).toEqual([]);
  });

  it.each(cases)('fanned out chunk by chunk, %s: no notice, no correction, no hand-off left', async (_name, when, pauseAt, n) => {
    const store = memoryCaseStore();
    const race = stepRace(n + 20);
    const h = await playStepRace(store, race, when, pauseAt, readThroughLedger(createInProcessDropLedger(), 0));
    const got = h.outcome([...store.ftas.values()].map((f) => ({ ftaId: f.fta.ftaId, caseId: f.fta.caseId, status: f.status })));
    expect(got).toEqual({ ftas: [{ ftaId: race.ftaId, caseId: race.caseId, status: 'RESCINDED' }], notices: [], corrections: [] });
    expectMidDropOutcome(got, [race.jan, race.feb, race.roster], [race.jan, race.roster, race.feb]);
    expect([...(store.readingDrops.handOffs.get(race.feb.dropId) ?? [])]).toEqual([]);
  });
});
