import { randomUUID } from 'node:crypto';
import { CASE_TABLE, type CaseRow } from '../domain/case';
import { parseCountFile } from '../domain/count-file';
import { assembleDropReport, chunkId, openedLater, planTableChunks, INGEST_STAGES, type ChunkResult, type DropChunk, type LatestOpened, type PlannedReport } from '../domain/drop-plan';
import { emptyTableCounts, REPORT_LIST_LIMIT, type DropReport, type TableCounts } from '../domain/drop-report';
import type { FileRejectionReason } from '../domain/rejections';
import { EOIR_TABLES, mapColumns, readTableHeader, type EoirTableName, type TableSpec } from '../domain/eoir-table';
import type { TableRejectionReason } from '../domain/rejections';
import {
  detectInAbsentiaOrder,
  inAbsentiaFtaId,
  rescindedByProceeding,
  rescindedByReopening,
  rescindedBySchedule,
  type Fta,
} from '../domain/fta';
import { isUnaccompaniedCode, JUVENILE_HISTORY_TABLE } from '../domain/juvenile';
import { PROCEEDING_TABLE } from '../domain/proceeding';
import type { RowRejectionReason } from '../domain/rejections';
import { detectNoShow, noShowFtaId, SCHEDULE_TABLE } from '../domain/schedule';
import { createInProcessDropLedger } from '../adapters/in-process-drop-ledger';
import type { AddressEntry, CaseStore, Hearing, Rescission, UcMark, WriteStep } from '../ports/case-store';
import type { Clock } from '../ports/clock';
import type { DocketSource, DropListing, DropRef } from '../ports/docket-source';
import type { DropLedger, DropRun } from '../ports/drop-ledger';
import type { FtaPublisher } from '../ports/fta-publisher';
import type { Log } from '../ports/log';
import type { MetricPoint } from '../domain/program-metrics';
import type { MetricsSink } from '../ports/metrics-sink';
import type { Quarantine } from '../ports/quarantine';
import type { ReportArchive } from '../ports/report-archive';
import { mapWithLimit } from '../runtime/concurrency';
import { publishFtas, sweepFtaOutbox, sweepOutboxesBeforeIngest, sweepRescissionOutbox } from './publish-fta-outbox';
import { DEFAULT_CHUNKS, readTableChunk, type AcceptedRow, type ChunkOptions } from './read-drop-table';
import { ChunkKeys, oneHearingPerSchedule, settleRepeatedKeys, ValueNotes, withdrawStep, withRepeatedKeys } from './repeated-keys';

export interface IngestDeps {
  readonly source: DocketSource;
  readonly store: CaseStore;
  readonly publisher: FtaPublisher;
  readonly quarantine: Quarantine;
  readonly clock: Clock;
  readonly log: Log;
  readonly chunks?: ChunkOptions;
  /** Where the report's long lists go (S3); without it they stay in the report whole. */
  readonly reports?: ReportArchive;
  /** Drop-level metrics (DropsFailed, Count.txt shortfall); none published without it. */
  readonly metrics?: MetricsSink;
}

/** What a chunk worker needs: the ingest's ports plus the run's ledger. */
export type ChunkDeps = IngestDeps & { readonly ledger: DropLedger };

type Refusals = Map<number, RowRejectionReason>;
/** Hearings handed to the store per call (the bench measures the store at this size). */
const HEARING_WRITE_BATCH = 2000;
/** Cases per openFtasOfCases call in the reopening check. */
const REOPEN_PAGE = 500;

/** Collects items and writes them `size` at a time (callers run one batch at a time, so no overlap). */
class WriteBuffer<T> {
  private items: T[] = [];
  constructor(private readonly size: number, private readonly write: (items: T[]) => Promise<void>) {}
  async add(items: readonly T[]): Promise<void> {
    this.items.push(...items);
    if (this.items.length >= this.size) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.items.length === 0) return;
    const list = this.items;
    this.items = [];
    await this.write(list);
  }
}
const NONE: ReadonlyMap<number, RowRejectionReason> = new Map();

/**
 * Ingests one DOJ docket drop (a folder or a zip) inside this invocation: the same plan,
 * chunks and finish step as a drop fanned out over the chunk queue (fan-out-drop.ts),
 * with every chunk run here and the ledger kept in memory.
 *
 * 0. Sweep the outboxes (sweepOutboxesBeforeIngest): what an earlier run stored but could
 *    not queue goes out first.
 * 1. Plan (planDropRun): list the drop's tables and read Count.txt (a table Count.txt
 *    lists but the drop lacks is TABLE_MISSING; a file that is no table it reads is
 *    listed in `ignoredFiles` with why: EOIR lookup or other table, or unknown); check each header; split each table into
 *    byte-range chunks; group them in INGEST_STAGES.
 * 2. Run each stage's chunks, `parallelChunks` at a time (ingestDropChunk):
 *    tbl_JuvenileHistory (UJ, J2 mark UC cases), then A_TblCase (CASEPRIORITY_CODE `UC`
 *    marks too; each UC case's row is a sighting and adds its address of record), then
 *    B_TblProceeding (in-absentia orders of UC cases are FTAs; an OPEN order whose
 *    proceeding now shows ABSENTIA `N` or empty is withdrawn; any other value is counted
 *    and changes nothing) with tbl_schedule (hearings of UC cases with their outcome;
 *    ADJ_RSN `11` is a NO_SHOW_ADJOURNMENT FTA; an OPEN one now showing another reason is
 *    withdrawn). A key repeated in the drop is one record, whatever the chunks
 *    (repeated-keys.ts): its FTA recorded once, its extra lines counted as duplicates.
 * 3. Finish (finishDropRun): rescind the withdrawn FTAs no line of the drop records
 *    (copies in conflict keep the FTA and are listed for review), rescind orders of cases
 *    with a proceeding opened after them (CASE_REOPENED), flag UC cases a full drop omits (nothing is deleted), send what the
 *    outbox still holds, assemble and store the report.
 *
 * Every row read is accepted or rejected with a reason (rejected rows are quarantined).
 * Retry-safe: every write is idempotent, an FTA already stored is 'repeated', a
 * rescission already made is skipped, and a failure to queue leaves the outbox entry and
 * fails the run so Lambda retries it.
 */
export async function ingestDocketDrop(drop: DropRef, deps: IngestDeps): Promise<DropReport> {
  const chunks = deps.chunks ?? DEFAULT_CHUNKS;
  const swept = await sweepOutboxesBeforeIngest(drop.dropId, deps);
  const report = await ingestRunInline(await planDropRun(drop, `inline-${randomUUID()}`, { ...deps, chunks }), deps);
  return { ...report, ftasPublished: report.ftasPublished + swept };
}

/** Runs every chunk of a planned run here, stage by stage, with an in-memory ledger, then finishes it. */
export async function ingestRunInline(run: DropRun, deps: IngestDeps): Promise<DropReport> {
  const ledger = createInProcessDropLedger();
  await ledger.startRun(run);
  const uc = new UcCases(deps.store);
  for (let stage = 0; stage < run.stages.length; stage++) {
    await mapWithLimit(run.stages[stage] ?? [], (deps.chunks ?? DEFAULT_CHUNKS).parallelChunks, (chunk) => ingestDropChunk(run, chunk, { ...deps, ledger }, uc));
    await ledger.advanceStage(run, stage, 'inline');
  }
  return finishDropRun(run, { ...deps, ledger });
}

/**
 * Plans a run of a drop: its tables (missing and refused ones reported), Count.txt,
 * headers checked (a table whose header is unusable is rejected whole and gets no chunk),
 * and the chunks of each stage. Reads only.
 */
export async function planDropRun(
  drop: DropRef,
  runId: string,
  deps: { source: DocketSource; clock: Clock; log: Log; chunks: ChunkOptions; reports?: ReportArchive },
  listed?: DropListing,
): Promise<DropRun> {
  const startedAt = deps.clock.now().toISOString();
  const listing = listed ?? (await deps.source.listDrop(drop));
  const expected = listing.countFile === null ? {} : parseCountFile(listing.countFile);
  deps.log.info('drop opened', { dropId: drop.dropId, runId, tables: [...listing.tables.keys()], files: [...listing.tables.values()].flat().length, countFile: listing.countFile !== null });
  const ignored = listing.ignored ?? [];
  const ignoredByReason: Partial<Record<FileRejectionReason, number>> = {};
  for (const f of ignored) ignoredByReason[f.reason] = (ignoredByReason[f.reason] ?? 0) + 1;
  if (ignored.length > 0) {
    // EOIR's own lookup and other tables come with every release: worth a line, not a warning.
    const expectedOnly = ignored.every((f) => f.reason === 'EOIR_LOOKUP_TABLE' || f.reason === 'EOIR_TABLE_NOT_READ');
    deps.log[expectedOnly ? 'info' : 'warn']('files not read', { dropId: drop.dropId, count: ignored.length, byReason: ignoredByReason });
  }
  // A long list of files not read (a zip with thousands of stray entries) goes to S3: the
  // run item and the report item hold its counts by reason and where it is.
  let ignoredFiles: { file: string; reason: FileRejectionReason }[] = ignored.map((f) => ({ ...f }));
  let lists: PlannedReport['lists'];
  if (ignored.length > REPORT_LIST_LIMIT && deps.reports !== undefined) {
    const key = await deps.reports.writeList(drop.dropId, runId, 'ignored-files', ignoredFiles);
    lists = { ignoredFiles: { key, count: ignored.length } };
    ignoredFiles = [];
  }
  const preset: Partial<Record<EoirTableName, TableCounts>> = {};
  const missingTables: EoirTableName[] = [];
  for (const table of EOIR_TABLES) {
    if (listing.tables.has(table)) continue;
    missingTables.push(table);
    const refused = listing.refused.get(table);
    if (refused !== undefined) {
      preset[table] = { ...emptyTableCounts(), tableRejection: { reason: 'ENTRY_UNSAFE', detail: refused } };
    } else if (expected[table] !== undefined) {
      preset[table] = { ...emptyTableCounts(), tableRejection: { reason: 'TABLE_MISSING', detail: `Count.txt lists ${table}; the drop has no file for it` } };
    }
  }
  const tableRejections: Partial<Record<EoirTableName, TableCounts>> = {};
  const tableFiles: NonNullable<PlannedReport['tableFiles']> = {};
  const chunksPerTable: Partial<Record<EoirTableName, number>> = {};
  const stages: DropChunk[][] = INGEST_STAGES.map(() => []);
  let largestRangeReadable = 0;
  for (const table of INGEST_STAGES.flat()) {
    const files = listing.tables.get(table) ?? [];
    const named: { key: string; tableRejection?: { reason: TableRejectionReason; detail: string } }[] = [];
    for (const [i, file] of files.entries()) {
      const head = await readTableHeader(deps.source.openTable(drop, file.key), table);
      const mapped = head.ok ? mapColumns(head.header, TABLE_SPECS[table]) : head;
      if (!mapped.ok) {
        named.push({ key: file.key, tableRejection: { reason: mapped.reason, detail: mapped.detail } });
        deps.log.warn('table rejected', { dropId: drop.dropId, table, key: file.key, reason: mapped.reason });
        continue;
      }
      named.push({ key: file.key });
      const planned = planTableChunks(table, file, deps.chunks.chunkBytes, i);
      chunksPerTable[table] = (chunksPerTable[table] ?? 0) + planned.length;
      if (file.rangeReadable) largestRangeReadable = Math.max(largestRangeReadable, file.size);
      stages[planned[0]?.stage ?? 0]?.push(...planned);
    }
    // A table with a readable file and a refused zip entry (both `.csv` and `.txt`): both are named.
    const refused = files.length > 0 ? listing.refused.get(table) : undefined;
    if (refused !== undefined) named.push({ key: refused.replace(/: .*$/, ''), tableRejection: { reason: 'ENTRY_UNSAFE', detail: refused } });
    const rejected = named.filter((f) => f.tableRejection !== undefined);
    if (named.length > 0 && rejected.length === named.length) {
      tableRejections[table] = { ...emptyTableCounts(), tableRejection: { ...(rejected[0]?.tableRejection as { reason: TableRejectionReason; detail: string }) } };
    }
    if (named.length > 1) tableFiles[table] = named;
  }
  const plan: PlannedReport = {
    dropId: drop.dropId, startedAt, preset, missingTables, expected, tableRejections, chunksPerTable,
    ...(ignoredFiles.length > 0 ? { ignoredFiles } : {}),
    ...(ignored.length > 0 ? { ignoredByReason } : {}),
    ...(lists === undefined ? {} : { lists }),
    ...(Object.keys(tableFiles).length > 0 ? { tableFiles } : {}),
    ...(listing.unpackedFrom === undefined ? {} : { unpackedFrom: listing.unpackedFrom }),
  };
  return {
    drop, runId, plan, stages, largestRangeReadable,
    fullDrop: isFullDrop(listing),
    caseTableReadable: listing.tables.has('A_TblCase') && tableRejections.A_TblCase === undefined,
  };
}

const TABLE_SPECS: { readonly [T in EoirTableName]: TableSpec<unknown> } = {
  tbl_JuvenileHistory: JUVENILE_HISTORY_TABLE as TableSpec<unknown>,
  A_TblCase: CASE_TABLE as TableSpec<unknown>,
  B_TblProceeding: PROCEEDING_TABLE as TableSpec<unknown>,
  tbl_schedule: SCHEDULE_TABLE as TableSpec<unknown>,
};

/**
 * Ingests one chunk (a byte range of one table) and records its result in the ledger,
 * exactly once. Every write is idempotent and carries the chunk's step id, so a retry
 * after a crash mid-chunk reports what the crashed attempt did (FTAs 'new' again, its
 * UC-mark claims and first sightings of keys counted again) and the ledger stores one
 * result per chunk. Withdrawals are only noted here; the finish step applies them.
 * Returns 'duplicate' when the chunk's result was already stored (nothing counted twice).
 */
export async function ingestDropChunk(run: DropRun, chunk: DropChunk, deps: ChunkDeps, uc = new UcCases(deps.store)): Promise<'recorded' | 'duplicate'> {
  const { drop } = run;
  const by: WriteStep = `${run.runId}#${chunkId(chunk)}`;
  const tally = { ucCasesMarked: 0, ftas: { new: 0, repeated: 0, rescinded: 0 }, ftasPublished: 0, hearingsRecorded: 0, addressesRecorded: 0 };
  const marked = new Set<string>();
  const mark = async (marks: UcMark[]): Promise<void> => {
    // A case repeated in the list (a repeated line) is one mark.
    const fresh = [...new Map(marks.filter((m) => !marked.has(m.caseId)).map((m) => [m.caseId, m])).values()];
    for (const m of fresh) {
      marked.add(m.caseId);
      uc.add(m.caseId);
    }
    if (fresh.length > 0) tally.ucCasesMarked += await deps.store.markUcCases(fresh, { runId: run.runId, by });
  };
  const recordedAt = deps.clock.now().toISOString();
  // FTAs this chunk recorded: a key repeated in a later batch is not recorded again.
  const recordedIds = new Set<string>();
  const record = async (candidates: Fta[]): Promise<void> => {
    const ftas = [...new Map(candidates.filter((f) => !recordedIds.has(f.ftaId)).map((f) => [f.ftaId, f])).values()];
    if (ftas.length === 0) return;
    for (const f of ftas) recordedIds.add(f.ftaId);
    const outcomes = await deps.store.recordFtas(ftas, recordedAt, by);
    const fresh = ftas.filter((_, i) => outcomes[i] === 'new');
    tally.ftas.new += fresh.length;
    tally.ftas.repeated += ftas.length - fresh.length;
    tally.ftasPublished += await publishFtas(fresh.map((fta) => ({ fta, recordedAt })), deps);
  };
  // Repeated keys: each batch's lines per key, settled against the drop; the withdrawals
  // found are applied by the finish step (whose step id finds them again).
  const keys = new ChunkKeys(chunk.table);
  const notes = new ValueNotes();
  const withdrawBy = withdrawStep(run.runId);
  const read = <T>(spec: TableSpec<T>, onBatch: (rows: readonly AcceptedRow<T>[]) => Promise<ReadonlyMap<number, RowRejectionReason>>) =>
    readTableChunk({ drop, chunk, spec, source: deps.source, quarantine: deps.quarantine }, onBatch);

  let reading: Promise<{ counts: TableCounts; quarantineKeys: string[] }>;
  switch (chunk.table) {
    case 'tbl_JuvenileHistory':
      reading = read(JUVENILE_HISTORY_TABLE, async (rows) => {
        const uj = rows.filter((r) => isUnaccompaniedCode(r.value.idnJuvenile));
        for (const r of uj) keys.line(r.value.historyId, `idnJuvenile=${r.value.idnJuvenile}`, false);
        await mark(uj.map((r) => ({ caseId: r.value.caseId, basis: 'JUVENILE_HISTORY', dropId: drop.dropId })));
        await keys.settle(run, chunk, deps.ledger);
        return NONE;
      });
      break;
    case 'A_TblCase':
      reading = read(CASE_TABLE, async (rows) => {
        await mark(rows.filter((r) => r.value.ucPriority).map((r) => ({ caseId: r.value.caseId, basis: 'CASE_PRIORITY', dropId: drop.dropId })));
        const ucRows = await uc.filter(rows, (r) => r.value.caseId);
        for (const r of ucRows) keys.line(r.value.caseId, `CASEPRIORITY_CODE=${r.value.ucPriority ? 'UC' : '-'}`, false);
        // A case repeated in the batch is written once (its last line).
        const unique = [...new Map(ucRows.map((r) => [r.value.caseId, r.value])).values()];
        tally.addressesRecorded += await recordCases(unique, drop.dropId, deps.store);
        await keys.settle(run, chunk, deps.ledger);
        return NONE;
      });
      break;
    case 'B_TblProceeding': {
      // Latest proceeding opened (OSC_DATE) per UC case in this chunk; the ledger keeps the latest across chunks.
      const latestOpened = new Map<string, LatestOpened>();
      reading = read(PROCEEDING_TABLE, async (rows) => {
        const refusals: Refusals = new Map();
        const ucRows = new Set(await uc.filter(rows, (r) => r.value.caseId));
        const withdrawn: AcceptedRow<typeof rows[number]['value']>[] = [];
        const orders: Fta[] = [];
        rows.forEach((r, i) => {
          const p = r.value;
          // An order without a usable date is rejected whatever the case: it is unusable data.
          if (p.inAbsentia && p.completionDate === null && p.hearingDate === null) {
            refusals.set(i, 'FTA_DATE_MISSING');
            return;
          }
          if (p.absentia === 'UNKNOWN') notes.add('ABSENTIA_VALUE_UNKNOWN');
          if (!ucRows.has(r)) return;
          if (p.ntaDate !== null) {
            const seen = latestOpened.get(p.caseId);
            const entry = { caseId: p.caseId, proceedingId: p.proceedingId, ntaDate: p.ntaDate };
            if (seen === undefined || openedLater(entry, seen)) latestOpened.set(p.caseId, entry);
          }
          const found = detectInAbsentiaOrder(p, { dropId: drop.dropId, table: 'B_TblProceeding', lineNumber: r.lineNumber, byteOffset: r.byteOffset });
          keys.line(p.proceedingId, `ABSENTIA=${p.absentia === 'ORDER' ? `Y ${p.completionDate ?? p.hearingDate}` : p.absentia === 'NO_ORDER' ? 'N' : '?'}`, found.kind === 'fta');
          if (found.kind === 'undated') refusals.set(i, 'FTA_DATE_MISSING');
          if (found.kind === 'fta') orders.push(found.fta);
          if (p.absentia === 'NO_ORDER') withdrawn.push(r);
        });
        const open = await deps.store.findOpenFtas(withdrawn.map((r) => ({ caseId: r.value.caseId, ftaId: inAbsentiaFtaId(r.value.proceedingId) })), withdrawBy);
        const byProceeding = new Map(withdrawn.map((r) => [r.value.proceedingId, r.value]));
        for (const fta of open) {
          const p = byProceeding.get(fta.proceedingId);
          const reason = p === undefined ? null : rescindedByProceeding(fta, p);
          if (reason !== null) keys.withdraw(fta.proceedingId, { fta, reason, dropId: drop.dropId });
        }
        const recordsFta = await keys.settle(run, chunk, deps.ledger);
        await record(orders.filter((f) => recordsFta(f.proceedingId)));
        return refusals;
      }).then(async (out) => {
        await deps.ledger.noteOpened(run, [...latestOpened.values()]);
        return out;
      });
      break;
    }
    case 'tbl_schedule': {
      // Hearings are few per stream chunk (UC cases only): write them in large batches so the
      // store keeps its 16 BatchWriteItem calls in flight instead of one or two per chunk.
      const hearingWrites = new WriteBuffer<Hearing>(HEARING_WRITE_BATCH, async (list) => {
        await deps.store.recordHearings(oneHearingPerSchedule(list));
      });
      reading = read(SCHEDULE_TABLE, async (rows) => {
        const refusals: Refusals = new Map();
        const ucRows = new Set(await uc.filter(rows, (r) => r.value.caseId));
        const hearings: Hearing[] = [];
        const noShows: Fta[] = [];
        const otherReason: AcceptedRow<typeof rows[number]['value']>[] = [];
        rows.forEach((r, i) => {
          const s = r.value;
          if (s.adjRsn === '11' && s.date === null) {
            refusals.set(i, 'NO_SHOW_DATE_MISSING');
            return;
          }
          if (!ucRows.has(r)) return;
          hearings.push({ ...s, dropId: drop.dropId });
          const found = detectNoShow(s, { dropId: drop.dropId, table: 'tbl_schedule', lineNumber: r.lineNumber, byteOffset: r.byteOffset });
          keys.line(s.scheduleId, `ADJ_RSN=${s.adjRsn ?? ''}${found.kind === 'fta' ? ` ${found.fta.date}` : ''}`, found.kind === 'fta');
          if (found.kind === 'undated') refusals.set(i, 'NO_SHOW_DATE_MISSING');
          else if (found.kind === 'fta') noShows.push(found.fta);
          else otherReason.push(r);
        });
        await hearingWrites.add(hearings);
        const open = await deps.store.findOpenFtas(otherReason.map((r) => ({ caseId: r.value.caseId, ftaId: noShowFtaId(r.value.scheduleId) })), withdrawBy);
        const bySchedule = new Map(otherReason.map((r) => [r.value.scheduleId, r.value]));
        for (const fta of open) {
          const s = fta.scheduleId === null ? undefined : bySchedule.get(fta.scheduleId);
          const reason = s === undefined ? null : rescindedBySchedule(fta, s.adjRsn);
          if (reason !== null && fta.scheduleId !== null) keys.withdraw(fta.scheduleId, { fta, reason, dropId: drop.dropId });
        }
        const recordsFta = await keys.settle(run, chunk, deps.ledger);
        await record(noShows.filter((f) => f.scheduleId !== null && recordsFta(f.scheduleId)));
        return refusals;
      }).then(async (out) => {
        await hearingWrites.flush();
        // Hearings this chunk added to the drop (a key's first sighting in the run).
        tally.hearingsRecorded += keys.firstKeys;
        return out;
      });
      break;
    }
  }
  const { counts: readCounts, quarantineKeys } = await reading;
  const counts = notes.into(readCounts, keys.duplicates);
  const result: ChunkResult = { table: chunk.table, start: chunk.start, key: chunk.key, ...(chunk.file ? { file: chunk.file } : {}), ...tally, counts, quarantineKeys };
  return deps.ledger.recordChunk(run, chunk, result);
}

/**
 * The drop's last step, once every chunk is recorded: CASE_REOPENED rescissions from the
 * latest proceeding of each case across all chunks, the omitted-case sweep of a full
 * drop, the outbox sweeps, then the report (assembled from the chunk results) is stored.
 * Safe to run again: the rescissions and the sweep count what a crashed attempt did.
 */
export async function finishDropRun(run: DropRun, deps: ChunkDeps): Promise<DropReport> {
  const { drop } = run;
  const by: WriteStep = `${run.runId}#FINISH`;
  // Withdrawals no line of the drop contradicts (a step of their own, so the reopening check
  // below does not count them again), and the keys repeated with conflicting values.
  const repeated = await settleRepeatedKeys(run, deps, withdrawStep(run.runId));
  let rescindedByReopeningCount = 0;
  for await (const page of deps.ledger.latestOpened(run)) {
    const latest = new Map(page.map((e) => [e.caseId, e]));
    const ids = [...latest.keys()];
    for (let i = 0; i < ids.length; i += REOPEN_PAGE) {
      const open = await deps.store.openFtasOfCases(ids.slice(i, i + REOPEN_PAGE), by);
      const rescissions = open.flatMap((fta): Rescission[] => {
        const seen = latest.get(fta.caseId);
        const reason = seen === undefined ? null : rescindedByReopening(fta, seen);
        return reason === null ? [] : [{ fta, reason, dropId: drop.dropId }];
      });
      if (rescissions.length > 0) rescindedByReopeningCount += await deps.store.rescindFtas(rescissions, deps.clock.now().toISOString(), by);
    }
  }
  let ucCasesOmitted = 0;
  if (run.caseTableReadable && run.fullDrop) {
    ucCasesOmitted = await deps.store.flagUcCasesNotSeen(drop.dropId, deps.clock.now().toISOString());
    if (ucCasesOmitted > 0) deps.log.warn('UC cases omitted by a full drop', { dropId: drop.dropId, count: ucCasesOmitted });
  }
  const published = (await sweepFtaOutbox(deps)) + (await sweepRescissionOutbox(deps));
  const results = await deps.ledger.chunkResults(run);
  const report = assembleDropReport(run.plan, results, { rescindedByReopening: rescindedByReopeningCount, ucCasesOmitted, ftasPublished: published }, deps.clock.now().toISOString());
  withRepeatedKeys(report, repeated);
  if (run.fannedOut) report.fanOut = { runId: run.runId, chunks: run.stages.reduce((n, s) => n + s.length, 0) };
  for (const [table, check] of Object.entries(report.countCheck ?? {})) {
    if (check && !check.matches) deps.log.warn('Count.txt mismatch', { dropId: drop.dropId, table, expected: check.expected, read: check.read });
  }
  if (report.quarantine !== undefined && report.quarantine.length > REPORT_LIST_LIMIT && deps.reports !== undefined) {
    const key = await deps.reports.writeList(drop.dropId, run.runId, 'quarantine-parts', report.quarantine);
    report.lists = { ...report.lists, quarantine: { key, count: report.quarantine.length } };
    report.quarantine = report.quarantine.slice(0, REPORT_LIST_LIMIT);
  }
  if (report.failure) deps.log.error('drop failed', { dropId: drop.dropId, runId: run.runId, reason: report.failure.reason, detail: report.failure.detail });
  deps.metrics?.publish(dropMetrics(report));
  await deps.store.saveDropReport(report);
  await deps.ledger.finishRun(run, report);
  deps.log.info('drop ingested', { dropId: drop.dropId, runId: run.runId, ftas: report.ftas, ucCasesMarked: report.ucCasesMarked, ucCasesOmitted: report.ucCasesOmitted });
  return report;
}

/**
 * What the operator is alarmed on after each drop: DropsFailed (1 when nothing in it could
 * be read), and the Count.txt shortfall (tables read short of EOIR's count, and the rows
 * missing): a table read short may have lost FTAs.
 */
export function dropMetrics(report: DropReport): MetricPoint[] {
  const short = Object.values(report.countCheck ?? {}).filter((c) => c !== undefined && c.read < c.expected);
  return [
    { name: 'DropsFailed', unit: 'Count', value: report.failure ? 1 : 0 },
    { name: 'CountShortfallTables', unit: 'Count', value: short.length },
    { name: 'CountShortfallRows', unit: 'Count', value: short.reduce((n, c) => n + (c ? c.expected - c.read : 0), 0) },
  ];
}

/**
 * A drop is "full" (a complete release, not an update) when it carries all four tables.
 * Only a full drop may flag UC cases as omitted: a partial drop says nothing about absence.
 */
export function isFullDrop(listing: DropListing): boolean {
  return EOIR_TABLES.every((t) => listing.tables.has(t));
}

/** Sightings and address entries of UC cases' A_TblCase rows; returns the address entries written. */
async function recordCases(rows: readonly CaseRow[], dropId: string, store: CaseStore): Promise<number> {
  if (rows.length === 0) return 0;
  await store.recordCaseSightings(rows.map((r) => ({ caseId: r.caseId, dropId, aNumber: r.aNumber, firstName: r.firstName ?? null, lastName: r.lastName ?? null })));
  const entries: AddressEntry[] = [];
  for (const r of rows) {
    if (r.address) entries.push({ caseId: r.caseId, source: 'EOIR_ADDRESS_OF_RECORD', address: r.address, changedOn: r.addressChangedOn, dropId });
    if (r.previousAddress) entries.push({ caseId: r.caseId, source: 'EOIR_PREVIOUS_ADDRESS', address: r.previousAddress, changedOn: null, dropId });
  }
  await store.recordAddresses(entries);
  return entries.length;
}

/**
 * Which case ids are UC cases: those marked in this run, else the store's answer, asked
 * once per batch for the ids not known yet. Only positives are kept, so memory grows with
 * the number of UC cases, never with the number of rows. Shared by the chunks of one
 * invocation (a UC mark is never removed, so a positive stays true).
 */
export class UcCases {
  private readonly known = new Set<string>();
  constructor(private readonly store: CaseStore) {}
  add(caseId: string): void {
    this.known.add(caseId);
  }
  async filter<R>(rows: readonly R[], caseOf: (r: R) => string): Promise<R[]> {
    const unknown = [...new Set(rows.map(caseOf).filter((id) => !this.known.has(id)))];
    const found = unknown.length > 0 ? await this.store.findUcCases(unknown) : new Set<string>();
    for (const id of found) this.known.add(id);
    return rows.filter((r) => this.known.has(caseOf(r)));
  }
}
