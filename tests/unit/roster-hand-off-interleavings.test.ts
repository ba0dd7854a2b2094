import { describe, expect, it } from 'vitest';
import type { ReadingDrops } from '../../shared/ports/reading-drops';
import { memoryCaseStore } from '../helpers/in-memory-ports';
import { expectMidDropOutcome } from '../helpers/ledger-mid-drop';
import type { ModelDrop, ModelRoster } from '../helpers/ledger-model';
import { dropFiles, ledgerPorts, rosterCsv } from '../helpers/ledger-run';

/**
 * A roster's settle interleaved with a drop's run step by step, not only between two of
 * the drop's chunks (tests/unit/roster-mid-drop-races.test.ts): the roster reads the
 * case's signals and hands the case off while the drop is read, then the drop reads the
 * rest of its lines and its finish releases the claim before the roster reads the claim
 * again. The roster must then settle the case with the whole drop's evidence (the drop is
 * read), never with the signals it read before the hand-off (part of the drop).
 */
const caseId = '7410001';
const noShow = (adjRsn: string, scheduleId = '9410001', forCase = caseId) => ({ scheduleId, proceedingId: '8410009', caseId: forCase, adjDate: '2025-09-01', adjRsn });
// Jan: the case's no-show. Feb: marks it UC, ties its A-number, then withdraws the no-show
// (8B) after another case's line; the roster names the A-number only.
const jan: ModelDrop = { kind: 'drop', dropId: 'step-jan', asOf: '2026-01-01', schedules: [noShow('11')] };
const feb: ModelDrop = {
  kind: 'drop', dropId: 'step-feb', asOf: '2026-02-01',
  cases: [{ caseId, priority: 'UC', alienNbr: `02${caseId}` }],
  schedules: [noShow('8B', '9410002', '7410002'), noShow('8B')],
};
const roster: ModelRoster = { kind: 'roster', rosterId: 'step-roster', rows: [{ aNumber: `02${caseId}`, eoirCaseId: null }] };

/**
 * Plays Jan, then Feb with the roster starting before Feb's second schedule range: the
 * roster runs until it has handed the case off, then waits; Feb reads on, and the roster
 * resumes `when` Feb's finish has released its claim (before the finish settles anything)
 * or once Feb is wholly done.
 */
async function play(when: 'after-release' | 'after-drop', pauseAt: 'handOff' | 'first-claim-read' = 'handOff') {
  const store = memoryCaseStore();
  const inner = store.readingDrops;
  let handedOff: () => void = () => undefined;
  const reachedHandOff = new Promise<void>((resolve) => (handedOff = resolve));
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
        handedOff();
        await resumed;
      }
      return out;
    },
    async handOff(dropId, ids) {
      await inner.handOff(dropId, ids);
      if (pauseAt === 'handOff') {
        handedOff();
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
  const h = ledgerPorts({ ...store, readingDrops } as typeof store, { chunkBytes: 64, parallelChunks: 1 });
  await h.drop(jan.dropId, dropFiles(jan), jan.asOf);
  const files = dropFiles(feb);
  let landed = false;
  const beforeChunk = async (key: string, fetchStart: number): Promise<void> => {
    if (landed || key !== 'tbl_schedule' || fetchStart === 0) return;
    landed = true;
    rosterDone = h.roster(roster.rosterId, rosterCsv(roster));
    // The roster has read the signals and handed the case off (or finished without).
    await Promise.race([reachedHandOff, rosterDone]);
  };
  await h.drop(feb.dropId, files, feb.asOf, { beforeChunk });
  resume();
  await rosterDone;
  expect(landed).toBe(true);
  const got = h.outcome([...store.ftas.values()].map((f) => ({ ftaId: f.fta.ftaId, caseId: f.fta.caseId, status: f.status })));
  return { got, store };
}

describe('a roster handing a case off, the drop finishing before the roster reads its claim again', () => {
  it('the finish releasing the claim, the roster settling before the finish does: no notice, no correction (the whole drop withdraws the no-show)', async () => {
    const { got, store } = await play('after-release');
    expect(got).toEqual({ ftas: [{ ftaId: 'NS-9410001', caseId, status: 'RESCINDED' }], notices: [], corrections: [] });
    expectMidDropOutcome(got, [jan, feb, roster], [jan, roster, feb]);
    expect(store.readingDrops.claims.has(feb.dropId)).toBe(false);
  });

  it('the drop wholly finished before the roster resumes: no notice, no correction', async () => {
    const { got } = await play('after-drop');
    expect(got).toEqual({ ftas: [{ ftaId: 'NS-9410001', caseId, status: 'RESCINDED' }], notices: [], corrections: [] });
    expectMidDropOutcome(got, [jan, feb, roster], [jan, roster, feb]);
  });

  it('the roster reading the claim, then the drop wholly finishing before the roster hands the case off: the roster settles it itself and leaves no hand-off behind', async () => {
    const { got, store } = await play('after-drop', 'first-claim-read');
    expect(got).toEqual({ ftas: [{ ftaId: 'NS-9410001', caseId, status: 'RESCINDED' }], notices: [], corrections: [] });
    expectMidDropOutcome(got, [jan, feb, roster], [jan, roster, feb]);
    // Nothing would ever read it: the finish read its hand-offs before it was written.
    expect([...(store.readingDrops.handOffs.get(feb.dropId) ?? [])]).toEqual([]);
  });
});
