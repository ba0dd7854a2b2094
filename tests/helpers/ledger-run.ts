import type { DropReport } from '../../shared/domain/drop-report';
import type { FtaStatus } from '../../shared/domain/fta';
import type { CaseStore } from '../../shared/ports/case-store';
import type { DropChunkMessage } from '../../shared/messages/drop-chunk';
import type { DocketSource, DropRef } from '../../shared/ports/docket-source';
import type { DropLedger } from '../../shared/ports/drop-ledger';
import type { RosterStore } from '../../shared/ports/roster-store';
import { ingestDocketDrop, type IngestDeps } from '../../shared/use-cases/steps/ingest/ingest-docket-drop';
import { ingestRoster } from '../../shared/use-cases/ingest-roster';
import { ingestChunkMessage, startDocketDrop, type FanOutDeps } from '../../shared/use-cases/start-docket-drop';
import type { ModelDrop, ModelInput, ModelRoster } from './ledger-model';
import { memoryCaseStore, memoryChunkQueue, memoryDocketSource, memoryPublisher, memoryQuarantine, silentLog, steppingClock } from './in-memory-ports';

/**
 * Plays model inputs through the real use cases (ingestDocketDrop, ingestRoster) on the
 * in-memory ports, each drop as EOIR files (TAB-separated, CRLF) with its as-of given as the
 * operator's metadata, and returns what the store and the fan-out queues hold.
 */
const JUV = 'idnJuvenileHistory\tidnCase\tidnProceeding\tidnJuvenile';
const CASE = 'IDNCASE\tALIEN_CITY\tALIEN_STATE\tALIEN_ZIPCODE\tCASEPRIORITY_CODE\tALIEN_NBR';
const PROC = 'IDNPROCEEDING\tIDNCASE\tOSC_DATE\tBASE_CITY_CODE\tCASE_TYPE\tDEC_CODE\tABSENTIA\tHEARING_DATE\tCOMP_DATE';
const SCHED = 'IDNSCHEDULE\tIDNPROCEEDING\tIDNCASE\tBASE_CITY_CODE\tCAL_TYPE\tADJ_DATE\tADJ_RSN\tADJ_MEDIUM';
const ROSTER_HEADER =
  'A_NUMBER,FIRST_NAME,LAST_NAME,BIRTH_DATE,COUNTRY,ORR_TRANSFER_DATE,ORR_RELEASE_DATE,RELEASE_TYPE,SPONSOR_NAME,SPONSOR_RELATIONSHIP,SPONSOR_STREET,SPONSOR_CITY,SPONSOR_STATE,SPONSOR_ZIP,AOR,NTA_SERVED_DATE,EOIR_CASE_ID';

const eoirDate = (d: string | null): string => (d === null ? '' : `${d} 00:00:00.000`);
const table = (header: string, lines: readonly string[]): string => [header, ...lines].map((l) => `${l}\r\n`).join('');

/** A drop's files, in the EOIR layout; only the tables the drop has. */
export function dropFiles(drop: ModelDrop): Parameters<typeof memoryDocketSource>[0] {
  const files: Parameters<typeof memoryDocketSource>[0] = {};
  if (drop.juvenile) files.tbl_JuvenileHistory = table(JUV, drop.juvenile.map((j, i) => `${5_000_000 + i}\t${j.caseId}\t\t${j.idnJuvenile}`));
  if (drop.cases) files.A_TblCase = table(CASE, drop.cases.map((c) => `${c.caseId}\tDALLAS\tTX\t75201\t${c.priority}\t${c.alienNbr ?? ''}`));
  if (drop.proceedings) {
    files.B_TblProceeding = table(
      PROC,
      drop.proceedings.map((p) => `${p.proceedingId}\t${p.caseId}\t${eoirDate(p.osc)}\tDAL\tRMV\tX\t${p.absentia}\t${eoirDate(p.hearingDate)}\t${eoirDate(p.compDate)}`),
    );
  }
  if (drop.schedules) {
    files.tbl_schedule = table(SCHED, drop.schedules.map((s) => `${s.scheduleId}\t${s.proceedingId}\t${s.caseId}\tDAL\tM\t${eoirDate(s.adjDate)}\t${s.adjRsn}\tP`));
  }
  return files;
}

export function rosterCsv(roster: ModelRoster): string {
  return `${ROSTER_HEADER}\r\n${roster.rows.map((r) => `${r.aNumber},Testa,Ejemplo,2010-04-02,GT,2022-03-01,,,,,,,,,DAL,,${r.eoirCaseId ?? ''}`).join('\r\n')}\r\n`;
}

/** Just what ingestRoster calls of the roster store, in memory; links mark the case a UC case. */
function memoryRosterStore(markUc: (caseId: string, rosterId: string) => Promise<void>): RosterStore {
  const store: Partial<RosterStore> = {
    async saveRosterUcs(ucs) {
      // In ORR care (no release date): no backlog, no re-plan.
      return ucs.map((u) => ({ aNumber: u.aNumber, previous: null, aor: u.aor, status: 'IN_ORR_CARE' as const }));
    },
    async linkRosterCases(links, rosterId) {
      for (const l of links) await markUc(l.caseId, rosterId);
    },
    async saveRosterReport() {},
  };
  return store as RosterStore;
}

export interface LedgerRunOptions {
  /** Bytes per byte-range chunk of each table, and chunks read at once. */
  readonly chunkBytes?: number;
  readonly parallelChunks?: number;
  /** Bytes per piece of each streamed file. */
  readonly streamPiece?: number;
  /** The operator's as-of given to a re-run (ignored: the first run's stays). */
  readonly rerunAsOf?: (dropId: string, run: number) => string | undefined;
}

/** An FTA as the ledger's tests compare it. */
export interface LedgerFta {
  readonly ftaId: string;
  readonly caseId: string;
  readonly status: FtaStatus;
}

/**
 * How a drop is read: `read(deps)` ingests it with these ports and returns its report
 * (ingestDocketDrop by default; the DynamoDB property also fans drops out over a queue).
 */
export type DropReader = (drop: DropRef, deps: IngestDeps, run: number) => Promise<DropReport>;

/** Reads a drop inside this invocation, as the S3-triggered ingest does for a small drop. */
export const readInline: DropReader = (drop, deps) => ingestDocketDrop(drop, deps);

/**
 * Reads a drop through `ledger` (the DynamoDB drop ledger in the emulator tests) as the
 * S3-triggered ingest does: inside this invocation with its finish notes spilled to the
 * ledger (all but one kept there) when no table is above `fanOutBytes`, else fanned out:
 * each chunk message handled by the chunk worker's use case, one at a time, in the order
 * sent (a stage's chunks after the one before), each as its own invocation would.
 */
export function readThroughLedger(ledger: DropLedger, fanOutBytes: number): DropReader {
  return async (drop, deps, run) => {
    const queue = memoryChunkQueue();
    const fanOut: FanOutDeps = { ...deps, ledger, queue, fanOutBytes, finishNotesInMemory: 1 };
    const started = await startDocketDrop(drop, `${drop.dropId}-run-${run}`, fanOut);
    if (started.kind === 'ingested') return started.report;
    let report: DropReport | null = null;
    for (let i = 0; i < queue.sent.length; i++) report = (await ingestChunkMessage(queue.sent[i] as DropChunkMessage, fanOut)).report ?? report;
    if (report === null) throw new Error(`drop ${drop.dropId} was not finished`);
    return report;
  };
}

/**
 * The ingest use cases on one case store (in memory, or the DynamoDB one), a drop or
 * roster at a time. `beforeChunk` runs before a table's byte range is opened (from
 * `start`): a test lands a roster there, between two chunks of a stage.
 */
export function ledgerPorts<S extends CaseStore>(store: S, options: Omit<LedgerRunOptions, 'rerunAsOf'> = {}) {
  const publisher = memoryPublisher();
  const clock = steppingClock('2026-11-28T00:00:00Z');
  return {
    store,
    publisher,
    async drop(
      dropId: string,
      files: Parameters<typeof memoryDocketSource>[0],
      operatorAsOf?: string,
      how: { reader?: DropReader; run?: number; beforeChunk?: (table: string, start: number) => Promise<void> } = {},
    ) {
      const source = memoryDocketSource(files, { chunkSize: options.streamPiece ?? 64 * 1024, ...(operatorAsOf === undefined ? {} : { operatorAsOf }) });
      const hook = how.beforeChunk;
      const hooked: DocketSource = hook === undefined ? source : {
        ...source,
        openTable(drop, key, start) {
          return (async function* () {
            await hook(key, start ?? 0);
            yield* source.openTable(drop, key, start);
          })();
        },
      };
      return (how.reader ?? readInline)(
        { dropId, location: `drops/${dropId}/` },
        {
          source: hooked, store, publisher, quarantine: memoryQuarantine(), clock, log: silentLog,
          chunks: { chunkBytes: options.chunkBytes ?? 1 << 20, parallelChunks: options.parallelChunks ?? 2 },
        },
        how.run ?? 0,
      );
    },
    async roster(rosterId: string, csv: string | Buffer) {
      const body = Buffer.from(csv);
      return ingestRoster(
        { rosterId, objectKey: `rosters/${rosterId}/roster.csv` },
        {
          source: {
            async *openObject() {
              yield body;
            },
          },
          files: { async putObject() {} },
          roster: memoryRosterStore((caseId, id) => store.markUcCases([{ caseId, basis: 'ROSTER', dropId: `roster:${id}` }]).then(() => undefined)),
          cases: store,
          publisher,
          clock,
          log: silentLog,
          capacity: { defaultSlotsPerDay: 10, slotsPerDayByAor: {} },
          priority: [],
          workListDays: 5,
        },
      );
    },
    /** FTAs (sorted by id) from `ftas`, notices and corrections the fan-out queues had. */
    outcome(ftas: readonly LedgerFta[]) {
      return {
        ftas: ftas.map((f) => ({ ftaId: f.ftaId, caseId: f.caseId, status: f.status })).sort((a, b) => a.ftaId.localeCompare(b.ftaId)),
        notices: publisher.sent.filter((m) => m.type === 'FTA_RECORDED').map((m) => m.ftaId).sort(),
        corrections: publisher.sent.filter((m) => m.type === 'FTA_RESCINDED').map((m) => m.ftaId).sort(),
      };
    },
  };
}

/** The ingest use cases on one set of in-memory ports, a drop or roster at a time. */
export function ledgerHarness(options: Omit<LedgerRunOptions, 'rerunAsOf'> = {}) {
  const h = ledgerPorts(memoryCaseStore(), options);
  return {
    ...h,
    drop: (dropId: string, files: Parameters<typeof memoryDocketSource>[0], operatorAsOf?: string) => h.drop(dropId, files, operatorAsOf),
    result() {
      return h.outcome([...h.store.ftas.values()].map((f) => ({ ftaId: f.fta.ftaId, caseId: f.fta.caseId, status: f.status })));
    },
  };
}

export async function runLedger(inputs: readonly ModelInput[], options: LedgerRunOptions = {}) {
  const h = ledgerHarness(options);
  const runs = new Map<string, number>();
  for (const input of inputs) {
    if (input.kind === 'drop') {
      const run = runs.get(input.dropId) ?? 0;
      runs.set(input.dropId, run + 1);
      await h.drop(input.dropId, dropFiles(input), run === 0 ? input.asOf : (options.rerunAsOf?.(input.dropId, run) ?? input.asOf));
    } else {
      await h.roster(input.rosterId, rosterCsv(input));
    }
  }
  return { store: h.store, ...h.result() };
}
