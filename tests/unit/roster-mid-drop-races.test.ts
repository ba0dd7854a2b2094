import { describe, expect, it } from 'vitest';
import { createInProcessDropLedger } from '../../shared/use-cases/steps/ingest/in-process-drop-ledger';
import { settleAbandonedReads } from '../../shared/use-cases/steps/settle-hand-offs';
import { memoryCaseStore } from '../helpers/in-memory-ports';
import { dieAfterRosterLands, expectMidDropOutcome, readWithRosterAfterLine } from '../helpers/ledger-mid-drop';
import { ledgerModel, type ModelDrop, type ModelInput, type ModelRoster } from '../helpers/ledger-model';
import { dropFiles, ledgerPorts, readInline, readThroughLedger, rosterCsv, type DropReader } from '../helpers/ledger-run';

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
  const landed = await readWithRosterAfterLine(h, reader, before, drop, table, afterLine, roster);
  const got = h.outcome([...h.store.ftas.values()].map((f) => ({ ftaId: f.fta.ftaId, caseId: f.fta.caseId, status: f.status })));
  return { h, got, landed };
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

  it('race 2, the drop only tying the A-number to the case (no UC mark of its own): the roster leaves the case to the drop, no notice nor correction', async () => {
    const jan: ModelDrop = { kind: 'drop', dropId: 'race2b-jan', asOf: '2026-01-01', proceedings: [order('Y')] };
    const feb: ModelDrop = {
      kind: 'drop', dropId: 'race2b-feb', asOf: '2026-02-01',
      cases: [{ caseId, priority: 'N/A', alienNbr: `02${caseId}` }],
      proceedings: [{ ...order('N'), proceedingId: '8400002', caseId: '7400002' }, order('')],
    };
    const roster = rosterOf('race2b-roster', false);
    const { got, landed } = await play(reader(), [jan], feb, 'proceedings', 1, roster);
    expect(landed).toMatchObject({ nextLineRead: false });
    expect(got).toEqual({ ftas: [{ ftaId: 'IA-8400001', caseId, status: 'RESCINDED' }], notices: [], corrections: [] });
    expectMidDropOutcome(got, [jan, feb, roster], [jan, roster, feb]);
  });
});

describe('a drop run that dies after a roster left a case to it', () => {
  const jan: ModelDrop = { kind: 'drop', dropId: 'dies-jan', asOf: '2026-01-01', proceedings: [order('Y')] };
  // Feb shows the order again, then another case's line: the roster lands between them.
  const other = { proceedingId: '8400002', caseId: '7400002', osc: '2022-01-01', absentia: 'N', compDate: null, hearingDate: '2025-05-01' };
  const feb: ModelDrop = { kind: 'drop', dropId: 'dies-feb', asOf: '2026-02-01', proceedings: [order('Y'), other] };
  const roster = rosterOf('dies-roster', true);
  const ftasOf = (h: Awaited<ReturnType<typeof deadRun>>['h']) => h.outcome([...h.store.ftas.values()].map((f) => ({ ftaId: f.fta.ftaId, caseId: f.fta.caseId, status: f.status })));

  /** Jan read; Feb's run reads its first line, the roster lands (the case left to Feb), and the invocation dies before the next range. */
  async function deadRun() {
    const h = ledgerPorts(memoryCaseStore(), { chunkBytes: 64, parallelChunks: 1 });
    await h.drop(jan.dropId, dropFiles(jan), jan.asOf);
    const files = dropFiles(feb);
    const mid = dieAfterRosterLands(h, files.B_TblProceeding as string, 1, roster);
    await expect(h.drop(feb.dropId, files, feb.asOf, { beforeChunk: mid.beforeChunk })).rejects.toThrow('the invocation died');
    expect(mid.landed).toMatchObject({ nextLineRead: false });
    expect(h.store.readingDrops.handOffs.get(feb.dropId)).toEqual(new Set([caseId]));
    // Left to the run: nothing recorded yet.
    expect(h.store.ftas.size).toBe(0);
    return { h, files };
  }
  const want = ledgerModel([jan, feb, roster] satisfies ModelInput[]);

  it('the drop read again (Lambda\'s retry, a new run) settles the case the roster left to the dead run', async () => {
    const { h, files } = await deadRun();
    await h.drop(feb.dropId, files, feb.asOf);
    expect(ftasOf(h)).toEqual({ ftas: want.map((f) => ({ ftaId: f.ftaId, caseId: f.caseId, status: f.status })), notices: ['IA-8400001'], corrections: [] });
    expect(h.store.readingDrops.handOffs.get(feb.dropId)?.size).toBe(0);
    expect(h.store.readingDrops.claims.has(feb.dropId)).toBe(false);
  });

  it('never read again: once its claim expires, the sweep settles the case (not before), and a roster no longer leaves cases to it', async () => {
    const { h } = await deadRun();
    const until = Date.parse(h.store.readingDrops.claims.get(feb.dropId)?.until ?? '');
    expect(until).toBeGreaterThan(0);
    const at = (ms: number) => ({ now: () => new Date(ms) });
    // Still claimed: a run may be reading it.
    expect(await settleAbandonedReads({ store: h.store, publisher: h.publisher, clock: at(until - 1) })).toMatchObject({ new: 0 });
    expect(h.store.ftas.size).toBe(0);
    expect(await settleAbandonedReads({ store: h.store, publisher: h.publisher, clock: at(until) })).toMatchObject({ new: 1, rescinded: 0 });
    expect(ftasOf(h)).toEqual({ ftas: want.map((f) => ({ ftaId: f.ftaId, caseId: f.caseId, status: f.status })), notices: ['IA-8400001'], corrections: [] });
    expect(h.store.readingDrops.claims.has(feb.dropId)).toBe(false);
    expect(h.store.readingDrops.handOffs.get(feb.dropId)?.size).toBe(0);
    // Swept once: a second sweep finds nothing.
    expect(await settleAbandonedReads({ store: h.store, publisher: h.publisher, clock: at(until + 1) })).toMatchObject({ new: 0 });
  });

  it('the sweep leaves the cases to a run that claimed the drop since (it is reading it)', async () => {
    const { h } = await deadRun();
    const dead = h.store.readingDrops.claims.get(feb.dropId);
    const until = Date.parse(dead?.until ?? '');
    await h.store.readingDrops.claim(feb.dropId, 'a-later-run', new Date(until + 60_000).toISOString());
    expect(await settleAbandonedReads({ store: h.store, publisher: h.publisher, clock: { now: () => new Date(until) } })).toMatchObject({ new: 0 });
    expect(h.store.ftas.size).toBe(0);
    expect(h.store.readingDrops.claims.get(feb.dropId)?.runId).toBe('a-later-run');
    expect(h.store.readingDrops.handOffs.get(feb.dropId)).toEqual(new Set([caseId]));
  });

  it('a roster landing after the dead run\'s claim expired settles the case itself', async () => {
    const { h } = await deadRun();
    // The claim expires (as if its run had died long ago).
    const claim = h.store.readingDrops.claims.get(feb.dropId);
    h.store.readingDrops.claims.set(feb.dropId, { runId: claim?.runId ?? '', until: '2000-01-01T00:00:00.000Z' });
    const report = await h.roster('late-roster', rosterCsv(roster));
    expect(report.ftas).toEqual({ new: 1, rescinded: 0 });
    expect(report.casesLeftToDrops).toBeUndefined();
    expect(ftasOf(h).notices).toEqual(['IA-8400001']);
  });
});

describe('what the hand-off costs', () => {
  /** A store whose readingDrops calls are counted, by method. */
  function counted() {
    const store = memoryCaseStore();
    const calls: Record<string, number> = {};
    const inner = store.readingDrops;
    const wrap = <K extends keyof typeof inner>(name: K) => (...args: never[]) => {
      calls[name] = (calls[name] ?? 0) + 1;
      return (inner[name] as (...a: never[]) => unknown)(...args);
    };
    const readingDrops = { ...inner, claim: wrap('claim'), release: wrap('release'), reading: wrap('reading'), handOff: wrap('handOff'), handedOff: wrap('handedOff'), clearHandOffs: wrap('clearHandOffs') };
    return { store: { ...store, readingDrops } as typeof store, calls };
  }
  const bigDrop = (dropId: string, asOf: string, cases: number, absentia: string): ModelDrop => ({
    kind: 'drop', dropId, asOf,
    proceedings: Array.from({ length: cases }, (_, i) => ({ proceedingId: String(8_600_000 + i), caseId: String(7_600_000 + i), osc: '2022-01-01', absentia, compDate: '2025-05-01', hearingDate: '2025-05-01' })),
  });

  it('a drop makes the same calls whatever its size (20 or 400 cases with signals): a claim per stage, one release, one read of its hand-offs', async () => {
    const callsOf = async (cases: number) => {
      const { store, calls } = counted();
      const h = ledgerPorts(store, { chunkBytes: 4096, parallelChunks: 2 });
      const drop = bigDrop(`cost-${cases}`, '2026-01-01', cases, 'Y');
      await h.drop(drop.dropId, dropFiles(drop), drop.asOf);
      return calls;
    };
    const [small, large] = [await callsOf(20), await callsOf(400)];
    expect(large).toEqual(small);
    expect(small).toMatchObject({ release: 1, handedOff: 1 });
    expect(small.claim).toBeGreaterThanOrEqual(1);
    expect(small.reading).toBeUndefined();
  });

  it('a roster of 600 UCs with signals, no drop being read, reads the claims once per batch of 500 and hands nothing off', async () => {
    const { store, calls } = counted();
    const h = ledgerPorts(store, { chunkBytes: 1 << 20, parallelChunks: 2 });
    const drop = bigDrop('cost-roster-jan', '2026-01-01', 600, 'Y');
    await h.drop(drop.dropId, dropFiles(drop), drop.asOf);
    const before = { ...calls };
    const roster: ModelRoster = { kind: 'roster', rosterId: 'cost-roster', rows: (drop.proceedings ?? []).map((p) => ({ aNumber: `02${p.caseId}`, eoirCaseId: p.caseId })) };
    const report = await h.roster(roster.rosterId, rosterCsv(roster));
    expect(report.ftas).toEqual({ new: 600, rescinded: 0 });
    expect((calls.reading ?? 0) - (before.reading ?? 0)).toBe(2);
    expect((calls.handOff ?? 0) - (before.handOff ?? 0)).toBe(0);
  });
});
