import { expect } from 'vitest';
import type { CaseStore } from '../../shared/ports/case-store';
import type { ReadingDrops } from '../../shared/ports/reading-drops';
import type { ModelDrop, ModelRoster } from './ledger-model';
import { dropFiles, ledgerPorts, rosterCsv, type DropReader } from './ledger-run';

/**
 * A roster's settle interleaved with a drop's run step by step, not only between two of the
 * drop's chunks (ledger-mid-drop.ts): the roster starts before the drop's second schedule
 * range and runs until it pauses (`pauseAt`: right after its first read of the drops'
 * claims, or right after it handed a case off); the drop reads on, and the roster resumes
 * `when` the drop's finish has released its claim (before the finish settles anything) or
 * once the drop is wholly done. Feb is read inline unless `reader` says otherwise (fanned out).
 *
 * The race: Jan shows the case's no-show; Feb marks the case UC, ties its A-number, then
 * withdraws the no-show (8B) after another case's line; the roster names the A-number only.
 * Read in either order, the FTA is RESCINDED with neither notice nor correction.
 */
export function stepRace(n: number): { caseId: string; ftaId: string; jan: ModelDrop; feb: ModelDrop; roster: ModelRoster } {
  const caseId = String(7_410_000 + n);
  const scheduleId = String(9_410_000 + n * 10);
  const noShow = (adjRsn: string, sid = scheduleId, forCase = caseId) => ({ scheduleId: sid, proceedingId: String(8_410_000 + n), caseId: forCase, adjDate: '2025-09-01', adjRsn });
  return {
    caseId,
    ftaId: `NS-${scheduleId}`,
    jan: { kind: 'drop', dropId: `step-jan-${n}`, asOf: '2026-01-01', schedules: [noShow('11')] },
    feb: {
      kind: 'drop', dropId: `step-feb-${n}`, asOf: '2026-02-01',
      cases: [{ caseId, priority: 'UC', alienNbr: `02${caseId}` }],
      schedules: [noShow('8B', String(9_410_001 + n * 10), String(7_420_000 + n)), noShow('8B')],
    },
    roster: { kind: 'roster', rosterId: `step-roster-${n}`, rows: [{ aNumber: `02${caseId}`, eoirCaseId: null }] },
  };
}

export async function playStepRace<S extends CaseStore>(
  store: S,
  race: ReturnType<typeof stepRace>,
  when: 'after-release' | 'after-drop',
  pauseAt: 'handOff' | 'first-claim-read',
  reader?: DropReader,
) {
  const { jan, feb, roster } = race;
  const inner = store.readingDrops;
  let paused: () => void = () => undefined;
  const reachedPause = new Promise<void>((resolve) => (paused = resolve));
  let resume: () => void = () => undefined;
  const resumed = new Promise<void>((resolve) => (resume = resolve));
  let rosterDone: Promise<unknown> = Promise.resolve();
  let claimReads = 0;
  const readingDrops: ReadingDrops = {
    ...inner,
    async reading(dropIds, now) {
      const out = await inner.reading(dropIds, now);
      claimReads += 1;
      if (pauseAt === 'first-claim-read' && claimReads === 1) {
        paused();
        await resumed;
      }
      return out;
    },
    async handOff(dropId, ids) {
      await inner.handOff(dropId, ids);
      if (pauseAt === 'handOff') {
        paused();
        await resumed;
      }
    },
    async release(dropId, runId, expiredAt) {
      const released = await inner.release(dropId, runId, expiredAt);
      if (when === 'after-release' && dropId === feb.dropId && expiredAt === undefined) {
        resume();
        await rosterDone;
      }
      return released;
    },
  };
  const h = ledgerPorts({ ...store, readingDrops } as S, { chunkBytes: 64, parallelChunks: 1 });
  await h.drop(jan.dropId, dropFiles(jan), jan.asOf);
  let landed = false;
  const beforeChunk = async (key: string, fetchStart: number): Promise<void> => {
    if (landed || key !== 'tbl_schedule' || fetchStart === 0) return;
    landed = true;
    rosterDone = h.roster(roster.rosterId, rosterCsv(roster));
    await Promise.race([reachedPause, rosterDone]);
  };
  await h.drop(feb.dropId, dropFiles(feb), feb.asOf, { beforeChunk, ...(reader === undefined ? {} : { reader }) });
  resume();
  await rosterDone;
  expect(landed).toBe(true);
  // The roster did pause where asked (it read the claim while Feb was read).
  expect(claimReads).toBeGreaterThanOrEqual(pauseAt === 'handOff' ? 1 : 2);
  return h;
}
