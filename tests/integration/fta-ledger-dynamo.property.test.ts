import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDynamoCaseStore } from '../../shared/adapters/cases-table/dynamo-case-store';
import { createDynamoDropLedger } from '../../shared/adapters/cases-table/dynamo-drop-ledger';
import type { DropReport } from '../../shared/domain/drop-report';
import { ingestChunkMessage, startDocketDrop, type FanOutDeps } from '../../shared/use-cases/start-docket-drop';
import { sequenceArb } from '../helpers/ledger-generator';
import { ledgerModel, type ModelDrop, type ModelFta, type ModelInput, type ModelRoster } from '../helpers/ledger-model';
import { dropFiles, ledgerPorts, readInline, rosterCsv, type DropReader, type LedgerFta } from '../helpers/ledger-run';
import { memoryChunkQueue } from '../helpers/in-memory-ports';
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
 * A-numbers) in one table. LEDGER_DYNAMO_RUNS sets the number of sequences (default 12,
 * a few seconds; run 200+ by hand after a change to the ledger or its adapters).
 */
const RUNS = Number(process.env.LEDGER_DYNAMO_RUNS ?? 12);
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
  const reader = (read: Read): DropReader => {
    if (read === 'inline') return readInline;
    return async (drop, deps, run) => {
      const queue = memoryChunkQueue();
      const fanOut: FanOutDeps = {
        ...deps,
        ledger: createDynamoDropLedger({ client: table.dynamo, tableName: table.tableName }),
        queue,
        fanOutBytes: read === 'fan-out' ? 0 : Number.MAX_SAFE_INTEGER,
        finishNotesInMemory: 1,
      };
      const started = await startDocketDrop(drop, `${drop.dropId}-run-${run}`, fanOut);
      if (started.kind === 'ingested') return started.report;
      let report: DropReport | null = null;
      // The chunk workers, one message at a time, as SQS delivers them (a stage's chunks after the one before).
      for (let i = 0; i < queue.sent.length; i++) report = (await ingestChunkMessage(queue.sent[i] as never, fanOut)).report ?? report;
      if (report === null) throw new Error(`drop ${drop.dropId} was not finished`);
      return report;
    };
  };

  async function compare(seq: { inputs: ModelInput[]; chunkBytes: number; parallelChunks: number; streamPiece: number }, reads: readonly Read[], midDrop: readonly boolean[]): Promise<void> {
    sequences += 1;
    const inputs = relabel(seq.inputs, 1000 + sequences);
    const caseIds = new Set(inputs.flatMap((i) => (i.kind === 'roster' ? [] : [...(i.proceedings ?? []), ...(i.schedules ?? [])].map((r) => r.caseId))));
    const h = ledgerPorts(createDynamoCaseStore({ client: table.dynamo, tableName: table.tableName }), seq);
    // Where each roster was read: before the drop it landed in the middle of, or in its place.
    const before: ModelInput[] = [];
    const runs = new Map<string, number>();
    for (let i = 0; i < inputs.length; i++) {
      const input = inputs[i] as ModelInput;
      if (input.kind === 'roster') {
        before.push(input);
        await h.roster(input.rosterId, rosterCsv(input));
        continue;
      }
      const next = inputs[i + 1];
      const lands = next?.kind === 'roster' && midDrop[i] === true ? (next as ModelRoster) : undefined;
      let landed = false;
      const beforeChunk = async (key: string, fetchStart: number): Promise<void> => {
        // A byte range after the first of the proceedings or schedules: a chunk of the stage was read, or is being read.
        if (lands === undefined || landed || fetchStart === 0 || (key !== 'B_TblProceeding' && key !== 'tbl_schedule')) return;
        landed = true;
        await h.roster(lands.rosterId, rosterCsv(lands));
      };
      const run = runs.get(input.dropId) ?? 0;
      runs.set(input.dropId, run + 1);
      await h.drop(input.dropId, dropFiles(input), run === 0 ? input.asOf : '2030-01-01', { reader: reader(reads[i % reads.length] ?? 'inline'), run, beforeChunk });
      if (landed) {
        before.push(lands as ModelRoster, input);
        i += 1;
      } else before.push(input);
    }
    const ftas: LedgerFta[] = [];
    for await (const f of h.store.listFtas()) if (caseIds.has(f.caseId)) ftas.push({ ftaId: f.ftaId, caseId: f.caseId, status: f.status });
    const got = h.outcome(ftas);
    const after = ledgerModel(inputs);
    const first = ledgerModel(before);
    expect(got.ftas).toEqual(after.map((f) => ({ ftaId: f.ftaId, caseId: f.caseId, status: f.status })));
    // Each FTA's emails as with the roster read before the drop it landed in, or after it.
    const emails = (list: readonly ModelFta[]) => new Map(list.map((f) => [f.ftaId, `${String(f.notice)}/${String(f.correction)}`]));
    const [late, early] = [emails(after), emails(first)];
    const seen = (id: string) => `${String(got.notices.includes(id))}/${String(got.corrections.includes(id))}`;
    for (const f of after) expect([late.get(f.ftaId), early.get(f.ftaId)]).toContain(seen(f.ftaId));
    expect(got.notices.length).toBe(new Set(got.notices).size);
    expect(got.corrections.length).toBe(new Set(got.corrections).size);
    expect([...got.notices, ...got.corrections].every((id) => late.has(id))).toBe(true);
  }

  it('gives the model FTAs and statuses, one notice per FTA OPEN when first recorded and one correction per such FTA rescinded', async () => {
    const arb = fc.record({
      seq: sequenceArb(false),
      reads: fc.array(fc.constantFrom(...READS), { minLength: 6, maxLength: 6 }),
      midDrop: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
    });
    await fc.assert(fc.asyncProperty(arb, ({ seq, reads, midDrop }) => compare(seq, reads, midDrop)), { numRuns: RUNS });
  }, 600_000);
});
