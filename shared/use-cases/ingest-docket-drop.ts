import { randomUUID } from 'node:crypto';
import { CASE_TABLE, type CaseRow } from '../domain/case';
import { parseCountFile } from '../domain/count-file';
import { assembleDropReport, chunkId, planTableChunks, INGEST_STAGES, type ChunkResult, type DropChunk, type PlannedReport } from '../domain/drop-plan';
import { emptyTableCounts, REPORT_LIST_LIMIT, type DropReport, type TableCounts } from '../domain/drop-report';
import { EOIR_TABLES, mapColumns, readTableHeader, type EoirTableName, type TableSpec } from '../domain/eoir-table';
import { detectInAbsentiaOrder, inAbsentiaFtaId, type Fta } from '../domain/fta';
import { asOfFromDropName, ftaOfSignal, operatorAsOf, signalOfFta, signalStatus, withdrawsOrder, type StoredSignal } from '../domain/fta-signal';
import { isUnaccompaniedCode, JUVENILE_HISTORY_TABLE } from '../domain/juvenile';
import { PROCEEDING_TABLE } from '../domain/proceeding';
import type { MetricPoint } from '../domain/program-metrics';
import type { FileRejectionReason, RowRejectionReason, TableRejectionReason } from '../domain/rejections';
import { detectNoShow, noShowFtaId, SCHEDULE_TABLE } from '../domain/schedule';
import { isBaseCityLookup, parseBaseCityLookup } from '../domain/base-city-lookup';
import { hearingOfCase, hearingOfSchedule, type HearingAdjourned, type UpcomingHearing } from '../domain/upcoming-hearing';
import { createInProcessDropLedger } from '../adapters/in-process-drop-ledger';
import { createSpillingFinishNotes } from '../adapters/spilling-finish-notes';
import type { EoirAddressSighting, CaseStore, Hearing, UcMark, WriteStep } from '../ports/case-store';
import type { Clock } from '../ports/clock';
import type { DocketSource, DropListing, DropRef } from '../ports/docket-source';
import type { DropLedger, DropRun, FinishNotes } from '../ports/drop-ledger';
import type { FtaPublisher } from '../ports/fta-publisher';
import type { CaseEvidence, DropAsOf, SignalSighting, WithdrawalEvidence } from '../ports/fta-signals';
import type { Log } from '../ports/log';
import type { MetricsSink } from '../ports/metrics-sink';
import type { Quarantine } from '../ports/quarantine';
import type { ReportArchive } from '../ports/report-archive';
import type { UpcomingHearingStore } from '../ports/upcoming-hearings';
import type { CourtAddressStore } from '../ports/court-addresses';
import { mapWithLimit } from '../lib/concurrency';
import { publishFtas, sweepFtaOutbox, sweepOutboxesBeforeIngest, sweepRescissionOutbox } from './publish-fta-outbox';
import { DEFAULT_CHUNKS, readTableChunk, type AcceptedRow, type ChunkOptions } from './read-drop-table';
import { ChunkKeys, oneHearingPerSchedule, settleRepeatedKeys, ValueNotes, withRepeatedKeys } from './repeated-keys';
import { settleCases } from './settle-fta-signals';

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
  /**
   * Every case's upcoming hearing (tbl_schedule rows ahead of the drop's day, A_TblCase
   * LATEST_*), for the hearing reminders; not kept without it.
   */
  readonly hearings?: UpcomingHearingStore;
  /** Courts' street addresses from the release's Lookup/tblLookupBaseCity; the lookup is not read without it. */
  readonly courts?: CourtAddressStore;
}

/** What a chunk worker needs: the ingest's ports plus the run's ledger. */
export type ChunkDeps = IngestDeps & { readonly ledger: DropLedger };

type Refusals = Map<number, RowRejectionReason>;
/** Hearings handed to the store per call (the bench measures the store at this size). */
const HEARING_WRITE_BATCH = 2000;

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
 *    not queue goes out first. Fix the drop's as-of (fixDropAsOf): a re-run keeps its
 *    first run's.
 * 1. Plan (planDropRun): list the drop's tables (a table may have several files) and read
 *    Count.txt (a table Count.txt lists but the drop lacks is TABLE_MISSING; a file that is
 *    no table it reads is listed in `ignoredFiles` with why: EOIR lookup or other table, or
 *    unknown); check each header; split each file into byte-range chunks; group them in
 *    INGEST_STAGES.
 * 2. Run each stage's chunks, `parallelChunks` at a time (ingestDropChunk):
 *    tbl_JuvenileHistory (UJ, J2 mark UC cases), then A_TblCase (CASEPRIORITY_CODE `UC`
 *    and an ALIEN_NBR on a UC roster mark too; each UC case's row is a sighting and adds
 *    its address of record), then B_TblProceeding with tbl_schedule: the FTA signals of
 *    every case (ABSENTIA `Y` orders, ADJ_RSN `11` no-shows) and the evidence withdrawing
 *    them (ABSENTIA `N` or empty; another ADJ_RSN; a proceeding opened later) are stored
 *    with the drop's as-of; an ABSENTIA value that is neither is counted and changes
 *    nothing; a UC case's signal first shown by this drop is an FTA at once; hearings of
 *    UC cases are recorded with their outcome. A key repeated in the drop is one record,
 *    whatever the chunks (repeated-keys.ts): its FTA recorded and queued by one chunk, its
 *    extra lines counted as duplicates.
 * 3. Finish (finishDropRun): settle the FTAs of the cases the chunks noted (cases that
 *    became UC cases, withdrawals: settleCases; a drop never rescinds what it shows
 *    itself), list the keys whose copies conflict, flag UC cases a full drop omits
 *    (nothing is deleted), send what the outbox still holds, assemble and store the report.
 *
 * Every row read is accepted or rejected with a reason (rejected rows are quarantined).
 * Retry-safe: every write is idempotent, an FTA already stored is 'repeated', a
 * rescission already made is skipped, and a failure to queue leaves the outbox entry and
 * fails the run so Lambda retries it.
 */
export async function ingestDocketDrop(drop: DropRef, deps: IngestDeps): Promise<DropReport> {
  const chunks = deps.chunks ?? DEFAULT_CHUNKS;
  const swept = await sweepOutboxesBeforeIngest(drop.dropId, deps);
  const listing = await deps.source.listDrop(drop);
  const asOf = await fixDropAsOf(drop, listing, deps);
  const report = await ingestRunInline(await planDropRun(drop, `inline-${randomUUID()}`, { ...deps, chunks }, listing, asOf), deps);
  return { ...report, ftasPublished: report.ftasPublished + swept };
}

/**
 * The drop's as-of, fixed by its first run (a re-run of the drop id keeps it): the
 * operator's (`as-of` metadata on the marker or zip), else a YYYY-MM-DD date in the
 * drop's name, else now (its first arrival). Drops are ordered by it, not by when read.
 */
export async function fixDropAsOf(drop: DropRef, listing: DropListing, deps: { store: CaseStore; clock: Clock; log: Log }): Promise<DropAsOf> {
  const given = operatorAsOf(listing.operatorAsOf);
  if (listing.operatorAsOf !== undefined && given === null) {
    deps.log.warn('drop as-of metadata is not a date; ignored', { dropId: drop.dropId });
  }
  const named = asOfFromDropName(drop.dropId);
  const candidate: DropAsOf =
    given !== null ? { asOf: given, source: 'OPERATOR_METADATA' } : named !== null ? { asOf: named, source: 'DROP_NAME' } : { asOf: deps.clock.now().toISOString(), source: 'FIRST_ARRIVAL' };
  const fixed = await deps.store.dropAsOf.fix(drop.dropId, candidate);
  deps.log.info('drop as-of', { dropId: drop.dropId, asOf: fixed.asOf, source: fixed.source, firstRun: fixed === candidate });
  return fixed;
}

/**
 * Runs every chunk of a planned run here, stage by stage, then finishes it. The run's
 * bookkeeping (stages, chunk results: a few items per chunk) is kept in memory. Its notes
 * for the finish step (they grow with the drop) are kept in memory up to a bound and the
 * rest in `deps.ledger` when given (createSpillingFinishNotes: memory stops growing, and a
 * small drop costs no ledger write), else all in memory (drops read whole by tests and
 * `ingestDocketDrop`).
 */
export async function ingestRunInline(run: DropRun, deps: IngestDeps & { readonly ledger?: FinishNotes }): Promise<DropReport> {
  const local = createInProcessDropLedger();
  const notes = deps.ledger === undefined ? undefined : createSpillingFinishNotes(deps.ledger);
  const ledger: DropLedger =
    notes === undefined
      ? local
      : {
          ...local,
          noteKeys: (r, c, n) => notes.noteKeys(r, c, n),
          settledKeys: (r) => notes.settledKeys(r),
          noteToSettle: (r, ids) => notes.noteToSettle(r, ids),
          toSettle: (r) => notes.toSettle(r),
        };
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
  listing: DropListing,
  asOf: DropAsOf,
): Promise<DropRun> {
  const startedAt = deps.clock.now().toISOString();
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
    dropId: drop.dropId, asOf, startedAt, preset, missingTables, expected, tableRejections, chunksPerTable,
    ...(ignoredFiles.length > 0 ? { ignoredFiles } : {}),
    ...(ignored.length > 0 ? { ignoredByReason } : {}),
    ...(lists === undefined ? {} : { lists }),
    ...(Object.keys(tableFiles).length > 0 ? { tableFiles } : {}),
    ...(listing.unpackedFrom === undefined ? {} : { unpackedFrom: listing.unpackedFrom }),
    ...courtLookupOf(ignored),
  };
  return {
    drop, runId, plan, stages, largestRangeReadable, asOf,
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
 * Ingests one chunk (a byte range of one table file) and records its result in the ledger,
 * exactly once. Every write is idempotent and carries the chunk's step id, so a retry
 * after a crash mid-chunk reports what the crashed attempt did (FTAs 'new' again, its
 * UC-mark claims and first sightings of keys counted again) and the ledger stores one
 * result per chunk. Withdrawal evidence is only stored here; the finish step settles it.
 * Returns 'duplicate' when the chunk's result was already stored (nothing counted twice).
 */
export async function ingestDropChunk(run: DropRun, chunk: DropChunk, deps: ChunkDeps, uc = new UcCases(deps.store)): Promise<'recorded' | 'duplicate'> {
  const { drop } = run;
  const asOf = run.asOf.asOf;
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
    if (fresh.length === 0) return;
    tally.ucCasesMarked += await deps.store.markUcCases(fresh, { runId: run.runId, by });
    // Cases that are UC cases now and whose signals were read before: their FTAs are
    // settled when the drop finishes (after this drop's own evidence is in). Looked up
    // after marking, so a retry after a crash finds them again.
    await settleLater([...(await deps.store.signals.lookupCases(fresh.map((m) => m.caseId)))]);
  };
  const settleLater = async (evidence: readonly (readonly [string, CaseEvidence])[], also: readonly string[] = []): Promise<void> => {
    const ids = new Set(also);
    for (const [id, e] of evidence) if (e.uc && e.signals !== null && !e.settled) ids.add(id);
    if (ids.size > 0) await deps.ledger.noteToSettle(run, [...ids]);
  };
  const recordedAt = deps.clock.now().toISOString();
  // FTAs this chunk recorded: a key repeated on a later line or batch of the chunk is the
  // same record (the store counts a write by the same step as a retry of it, 'new' again).
  const recordedHere = new Set<string>();
  const record = async (candidates: Fta[]): Promise<void> => {
    const ftas = [...new Map(candidates.filter((f) => !recordedHere.has(f.ftaId)).map((f) => [f.ftaId, f])).values()];
    if (ftas.length === 0) return;
    for (const f of ftas) recordedHere.add(f.ftaId);
    const outcomes = await deps.store.recordFtas(ftas, recordedAt, by);
    const fresh = ftas.filter((_, i) => outcomes[i] === 'new');
    tally.ftas.new += fresh.length;
    tally.ftas.repeated += ftas.length - fresh.length;
    tally.ftasPublished += await publishFtas(fresh.map((fta) => ({ fta, recordedAt })), deps);
  };
  const isUc = (evidence: ReadonlyMap<string, CaseEvidence>, caseId: string): boolean => evidence.get(caseId)?.uc === true || uc.has(caseId);
  /**
   * Stores this batch's signals (any case) and withdrawal evidence (cases with signals).
   * A UC case's signal first shown by this drop is recorded as an FTA at once (this drop
   * cannot rescind it) by the one chunk of the run that claims its key (`claims`), so a
   * key repeated across chunks is recorded and queued once. Everything else that changes
   * a UC case's FTAs waits for the finish step, when the whole drop has been read: a
   * withdrawal in one line must not beat a `Y` in another, and an FTA of a case that
   * became a UC case in this drop gets the status the whole drop gives it before any
   * notice goes out.
   */
  const storeEvidence = async (
    evidence: ReadonlyMap<string, CaseEvidence>,
    sightings: SignalSighting[],
    withdrawals: WithdrawalEvidence[],
    claims: (signal: StoredSignal) => boolean,
  ): Promise<void> => {
    // A key repeated within the batch is one record.
    const unique = sightings.length > 1 ? [...new Map(sightings.map((x) => [x.signal.ftaId, x])).values()] : sightings;
    const stored = unique.length > 0 ? await deps.store.signals.recordSightings(unique) : [];
    const open: Fta[] = [];
    const later: string[] = [];
    for (const s of stored) {
      if (!isUc(evidence, s.caseId)) continue;
      if (s.seen.some((x) => x.asOf < asOf)) {
        // Shown by an earlier drop: a repeat when the case's FTAs are settled already (else
        // the finish step records it, with the status the evidence gives).
        if (evidence.get(s.caseId)?.settled === true && claims(s)) tally.ftas.repeated += 1;
      } else if (signalStatus(s).status === 'OPEN') {
        if (claims(s)) open.push(ftaOfSignal(s));
      } else later.push(s.caseId);
    }
    await record(open);
    const withdrawn: readonly StoredSignal[] = withdrawals.length > 0 ? await deps.store.signals.recordWithdrawals(withdrawals) : [];
    // Evidence can only rescind a signal some earlier drop showed.
    for (const s of withdrawn) if (isUc(evidence, s.caseId) && s.seen.some((x) => x.asOf < asOf)) later.push(s.caseId);
    await settleLater([...evidence], later);
  };
  // Repeated keys of the rows kept (UC cases'): each batch's lines per key, noted in the
  // run, so duplicates are counted and each FTA is claimed by one chunk whatever the chunks.
  const keys = new ChunkKeys(chunk.table);
  const notes = new ValueNotes();
  const read = <T>(spec: TableSpec<T>, onBatch: (rows: readonly AcceptedRow<T>[]) => Promise<ReadonlyMap<number, RowRejectionReason>>) =>
    readTableChunk({ drop, chunk, spec, source: deps.source, quarantine: deps.quarantine }, onBatch);

  let reading: ReturnType<typeof read>;
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
        const withANumber = rows.flatMap((r) => (r.value.aNumber === null ? [] : [{ caseId: r.value.caseId, aNumber: r.value.aNumber }]));
        // The DOJ-to-DHS feed's ALIEN_NBR: noted for rosters to come, and matched against rosters seen.
        const onRoster = withANumber.length > 0 ? await deps.store.aNumbers.indexCases(withANumber) : new Set<string>();
        await mark([
          ...rows.filter((r) => r.value.ucPriority).map((r): UcMark => ({ caseId: r.value.caseId, basis: 'CASE_PRIORITY', dropId: drop.dropId })),
          ...rows.filter((r) => onRoster.has(r.value.caseId)).map((r): UcMark => ({ caseId: r.value.caseId, basis: 'ROSTER', dropId: drop.dropId, aNumber: r.value.aNumber ?? undefined })),
        ]);
        // Any case's hearing ahead: the case may become a UC case after this drop.
        await deps.hearings?.record(rows.flatMap((r) => hearingOfCase(r.value, { asOf, dropId: drop.dropId }) ?? []));
        const ucRows = await uc.filter(rows, (r) => r.value.caseId);
        for (const r of ucRows) keys.line(r.value.caseId, `CASEPRIORITY_CODE=${r.value.ucPriority ? 'UC' : '-'}`, false);
        // A case repeated in the batch is written once (its last line).
        const unique = [...new Map(ucRows.map((r) => [r.value.caseId, r.value])).values()];
        tally.addressesRecorded += await recordCases(unique, drop.dropId, deps.store);
        await keys.settle(run, chunk, deps.ledger);
        return NONE;
      });
      break;
    case 'B_TblProceeding':
      reading = read(PROCEEDING_TABLE, async (rows) => {
        const refusals: Refusals = new Map();
        const evidence = await uc.evidence(rows, (r) => r.value.caseId);
        const sightings: SignalSighting[] = [];
        const withdrawals: WithdrawalEvidence[] = [];
        rows.forEach((r, i) => {
          const p = r.value;
          // An order without a usable date is rejected whatever the case: it is unusable data.
          if (p.inAbsentia && p.completionDate === null && p.hearingDate === null) {
            refusals.set(i, 'FTA_DATE_MISSING');
            return;
          }
          if (p.absentia === 'UNKNOWN') notes.add('ABSENTIA_VALUE_UNKNOWN');
          const signals = evidence.get(p.caseId)?.signals ?? null;
          const ucCase = isUc(evidence, p.caseId);
          if (p.inAbsentia) {
            const found = detectInAbsentiaOrder(p, { dropId: drop.dropId, table: 'B_TblProceeding', lineNumber: r.lineNumber, byteOffset: r.byteOffset });
            if (found.kind === 'undated') refusals.set(i, 'FTA_DATE_MISSING');
            if (found.kind === 'fta') sightings.push({ signal: signalOfFta(found.fta), asOf, ucCase });
            if (ucCase) keys.line(p.proceedingId, `ABSENTIA=Y ${p.completionDate ?? p.hearingDate}`, found.kind === 'fta');
          } else {
            if (ucCase) keys.line(p.proceedingId, `ABSENTIA=${p.absentia === 'NO_ORDER' ? 'N' : '?'}`, false);
            if (signals?.orders.has(p.proceedingId) === true && withdrawsOrder(p)) {
              withdrawals.push({ caseId: p.caseId, ftaId: inAbsentiaFtaId(p.proceedingId), withdrawal: { asOf, reason: 'ABSENTIA_WITHDRAWN', dropId: drop.dropId } });
            }
          }
          // A newer proceeding of the case opened after an order: the case was reopened.
          if (signals !== null && p.ntaDate !== null) {
            for (const [proceedingId, date] of signals.orders) {
              if (proceedingId !== p.proceedingId && p.ntaDate > date) {
                withdrawals.push({ caseId: p.caseId, ftaId: inAbsentiaFtaId(proceedingId), withdrawal: { asOf, reason: 'CASE_REOPENED', dropId: drop.dropId } });
              }
            }
          }
        });
        const recordsFta = await keys.settle(run, chunk, deps.ledger);
        await storeEvidence(evidence, sightings, withdrawals, (s) => recordsFta(s.proceedingId));
        return refusals;
      });
      break;
    case 'tbl_schedule': {
      // Hearings are few per stream chunk (UC cases only): write them in large batches so the
      // store keeps its 16 BatchWriteItem calls in flight instead of one or two per chunk.
      const hearingWrites = new WriteBuffer<Hearing>(HEARING_WRITE_BATCH, async (list) => {
        await deps.store.recordHearings(oneHearingPerSchedule(list));
      });
      reading = read(SCHEDULE_TABLE, async (rows) => {
        const refusals: Refusals = new Map();
        const evidence = await uc.evidence(rows, (r) => r.value.caseId);
        const hearings: Hearing[] = [];
        const upcoming: UpcomingHearing[] = [];
        const adjourned: HearingAdjourned[] = [];
        const sightings: SignalSighting[] = [];
        const withdrawals: WithdrawalEvidence[] = [];
        rows.forEach((r, i) => {
          const s = r.value;
          const ahead = hearingOfSchedule(s, { asOf, dropId: drop.dropId });
          if (ahead?.kind === 'upcoming') upcoming.push(ahead.hearing);
          else if (ahead?.kind === 'adjourned') adjourned.push(ahead.adjourned);
          if (s.adjRsn === '11' && s.date === null) {
            refusals.set(i, 'NO_SHOW_DATE_MISSING');
            return;
          }
          const e = evidence.get(s.caseId);
          const ucCase = isUc(evidence, s.caseId);
          if (ucCase) hearings.push({ ...s, dropId: drop.dropId });
          const found = detectNoShow(s, { dropId: drop.dropId, table: 'tbl_schedule', lineNumber: r.lineNumber, byteOffset: r.byteOffset });
          if (ucCase) keys.line(s.scheduleId, `ADJ_RSN=${s.adjRsn ?? ''}${found.kind === 'fta' ? ` ${found.fta.date}` : ''}`, found.kind === 'fta');
          if (found.kind === 'undated') refusals.set(i, 'NO_SHOW_DATE_MISSING');
          else if (found.kind === 'fta') sightings.push({ signal: signalOfFta(found.fta), asOf, ucCase });
          else if (e?.signals?.noShows.has(s.scheduleId) === true) {
            withdrawals.push({ caseId: s.caseId, ftaId: noShowFtaId(s.scheduleId), withdrawal: { asOf, reason: 'ADJOURNMENT_CHANGED', dropId: drop.dropId } });
          }
        });
        await hearingWrites.add(hearings);
        if (deps.hearings !== undefined) {
          await deps.hearings.record(upcoming);
          await deps.hearings.recordAdjourned(adjourned);
        }
        const recordsFta = await keys.settle(run, chunk, deps.ledger);
        await storeEvidence(evidence, sightings, withdrawals, (sig) => sig.scheduleId !== null && recordsFta(sig.scheduleId));
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
 * The drop's last step, once every chunk is recorded: the FTAs of the cases noted by the
 * chunks are settled from their signals (cases that became UC cases: their FTAs recorded
 * with the status the evidence gives; withdrawals from this drop: OPEN FTAs rescinded,
 * never one some line of this drop shows), the keys repeated with conflicting values are
 * collected for review, the omitted-case sweep of a full drop, the outbox sweeps, then the
 * report (assembled from the chunk results) is stored. Safe to run again: settling is
 * idempotent and the sweep counts what a crashed attempt did.
 */
export async function finishDropRun(run: DropRun, deps: ChunkDeps): Promise<DropReport> {
  const { drop } = run;
  const by: WriteStep = `${run.runId}#FINISH`;
  // FTAs settling finds stored already are not this drop's repeats: not counted.
  const settled = { new: 0, rescinded: 0, published: 0 };
  for await (const page of deps.ledger.toSettle(run)) {
    const out = await settleCases(page, deps, { recordedAt: deps.clock.now().toISOString(), by });
    settled.new += out.new;
    settled.rescinded += out.rescinded;
    settled.published += out.published;
  }
  // The keys repeated with conflicting values (their FTAs kept; settling above decided them).
  const conflicts = await settleRepeatedKeys(run, deps);
  let ucCasesOmitted = 0;
  if (run.caseTableReadable && run.fullDrop) {
    ucCasesOmitted = await deps.store.flagUcCasesNotSeen(drop.dropId, deps.clock.now().toISOString());
    if (ucCasesOmitted > 0) deps.log.warn('UC cases omitted by a full drop', { dropId: drop.dropId, count: ucCasesOmitted });
  }
  const published = settled.published + (await sweepFtaOutbox(deps)) + (await sweepRescissionOutbox(deps));
  const results = await deps.ledger.chunkResults(run);
  const report = assembleDropReport(
    run.plan,
    results,
    { recordedAtFinish: settled.new, rescindedAtFinish: settled.rescinded, ucCasesOmitted, ftasPublished: published },
    deps.clock.now().toISOString(),
  );
  withRepeatedKeys(report, conflicts);
  const courtLookup = await readCourtLookup(run, deps);
  if (courtLookup !== undefined) report.courtLookup = courtLookup;
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
  // Its S3 notification starts what follows a drop; written before the run is marked finished.
  await deps.reports?.writeReport?.(drop.dropId, run.runId, report);
  await deps.ledger.finishRun(run, report);
  deps.log.info('drop ingested', { dropId: drop.dropId, runId: run.runId, ftas: report.ftas, ucCasesMarked: report.ucCasesMarked, ucCasesOmitted: report.ucCasesOmitted });
  return report;
}

/** The release's court table among the files the ingest does not read as tables. */
function courtLookupOf(ignored: readonly { file: string }[]): { courtLookupFile?: string } {
  const file = ignored.find((f) => isBaseCityLookup(f.file))?.file;
  return file === undefined ? {} : { courtLookupFile: file };
}

/**
 * Reads the release's Lookup/tblLookupBaseCity (97 rows) and stores each court's street
 * address for the hearing reminders, the latest release's standing. A file that cannot be
 * read is reported, never fatal: the bundled court table (city and state) stands in.
 */
async function readCourtLookup(run: DropRun, deps: ChunkDeps): Promise<DropReport['courtLookup']> {
  const file = run.plan.courtLookupFile;
  if (file === undefined || deps.courts === undefined) return undefined;
  try {
    const parts: Buffer[] = [];
    for await (const part of deps.source.openTable(run.drop, file)) parts.push(Buffer.from(part));
    const lookup = parseBaseCityLookup(Buffer.concat(parts));
    await deps.courts.record(lookup.courts, { asOf: run.asOf.asOf, dropId: run.drop.dropId });
    if (lookup.rejected > 0) deps.log.warn('court lookup rows rejected', { dropId: run.drop.dropId, rejected: lookup.rejected, byReason: lookup.rejectedByReason });
    return {
      file, read: lookup.read, accepted: lookup.accepted, rejected: lookup.rejected, rejectedByReason: { ...lookup.rejectedByReason },
      ...(lookup.fileRejection === undefined ? {} : { fileRejection: lookup.fileRejection }),
    };
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    deps.log.warn('court lookup not read', { dropId: run.drop.dropId, error: detail });
    return { file, read: 0, accepted: 0, rejected: 0, rejectedByReason: {}, fileRejection: `not read: ${detail}` };
  }
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
  const entries: EoirAddressSighting[] = [];
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
  /**
   * What the store knows of each case of these rows (UC mark, FTA signals), read once per
   * batch for every case: a case's signals matter whether it is a UC case or not.
   */
  async evidence<R>(rows: readonly R[], caseOf: (r: R) => string): Promise<ReadonlyMap<string, CaseEvidence>> {
    const ids = new Set<string>();
    for (const r of rows) ids.add(caseOf(r));
    const found = await this.store.signals.lookupCases([...ids]);
    for (const [id, e] of found) if (e.uc) this.known.add(id);
    return found;
  }
  has(caseId: string): boolean {
    return this.known.has(caseId);
  }
  async filter<R>(rows: readonly R[], caseOf: (r: R) => string): Promise<R[]> {
    const unknown = [...new Set(rows.map(caseOf).filter((id) => !this.known.has(id)))];
    const found = unknown.length > 0 ? await this.store.findUcCases(unknown) : new Set<string>();
    for (const id of found) this.known.add(id);
    return rows.filter((r) => this.known.has(caseOf(r)));
  }
}
