import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDynamoCaseStore } from '../../shared/adapters/cases-table/dynamo-case-store';
import { createDynamoDropLedger } from '../../shared/adapters/cases-table/dynamo-drop-ledger';
import { aNumberOf, CASES, sequenceArb, type LedgerSequence } from '../helpers/ledger-generator';
import { ledgerModel, type ModelDrop, type ModelFta, type ModelInput, type ModelRoster } from '../helpers/ledger-model';
import { dropFiles, ledgerPorts, readInline, readThroughLedger, rosterCsv, type DropReader, type LedgerFta } from '../helpers/ledger-run';
import { useCasesTable } from '../helpers/local-stack';

/**
 * The FTA ledger's property (tests/unit/fta-ledger.property.test.ts: the same generator and
 * reference model) through the DynamoDB store on DynamoDB Local: signal items, markers
 * created by conditional puts in transactions or unions, the stage cache, the drop ledger
 * and its spilled finish notes. Each drop is read one of three ways, at random: inside one
 * invocation (ingestDocketDrop), inside one invocation with its finish notes spilled to the
 * DynamoDB drop ledger (startDocketDrop below the fan-out size, one note kept in memory),
 * or fanned out chunk by chunk over a queue (the chunk workers' path: no stage cache,
 * markers by UpdateItem). A roster that follows a drop may land in the middle of it,
 * before a byte range of its proceedings and schedules stage: the store must then hold the
 * model's FTAs and statuses, and each FTA's notice and correction must be those of the
 * roster read before the drop or after it.
 *
 * Each sequence has ids of its own (cases, proceedings, schedules, drops, rosters,
 * A-numbers) in one table. LEDGER_DYNAMO_RUNS sets the number of sequences (default 8,
 * a few seconds; run 200+ by hand after a change to the ledger or its adapters).
 */
const RUNS = Number(process.env.LEDGER_DYNAMO_RUNS ?? 8);
/** LEDGER_DYNAMO_SHRINK=0: report the first failing sequence as found (shrinking it costs minutes here). */
const NO_SHRINK = process.env.LEDGER_DYNAMO_SHRINK === '0';
const READS = ['inline', 'spill', 'fan-out'] as const;
type Read = (typeof READS)[number];

let sequences = 0;

/**
 * The same inputs with ids of sequence `n` (1000-9999): case, proceeding and schedule ids
 * prefixed with n, A-numbers `0<n><last 4 digits of the case id>` written in the same style
 * (the model and the ingest normalize them alike), drop and roster ids prefixed.
 */
function relabel(inputs: readonly ModelInput[], n: number): ModelInput[] {
  const id = (x: string): string => `${n}${x}`;
  const aNumber = (written: string | null): string | null => {
    if (written === null) return null;
    const digits = written.replace(/^A/, '').split('-').join('');
    const mapped = `0${n}${digits.padStart(9, '0').slice(-4)}`;
    if (written.startsWith('A')) return `A${mapped}`;
    if (written.includes('-')) return `${mapped.slice(0, 3)}-${mapped.slice(3, 6)}-${mapped.slice(6)}`;
    return digits.length === 8 ? mapped.slice(1) : mapped;
  };
  return inputs.map((input): ModelInput => {
    if (input.kind === 'roster') {
      return { ...input, rosterId: `s${n}-${input.rosterId}`, rows: input.rows.map((r) => ({ aNumber: aNumber(r.aNumber) as string, eoirCaseId: r.eoirCaseId === null ? null : id(r.eoirCaseId) })) };
    }
    const drop: ModelDrop = {
      ...input,
      dropId: `s${n}-${input.dropId}`,
      juvenile: input.juvenile?.map((j) => ({ ...j, caseId: id(j.caseId) })),
      cases: input.cases?.map((c) => ({ ...c, caseId: id(c.caseId), alienNbr: aNumber(c.alienNbr) })),
      proceedings: input.proceedings?.map((p) => ({ ...p, proceedingId: id(p.proceedingId), caseId: id(p.caseId) })),
      schedules: input.schedules?.map((s) => ({ ...s, scheduleId: id(s.scheduleId), proceedingId: id(s.proceedingId), caseId: id(s.caseId) })),
    };
    return drop;
  });
}

describe('the FTA ledger against its reference model, through the DynamoDB store (DynamoDB Local)', () => {
  const table = useCasesTable();

  /** Reads a drop the given way, with the DynamoDB drop ledger for the two that use one. */
  const reader = (read: Read): DropReader =>
    read === 'inline' ? readInline : readThroughLedger(createDynamoDropLedger({ client: table.dynamo, tableName: table.tableName }), read === 'fan-out' ? 0 : Number.MAX_SAFE_INTEGER);

  /** A roster landing in the middle of a drop: its cases, and before which byte range of the stage. */
  interface MidRoster {
    readonly roster: ModelRoster;
    /** Lands before the (landAt + 1)-th byte range, after the first, of the proceedings and schedules opened. */
    readonly landAt: number;
  }

  async function compare(seq: LedgerSequence, reads: readonly Read[], mids: readonly (MidRoster | null)[]): Promise<void> {
    sequences += 1;
    const n = 1000 + sequences;
    // Every drop's mid-drop roster (if any) right after it, in processing order.
    const plain: ModelInput[] = [];
    const midOf = new Map<number, number>();
    seq.inputs.forEach((input, i) => {
      plain.push(input);
      const mid = mids[i];
      if (input.kind === 'drop' && mid !== null && mid !== undefined) {
        midOf.set(plain.length, mid.landAt);
        plain.push({ ...mid.roster, rosterId: `mid-${i}` });
      }
    });
    const inputs = relabel(plain, n);
    const caseIds = new Set(inputs.flatMap((i) => (i.kind === 'roster' ? [] : [...(i.proceedings ?? []), ...(i.schedules ?? [])].map((r) => r.caseId))));
    const h = ledgerPorts(createDynamoCaseStore({ client: table.dynamo, tableName: table.tableName }), seq);
    // The order a serial reading would have had: each landed roster before its drop.
    const landedFirst: ModelInput[] = [];
    const runs = new Map<string, number>();
    for (let i = 0; i < inputs.length; i++) {
      const input = inputs[i] as ModelInput;
      if (input.kind === 'roster') {
        landedFirst.push(input);
        await h.roster(input.rosterId, rosterCsv(input));
        continue;
      }
      const landAt = midOf.get(i + 1);
      const lands = landAt === undefined ? undefined : (inputs[i + 1] as ModelRoster);
      let ranges = 0;
      let landed = false;
      const beforeChunk = async (key: string, fetchStart: number): Promise<void> => {
        // Byte ranges after the first of the proceedings and schedules: chunks of the stage were read, or are being read.
        if (lands === undefined || landed || fetchStart === 0 || (key !== 'B_TblProceeding' && key !== 'tbl_schedule')) return;
        ranges += 1;
        if (ranges <= (landAt ?? 0)) return;
        landed = true;
        await h.roster(lands.rosterId, rosterCsv(lands));
      };
      const run = runs.get(input.dropId) ?? 0;
      runs.set(input.dropId, run + 1);
      await h.drop(input.dropId, dropFiles(input), run === 0 ? input.asOf : '2030-01-01', { reader: reader(reads[i % reads.length] ?? 'inline'), run, beforeChunk });
      if (landed) {
        landedFirst.push(lands as ModelRoster, input);
        i += 1;
      } else landedFirst.push(input);
    }
    const ftas: LedgerFta[] = [];
    for await (const f of h.store.listFtas()) if (caseIds.has(f.caseId)) ftas.push({ ftaId: f.ftaId, caseId: f.caseId, status: f.status });
    const got = h.outcome(ftas);
    const after = ledgerModel(inputs);
    expect(got.ftas).toEqual(after.map((f) => ({ ftaId: f.ftaId, caseId: f.caseId, status: f.status })));
    // Each FTA's emails: those of the roster read after the drop it landed in, or before it.
    const emails = (list: readonly ModelFta[]) => new Map(list.map((f) => [f.ftaId, `notice ${String(f.notice)}, correction ${String(f.correction)}`]));
    const [late, early] = [emails(after), emails(ledgerModel(landedFirst))];
    const sent = (id: string) => `notice ${String(got.notices.includes(id))}, correction ${String(got.corrections.includes(id))}`;
    for (const f of after) expect([late.get(f.ftaId), early.get(f.ftaId)], f.ftaId).toContain(sent(f.ftaId));
    // Once each, and only for FTAs.
    expect(got.notices).toEqual([...new Set(got.notices)].filter((id) => late.has(id)));
    expect(got.corrections).toEqual([...new Set(got.corrections)].filter((id) => late.has(id)));
  }

  it('gives the model FTAs and statuses, one notice per FTA OPEN when first recorded and one correction per such FTA rescinded', async () => {
    const mid = fc.option(
      fc.record({ cases: fc.subarray(CASES, { minLength: 1 }), byCaseId: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), landAt: fc.nat({ max: 2 }) }).map(
        ({ cases, byCaseId, landAt }): MidRoster => ({
          roster: { kind: 'roster', rosterId: 'mid', rows: cases.map((c, i) => ({ aNumber: aNumberOf(c), eoirCaseId: byCaseId[i] === true ? c : null })) },
          landAt,
        }),
      ),
      { nil: null },
    );
    const arb = fc.record({
      seq: sequenceArb(false),
      reads: fc.array(fc.constantFrom(...READS), { minLength: 6, maxLength: 6 }),
      mids: fc.array(mid, { minLength: 6, maxLength: 6 }),
    });
    await fc.assert(fc.asyncProperty(arb, ({ seq, reads, mids }) => compare(seq, reads, mids)), { numRuns: RUNS, endOnFailure: NO_SHRINK });
  }, 600_000);
});
