import fc from 'fast-check';
import { describe, it } from 'vitest';
import { createDynamoCaseStore } from '../../shared/adapters/cases-table/dynamo-case-store';
import { createDynamoDropLedger } from '../../shared/adapters/cases-table/dynamo-drop-ledger';
import { sequenceArb, type LedgerSequence } from '../helpers/ledger-generator';
import { expectMidDropOutcome, midDropSeed, midRosterArb, playWithMidRosters, withMidRosters, type MidRoster } from '../helpers/ledger-mid-drop';
import type { ModelDrop, ModelInput } from '../helpers/ledger-model';
import { ledgerPorts, readInline, readThroughLedger, type DropReader, type LedgerFta } from '../helpers/ledger-run';
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

  async function compare(seq: LedgerSequence, reads: readonly Read[], mids: readonly (MidRoster | null)[]): Promise<void> {
    sequences += 1;
    const planned = withMidRosters(seq.inputs, mids);
    const inputs = relabel(planned.inputs, 1000 + sequences);
    const caseIds = new Set(inputs.flatMap((i) => (i.kind === 'roster' ? [] : [...(i.proceedings ?? []), ...(i.schedules ?? [])].map((r) => r.caseId))));
    const h = ledgerPorts(createDynamoCaseStore({ client: table.dynamo, tableName: table.tableName }), seq);
    const landedFirst = await playWithMidRosters(h, inputs, planned.landAt, (i) => reader(reads[i % reads.length] ?? 'inline'));
    const ftas: LedgerFta[] = [];
    for await (const f of h.store.listFtas()) if (caseIds.has(f.caseId)) ftas.push({ ftaId: f.ftaId, caseId: f.caseId, status: f.status });
    expectMidDropOutcome(h.outcome(ftas), inputs, landedFirst);
  }

  it('gives the model FTAs and statuses, one notice per FTA OPEN when first recorded and one correction per such FTA rescinded', async () => {
    const arb = fc.record({
      seq: sequenceArb(false),
      reads: fc.array(fc.constantFrom(...READS), { minLength: 6, maxLength: 6 }),
      mids: fc.array(midRosterArb, { minLength: 6, maxLength: 6 }),
    });
    await fc.assert(fc.asyncProperty(arb, ({ seq, reads, mids }) => compare(seq, reads, mids)), { numRuns: RUNS, endOnFailure: NO_SHRINK, ...midDropSeed() });
  }, 600_000);
});
