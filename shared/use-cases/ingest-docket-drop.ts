import { CASE_TABLE, type CaseRow } from '../domain/case';
import { checkCount, parseCountFile } from '../domain/count-file';
import { emptyTableCounts, type DropReport } from '../domain/drop-report';
import { EOIR_TABLES, type EoirTableName, type TableSpec } from '../domain/eoir-table';
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
import type { AddressEntry, CaseStore, Hearing, Rescission, UcMark } from '../ports/case-store';
import type { Clock } from '../ports/clock';
import type { DocketSource, DropListing, DropRef } from '../ports/docket-source';
import type { FtaPublisher } from '../ports/fta-publisher';
import type { Log } from '../ports/log';
import type { Quarantine } from '../ports/quarantine';
import { publishFtas, sweepFtaOutbox, sweepRescissionOutbox } from './publish-fta-outbox';
import { DEFAULT_CHUNKS, readDropTable, type AcceptedRow, type ChunkOptions } from './read-drop-table';

export interface IngestDeps {
  readonly source: DocketSource;
  readonly store: CaseStore;
  readonly publisher: FtaPublisher;
  readonly quarantine: Quarantine;
  readonly clock: Clock;
  readonly log: Log;
  readonly chunks?: ChunkOptions;
}

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
 * Ingests one DOJ docket drop (a folder or a zip).
 *
 * 1. List the drop's tables and read Count.txt. A table Count.txt lists but the drop lacks
 *    is reported TABLE_MISSING; a file that is no table it reads is listed in
 *    `ignoredFiles` (UNKNOWN_TABLE); the other tables are still read.
 * 2. tbl_JuvenileHistory: cases with a UJ or J2 designation are UC cases.
 * 3. A_TblCase: CASEPRIORITY_CODE `UC` marks UC cases too; each UC case's row is a
 *    sighting (last seen drop, A-number when present) and adds its address of record to
 *    the case's address history.
 * 4. B_TblProceeding: in-absentia orders of UC cases are FTAs (recorded once, queued
 *    through the outbox). An OPEN order whose proceeding now shows no ABSENTIA `Y`, or
 *    whose case shows a proceeding opened after the order, is RESCINDED (spec 3).
 * 5. tbl_schedule: hearings of UC cases are recorded with their outcome; ADJ_RSN `11`
 *    is a NO_SHOW_ADJOURNMENT FTA; an OPEN one whose row now shows another reason is
 *    rescinded.
 * 6. A full drop (A_TblCase read whole) flags UC cases it omits; nothing is deleted.
 * 7. Send what the outbox still holds (FTAs and rescissions); store the report.
 *
 * Every row read is accepted or rejected with a reason (rejected rows are quarantined).
 * Retry-safe: every write is idempotent, an FTA already stored is 'repeated', a
 * rescission already made is skipped, and a failure to queue leaves the outbox entry and
 * fails the run so Lambda retries it.
 */
export async function ingestDocketDrop(drop: DropRef, deps: IngestDeps): Promise<DropReport> {
  const startedAt = deps.clock.now().toISOString();
  const report: DropReport = {
    dropId: drop.dropId,
    tables: {},
    ucCasesMarked: 0,
    ftas: { new: 0, repeated: 0, rescinded: 0 },
    ftasPublished: 0,
    hearingsRecorded: 0,
    addressesRecorded: 0,
    ucCasesOmitted: 0,
    countCheck: {},
    missingTables: [],
    quarantine: [],
    startedAt,
    finishedAt: startedAt,
  };
  const listing = await deps.source.listDrop(drop);
  const expected = listing.countFile === null ? {} : parseCountFile(listing.countFile);
  deps.log.info('drop opened', { dropId: drop.dropId, tables: [...listing.tables.keys()], countFile: listing.countFile !== null });
  if (listing.ignored !== undefined && listing.ignored.length > 0) {
    report.ignoredFiles = listing.ignored.map((f) => ({ ...f }));
    deps.log.warn('files not read', { dropId: drop.dropId, count: listing.ignored.length, reasons: [...new Set(listing.ignored.map((f) => f.reason))] });
  }
  for (const table of EOIR_TABLES) {
    if (listing.tables.has(table)) continue;
    report.missingTables?.push(table);
    const refused = listing.refused.get(table);
    if (refused !== undefined) {
      report.tables[table] = { ...emptyTableCounts(), tableRejection: { reason: 'ENTRY_UNSAFE', detail: refused } };
    } else if (expected[table] !== undefined) {
      report.tables[table] = { ...emptyTableCounts(), tableRejection: { reason: 'TABLE_MISSING', detail: `Count.txt lists ${table}; the drop has no file for it` } };
    }
  }

  const uc = new UcCases(deps.store);
  const read = async <T>(table: EoirTableName, spec: TableSpec<T>, onBatch: (rows: readonly AcceptedRow<T>[]) => Promise<ReadonlyMap<number, RowRejectionReason>>): Promise<boolean> => {
    const file = listing.tables.get(table);
    if (file === undefined) return false;
    const { counts, quarantineKeys } = await readDropTable(
      { drop, file, spec, source: deps.source, quarantine: deps.quarantine, chunks: deps.chunks ?? DEFAULT_CHUNKS },
      onBatch,
    );
    report.tables[table] = counts;
    report.quarantine?.push(...quarantineKeys);
    if (counts.tableRejection) deps.log.warn('table rejected', { dropId: drop.dropId, table, reason: counts.tableRejection.reason });
    const want = expected[table];
    if (want !== undefined && !counts.tableRejection) {
      const check = checkCount(want, counts.read);
      if (report.countCheck) report.countCheck[table] = check;
      if (!check.matches) deps.log.warn('Count.txt mismatch', { dropId: drop.dropId, table, expected: want, read: counts.read });
    }
    return !counts.tableRejection;
  };
  const marked = new Set<string>();
  const mark = async (marks: UcMark[]): Promise<void> => {
    const fresh = marks.filter((m) => !marked.has(m.caseId));
    for (const m of fresh) {
      marked.add(m.caseId);
      uc.add(m.caseId);
    }
    if (fresh.length > 0) await deps.store.markUcCases(fresh);
  };

  await read('tbl_JuvenileHistory', JUVENILE_HISTORY_TABLE, async (rows) => {
    await mark(rows.filter((r) => isUnaccompaniedCode(r.value.idnJuvenile)).map((r) => ({ caseId: r.value.caseId, basis: 'JUVENILE_HISTORY', dropId: drop.dropId })));
    return NONE;
  });

  const caseRead = await read('A_TblCase', CASE_TABLE, async (rows) => {
    await mark(rows.filter((r) => r.value.ucPriority).map((r) => ({ caseId: r.value.caseId, basis: 'CASE_PRIORITY', dropId: drop.dropId })));
    const ucRows = await uc.filter(rows, (r) => r.value.caseId);
    await recordCases(ucRows.map((r) => r.value), drop.dropId, deps.store, report);
    return NONE;
  });

  const recordedAt = deps.clock.now().toISOString();
  const rescind = async (rescissions: Rescission[]): Promise<void> => {
    if (rescissions.length > 0) report.ftas.rescinded += await deps.store.rescindFtas(rescissions, deps.clock.now().toISOString());
  };
  const record = async (ftas: Fta[]): Promise<void> => {
    if (ftas.length === 0) return;
    const outcomes = await deps.store.recordFtas(ftas, recordedAt);
    const fresh = ftas.filter((_, i) => outcomes[i] === 'new');
    report.ftas.new += fresh.length;
    report.ftas.repeated += ftas.length - fresh.length;
    report.ftasPublished += await publishFtas(fresh.map((fta) => ({ fta, recordedAt })), deps);
  };

  // Latest proceeding opened (OSC_DATE) per UC case in this drop, for CASE_REOPENED. Bounded by UC cases, not rows.
  const latestOpened = new Map<string, { proceedingId: string; ntaDate: string }>();
  await read('B_TblProceeding', PROCEEDING_TABLE, async (rows) => {
    const refusals: Refusals = new Map();
    const ucRows = new Set(await uc.filter(rows, (r) => r.value.caseId));
    const ftas: Fta[] = [];
    const withdrawn: AcceptedRow<typeof rows[number]['value']>[] = [];
    rows.forEach((r, i) => {
      const p = r.value;
      // An order without a usable date is rejected whatever the case: it is unusable data.
      if (p.inAbsentia && p.completionDate === null && p.hearingDate === null) {
        refusals.set(i, 'FTA_DATE_MISSING');
        return;
      }
      if (!ucRows.has(r)) return;
      if (p.ntaDate !== null) {
        const seen = latestOpened.get(p.caseId);
        if (seen === undefined || p.ntaDate > seen.ntaDate) latestOpened.set(p.caseId, { proceedingId: p.proceedingId, ntaDate: p.ntaDate });
      }
      if (!p.inAbsentia) {
        withdrawn.push(r);
        return;
      }
      const found = detectInAbsentiaOrder(p, { dropId: drop.dropId, table: 'B_TblProceeding', lineNumber: r.lineNumber, byteOffset: r.byteOffset });
      if (found.kind === 'undated') refusals.set(i, 'FTA_DATE_MISSING');
      if (found.kind === 'fta') ftas.push(found.fta);
    });
    await record(ftas);
    const open = await deps.store.findOpenFtas(withdrawn.map((r) => ({ caseId: r.value.caseId, ftaId: inAbsentiaFtaId(r.value.proceedingId) })));
    const byProceeding = new Map(withdrawn.map((r) => [r.value.proceedingId, r.value]));
    await rescind(
      open.flatMap((fta) => {
        const p = byProceeding.get(fta.proceedingId);
        const reason = p === undefined ? null : rescindedByProceeding(fta, p);
        return reason === null ? [] : [{ fta, reason, dropId: drop.dropId }];
      }),
    );
    return refusals;
  });
  if (latestOpened.size > 0) {
    const ids = [...latestOpened.keys()];
    for (let i = 0; i < ids.length; i += 500) {
      const open = await deps.store.openFtasOfCases(ids.slice(i, i + 500));
      await rescind(
        open.flatMap((fta) => {
          const latest = latestOpened.get(fta.caseId);
          const reason = latest === undefined ? null : rescindedByReopening(fta, latest);
          return reason === null ? [] : [{ fta, reason, dropId: drop.dropId }];
        }),
      );
    }
  }

  // Hearings are few per stream chunk (UC cases only): write them in large batches so the
  // store keeps its 16 BatchWriteItem calls in flight instead of one or two per chunk.
  const hearingWrites = new WriteBuffer<Hearing>(HEARING_WRITE_BATCH, async (list) => {
    await deps.store.recordHearings(list);
    report.hearingsRecorded = (report.hearingsRecorded ?? 0) + list.length;
  });
  await read('tbl_schedule', SCHEDULE_TABLE, async (rows) => {
    const refusals: Refusals = new Map();
    const ucRows = new Set(await uc.filter(rows, (r) => r.value.caseId));
    const ftas: Fta[] = [];
    const hearings: Hearing[] = [];
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
      if (found.kind === 'undated') refusals.set(i, 'NO_SHOW_DATE_MISSING');
      else if (found.kind === 'fta') ftas.push(found.fta);
      else otherReason.push(r);
    });
    await hearingWrites.add(hearings);
    await record(ftas);
    const open = await deps.store.findOpenFtas(otherReason.map((r) => ({ caseId: r.value.caseId, ftaId: noShowFtaId(r.value.scheduleId) })));
    const bySchedule = new Map(otherReason.map((r) => [r.value.scheduleId, r.value]));
    await rescind(
      open.flatMap((fta) => {
        const s = fta.scheduleId === null ? undefined : bySchedule.get(fta.scheduleId);
        const reason = s === undefined ? null : rescindedBySchedule(fta, s.adjRsn);
        return reason === null ? [] : [{ fta, reason, dropId: drop.dropId }];
      }),
    );
    return refusals;
  });

  await hearingWrites.flush();

  if (caseRead && isFullDrop(listing)) {
    report.ucCasesOmitted = await deps.store.flagUcCasesNotSeen(drop.dropId, deps.clock.now().toISOString());
    if (report.ucCasesOmitted > 0) deps.log.warn('UC cases omitted by a full drop', { dropId: drop.dropId, count: report.ucCasesOmitted });
  }
  report.ucCasesMarked = marked.size;
  report.ftasPublished += await sweepFtaOutbox(deps);
  report.ftasPublished += await sweepRescissionOutbox(deps);
  report.finishedAt = deps.clock.now().toISOString();
  await deps.store.saveDropReport(report);
  deps.log.info('drop ingested', { dropId: drop.dropId, ftas: report.ftas, ucCasesMarked: report.ucCasesMarked, ucCasesOmitted: report.ucCasesOmitted });
  return report;
}

/**
 * A drop is "full" (a complete release, not an update) when it carries all four tables.
 * Only a full drop may flag UC cases as omitted: a partial drop says nothing about absence.
 */
export function isFullDrop(listing: DropListing): boolean {
  return EOIR_TABLES.every((t) => listing.tables.has(t));
}

async function recordCases(rows: readonly CaseRow[], dropId: string, store: CaseStore, report: DropReport): Promise<void> {
  if (rows.length === 0) return;
  await store.recordCaseSightings(rows.map((r) => ({ caseId: r.caseId, dropId, aNumber: r.aNumber })));
  const entries: AddressEntry[] = [];
  for (const r of rows) {
    if (r.address) entries.push({ caseId: r.caseId, source: 'EOIR_ADDRESS_OF_RECORD', address: r.address, changedOn: r.addressChangedOn, dropId });
    if (r.previousAddress) entries.push({ caseId: r.caseId, source: 'EOIR_PREVIOUS_ADDRESS', address: r.previousAddress, changedOn: null, dropId });
  }
  await store.recordAddresses(entries);
  report.addressesRecorded = (report.addressesRecorded ?? 0) + entries.length;
}

/**
 * Which case ids are UC cases: those marked in this run, else the store's answer, asked
 * once per batch for the ids not known yet. Only positives are kept, so memory grows with
 * the number of UC cases, never with the number of rows.
 */
class UcCases {
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
