import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sequenceArb, type LedgerSequence } from '../helpers/ledger-generator';
import { ledgerModel } from '../helpers/ledger-model';
import { memoryCaseStore } from '../helpers/in-memory-ports';
import { expectMidDropOutcome, midDropSeed, midRosterArb, playWithMidRosters, withMidRosters } from '../helpers/ledger-mid-drop';
import { ledgerPorts, runLedger } from '../helpers/ledger-run';

/**
 * The FTA ledger against its reference model (tests/helpers/ledger-model.ts, written from
 * the spec alone): random sequences of drops (partial ones, duplicated and conflicting
 * lines, flips Y->N and N->Y, re-runs of older drops), rosters before and after, random
 * chunk sizes, run through ingestDocketDrop and ingestRoster on the in-memory ports. The
 * store must hold the model's FTAs with its statuses, and the fan-out queues must have had
 * exactly one notice per FTA OPEN when first recorded and one correction per such FTA
 * rescinded since.
 *
 * LEDGER_RUNS sets the number of sequences (default 60; run 300+ by hand after a change).
 * The mid-drop property draws a new seed each run; LEDGER_SEED=<seed> replays a failure
 * (midDropSeed).
 * LEDGER_JUNK=0 leaves out the junk ABSENTIA property (it needs the rule that a junk value
 * neither creates nor rescinds).
 */
const RUNS = Number(process.env.LEDGER_RUNS ?? 60);

const JUNK = process.env.LEDGER_JUNK !== '0';

async function compare(seq: LedgerSequence): Promise<void> {
  const want = ledgerModel(seq.inputs);
  const got = await runLedger(seq.inputs, {
    chunkBytes: seq.chunkBytes,
    parallelChunks: seq.parallelChunks,
    streamPiece: seq.streamPiece,
    // A re-run names another as-of: the drop keeps its first.
    rerunAsOf: () => '2030-01-01',
  });
  expect(got.ftas).toEqual(want.map((f) => ({ ftaId: f.ftaId, caseId: f.caseId, status: f.status })));
  expect(got.notices).toEqual(want.filter((f) => f.notice).map((f) => f.ftaId));
  expect(got.corrections).toEqual(want.filter((f) => f.correction).map((f) => f.ftaId));
}

describe('the FTA ledger against its reference model', () => {
  it('gives the model FTAs, statuses, notices and corrections for any sequence of drops and rosters', async () => {
    await fc.assert(fc.asyncProperty(sequenceArb(false), compare), { numRuns: RUNS });
  }, 120_000);

  it('the same with rosters landing in the middle of drops (each FTA\'s emails those of the roster read before the drop or after it)', async () => {
    const arb = fc.record({ seq: sequenceArb(false), mids: fc.array(midRosterArb, { minLength: 6, maxLength: 6 }) });
    await fc.assert(
      fc.asyncProperty(arb, async ({ seq, mids }) => {
        const planned = withMidRosters(seq.inputs, mids);
        const h = ledgerPorts(memoryCaseStore(), seq);
        const landedFirst = await playWithMidRosters(h, planned.inputs, planned.landAt, () => undefined);
        expectMidDropOutcome(h.outcome([...h.store.ftas.values()].map((f) => ({ ftaId: f.fta.ftaId, caseId: f.fta.caseId, status: f.status }))), planned.inputs, landedFirst);
      }),
      { numRuns: RUNS, ...midDropSeed() },
    );
  }, 120_000);

  it.runIf(JUNK)('the same with junk ABSENTIA values, which neither create nor rescind', async () => {
    await fc.assert(fc.asyncProperty(sequenceArb(true), compare), { numRuns: RUNS });
  }, 120_000);
});
