import fc from 'fast-check';
import type { ModelDrop, ModelInput, ModelProceeding, ModelRoster, ModelSchedule } from './ledger-model';

/**
 * Random sequences of ledger inputs for the FTA ledger's property tests (in memory:
 * tests/unit/fta-ledger.property.test.ts; on DynamoDB Local:
 * tests/integration/fta-ledger-dynamo.property.test.ts): three cases, each with two
 * proceedings and two hearings; drops (partial ones, duplicated and conflicting lines, flips
 * Y->N and N->Y, junk ABSENTIA values when `junk`), re-runs of earlier drops and rosters
 * (by EOIR case id or A-number), with random chunk sizes, chunks read at once and stream
 * pieces.
 */
export const CASES = ['7100001', '7100002', '7100003'];
export const aNumberOf = (caseId: string): string => `02${caseId}`;
/** How a drop may write a case's A-number: 9 digits, 8 digits, with `A` or dashes. */
const writtenANumbers = (caseId: string): string[] => {
  const a = aNumberOf(caseId);
  return [a, a.slice(1), `A${a}`, `${a.slice(0, 3)}-${a.slice(3, 6)}-${a.slice(6)}`];
};
const day = (n: number): string => new Date(Date.UTC(2026, 0, 1 + n)).toISOString().slice(0, 10);

/** Fixed per sequence: each case has two proceedings and two hearings; the second proceeding may open after the first's order. */
const shape = fc.record({
  secondOpened: fc.constantFrom<(string | null)[]>('2022-06-01', '2023-09-01', null),
});

function universe(secondOpened: string | null) {
  const proceedings = CASES.flatMap((c, i) => [
    { proceedingId: `81${i}1`, caseId: c, osc: '2022-01-01', compDate: '2023-05-01', hearingDate: '2023-05-01' },
    { proceedingId: `81${i}2`, caseId: c, osc: secondOpened, compDate: '2024-02-01', hearingDate: '2024-02-01' },
  ]);
  const schedules = CASES.flatMap((c, i) => [
    { scheduleId: `91${i}1`, proceedingId: `81${i}1`, caseId: c, adjDate: '2023-03-10' },
    { scheduleId: `91${i}2`, proceedingId: `81${i}2`, caseId: c, adjDate: '2023-12-10' },
  ]);
  return { proceedings, schedules };
}

function dropArb(u: ReturnType<typeof universe>, junk: boolean) {
  const absentia = junk ? fc.constantFrom('Y', 'N', '', ' y', 'X', '2025-01-03 00:00:00.000') : fc.constantFrom('Y', 'N', '', ' y', 'n');
  const adjRsn = fc.constantFrom('11', ' 11', '8B', '', '09');
  // Each line of a table: a row and how many times it is written (2 = a duplicate line); a
  // key may appear on several lines with different values (conflicting copies).
  const lines = <T>(rows: readonly T[], value: (row: T) => fc.Arbitrary<unknown>) =>
    fc.array(fc.tuple(fc.nat({ max: rows.length - 1 }), fc.nat({ max: 2 })).chain(([i, extra]) => value(rows[i] as T).map((v) => ({ row: rows[i] as T, v, copies: 1 + (extra === 2 ? 1 : 0) }))), { maxLength: 8 });
  return fc.record(
    {
      juvenile: lines(CASES, () => fc.constantFrom(4, 3, 1, 6, 2)),
      cases: lines(CASES, () => fc.record({ priority: fc.constantFrom('UC', 'N/A', 'N/A'), alienNbr: fc.option(fc.nat({ max: 3 }), { nil: null }) })),
      proceedings: lines(u.proceedings, () => absentia),
      schedules: lines(u.schedules, () => adjRsn),
    },
    { requiredKeys: [] },
  );
}

export function sequenceArb(junk: boolean) {
  return shape.chain(({ secondOpened }) => {
    const u = universe(secondOpened);
    const step = fc.oneof(
      { weight: 5, arbitrary: fc.record({ kind: fc.constant('drop' as const), tables: dropArb(u, junk), gapDays: fc.nat({ max: 2 }) }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('rerun' as const), pick: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('roster' as const), cases: fc.subarray(CASES, { minLength: 1 }), byCaseId: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }) }) },
    );
    return fc.record({
      steps: fc.array(step, { minLength: 1, maxLength: 6 }),
      chunkBytes: fc.constantFrom(64, 200, 1 << 20),
      parallelChunks: fc.integer({ min: 1, max: 3 }),
      streamPiece: fc.constantFrom(7, 64, 65536),
    }).map((s) => ({ ...s, inputs: toInputs(s.steps as never, u) }));
  });
}

interface Line<T, V> {
  row: T;
  v: V;
  copies: number;
}
type DropTables = {
  juvenile?: Line<string, number>[];
  cases?: Line<string, { priority: string; alienNbr: number | null }>[];
  proceedings?: Line<Omit<ModelProceeding, 'absentia'>, string>[];
  schedules?: Line<Omit<ModelSchedule, 'adjRsn'>, string>[];
};
type RawStep = { kind: 'drop'; tables: DropTables; gapDays: number } | { kind: 'rerun'; pick: number } | { kind: 'roster'; cases: string[]; byCaseId: boolean[] };

function toInputs(steps: readonly RawStep[], _u: ReturnType<typeof universe>): ModelInput[] {
  const inputs: ModelInput[] = [];
  const drops: ModelDrop[] = [];
  let asOf = 0;
  let rosters = 0;
  const spread = <T, V, R>(ls: Line<T, V>[] | undefined, f: (row: T, v: V) => R): R[] | undefined =>
    ls === undefined ? undefined : ls.flatMap((l) => Array.from({ length: l.copies }, () => f(l.row, l.v)));
  for (const s of steps) {
    if (s.kind === 'drop') {
      asOf += s.gapDays;
      const t = s.tables;
      const drop: ModelDrop = {
        kind: 'drop',
        dropId: `drop-${drops.length + 1}`,
        asOf: day(asOf),
        juvenile: spread(t.juvenile, (caseId, idnJuvenile) => ({ caseId, idnJuvenile })),
        cases: spread(t.cases, (caseId, v) => ({ caseId, priority: v.priority, alienNbr: v.alienNbr === null ? null : (writtenANumbers(caseId)[v.alienNbr] as string) })),
        proceedings: spread(t.proceedings, (p, absentia) => ({ ...p, absentia })),
        schedules: spread(t.schedules, (h, adjRsn) => ({ ...h, adjRsn })),
      };
      drops.push(drop);
      inputs.push(drop);
    } else if (s.kind === 'rerun') {
      if (drops.length > 0) inputs.push(drops[s.pick % drops.length] as ModelDrop);
    } else {
      rosters += 1;
      const roster: ModelRoster = {
        kind: 'roster',
        rosterId: `roster-${rosters}`,
        rows: s.cases.map((c, i) => ({ aNumber: aNumberOf(c), eoirCaseId: s.byCaseId[i] === true ? c : null })),
      };
      inputs.push(roster);
    }
  }
  return inputs;
}

/** One generated sequence: the inputs in processing order and how the drops are read. */
export type LedgerSequence = { inputs: ModelInput[]; chunkBytes: number; parallelChunks: number; streamPiece: number };
