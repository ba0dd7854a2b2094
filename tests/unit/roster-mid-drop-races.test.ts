import { describe, expect, it } from 'vitest';
import { createInProcessDropLedger } from '../../shared/use-cases/steps/ingest/in-process-drop-ledger';
import { memoryCaseStore } from '../helpers/in-memory-ports';
import { expectMidDropOutcome, landRosterAfterLine } from '../helpers/ledger-mid-drop';
import type { ModelDrop, ModelRoster } from '../helpers/ledger-model';
import { dropFiles, ledgerPorts, readInline, readThroughLedger, type DropReader } from '../helpers/ledger-run';

/**
 * The two races of a roster landing while a drop is read that the mid-drop ledger property
 * found with many seeds, each as a fixed example on the in-memory ports (the same on
 * DynamoDB Local: tests/integration/roster-mid-drop-races.test.ts):
 * 1. a drop repeats an order's key with ABSENTIA `N`, then `Y` (the spec: record the FTA; a
 *    drop never rescinds what it records itself), and the roster lands between the two lines;
 * 2. a drop marks a case UC (CASEPRIORITY) and indexes its A-number, and a roster naming the
 *    A-number lands before the drop reads the line withdrawing the case's old no-show.
 * Each must end as the roster read before the drop or after it would (the reference model),
 * read inside one invocation or fanned out chunk by chunk.
 */
const readers: [string, () => DropReader][] = [
  ['read inside one invocation', () => readInline],
  ['fanned out chunk by chunk', () => readThroughLedger(createInProcessDropLedger(), 0)],
];

const caseId = '7400001';
const rosterOf = (rosterId: string, byCaseId: boolean): ModelRoster => ({ kind: 'roster', rosterId, rows: [{ aNumber: `02${caseId}`, eoirCaseId: byCaseId ? caseId : null }] });
const order = (absentia: string) => ({ proceedingId: '8400001', caseId, osc: '2022-01-01', absentia, compDate: '2025-05-01', hearingDate: '2025-05-01' });
const noShow = (adjRsn: string, scheduleId = '9400001', forCase = caseId) => ({ scheduleId, proceedingId: '8400009', caseId: forCase, adjDate: '2025-09-01', adjRsn });

/** Plays `before`, then `drop` with `roster` landing after its table line `afterLine`; returns what the store and queues hold. */
async function play(reader: DropReader, before: readonly ModelDrop[], drop: ModelDrop, table: 'proceedings' | 'schedules', afterLine: number, roster: ModelRoster) {
  const h = ledgerPorts(memoryCaseStore(), { chunkBytes: 64, parallelChunks: 1 });
  for (const d of before) await h.drop(d.dropId, dropFiles(d), d.asOf, { reader });
  const files = dropFiles(drop);
  const file = (table === 'proceedings' ? files.B_TblProceeding : files.tbl_schedule) as string;
  const mid = landRosterAfterLine(h, file, afterLine, roster);
  await h.drop(drop.dropId, files, drop.asOf, { reader, beforeChunk: mid.beforeChunk });
  const got = h.outcome([...h.store.ftas.values()].map((f) => ({ ftaId: f.fta.ftaId, caseId: f.fta.caseId, status: f.status })));
  return { h, got, landed: mid.landed };
}

describe.each(readers)('a roster landing while a drop is read (%s)', (_name, reader) => {
  it('race 1: a drop showing an order N then Y, the roster landing between the two lines, records the FTA OPEN, with its notice', async () => {
    const jan: ModelDrop = { kind: 'drop', dropId: 'race1-jan', asOf: '2026-01-01', proceedings: [order('Y')] };
    const feb: ModelDrop = { kind: 'drop', dropId: 'race1-feb', asOf: '2026-02-01', proceedings: [order('N'), order('Y')] };
    const roster = rosterOf('race1-roster', true);
    const { got, landed } = await play(reader(), [jan], feb, 'proceedings', 1, roster);
    expect(landed).toMatchObject({ nextLineRead: false });
    expect(landed.at).toBeGreaterThan(0);
    expect(got).toEqual({ ftas: [{ ftaId: 'IA-8400001', caseId, status: 'OPEN' }], notices: ['IA-8400001'], corrections: [] });
    // The reference model agrees, whichever side of the drop the roster is read.
    expectMidDropOutcome(got, [jan, feb, roster], [jan, roster, feb]);
  });

  it('race 2: a drop marking the case UC and indexing its A-number, the roster landing before the withdrawal of an old no-show, sends neither notice nor correction', async () => {
    const jan: ModelDrop = { kind: 'drop', dropId: 'race2-jan', asOf: '2026-01-01', schedules: [noShow('11')] };
    const feb: ModelDrop = {
      kind: 'drop', dropId: 'race2-feb', asOf: '2026-02-01',
      cases: [{ caseId, priority: 'UC', alienNbr: `02${caseId}` }],
      // Another case's hearing first, so the roster lands between two of the stage's ranges.
      schedules: [noShow('8B', '9400002', '7400002'), noShow('8B')],
    };
    const roster = rosterOf('race2-roster', false);
    const { got, landed } = await play(reader(), [jan], feb, 'schedules', 1, roster);
    expect(landed).toMatchObject({ nextLineRead: false });
    expect(landed.at).toBeGreaterThan(0);
    expect(got).toEqual({ ftas: [{ ftaId: 'NS-9400001', caseId, status: 'RESCINDED' }], notices: [], corrections: [] });
    expectMidDropOutcome(got, [jan, feb, roster], [jan, roster, feb]);
  });
});
