import {
  countAccepted,
  countRejected,
  emptyTableCounts,
  type DropReport,
} from '../domain/drop-report';
import { isDropMarker, openEoirTable, type TableSpec } from '../domain/eoir-table';
import { detectInAbsentiaOrder, type Fta } from '../domain/fta';
import { isUnaccompaniedCode, JUVENILE_HISTORY_TABLE } from '../domain/juvenile';
import { PROCEEDING_TABLE } from '../domain/proceeding';
import type { RowRejectionReason } from '../domain/rejections';
import type { CaseStore, UcMark } from '../ports/case-store';
import type { Clock } from '../ports/clock';
import type { DocketSource, DropRef } from '../ports/docket-source';
import type { FtaPublisher } from '../ports/fta-publisher';
import type { Log } from '../ports/log';
import { publishFtas, sweepFtaOutbox } from './publish-fta-outbox';

export interface IngestDeps {
  readonly source: DocketSource;
  readonly store: CaseStore;
  readonly publisher: FtaPublisher;
  readonly clock: Clock;
  readonly log: Log;
}

/** Rows are written and looked up in batches of this size. */
const BATCH = 500;

/**
 * Ingests one DOJ docket drop.
 *
 * 1. List the drop's tables.
 * 2. tbl_JuvenileHistory: mark every case with a UJ or J2 designation as a UC case.
 * 3. B_TblProceeding: each in-absentia order of a UC case (marked now or in an earlier
 *    drop) is an IN_ABSENTIA_ORDER FTA; record it once, then hand new FTAs to the queues.
 * 4. Send any FTA an earlier run stored but never queued (the outbox).
 * 5. Store the drop report: every row read is accepted or rejected with a reason; a file
 *    that is not a table it reads is listed with UNKNOWN_TABLE.
 *
 * On retry (same drop again, or a crash mid-way) nothing is counted or sent twice: UC marks
 * and FTAs are idempotent writes, and an FTA that is already stored is 'repeated', not new.
 * A failure to queue leaves the FTA in the outbox and fails the run, so it is retried.
 */
export async function ingestDocketDrop(drop: DropRef, deps: IngestDeps): Promise<DropReport> {
  const startedAt = deps.clock.now().toISOString();
  const report: DropReport = {
    dropId: drop.dropId,
    tables: {},
    ucCasesMarked: 0,
    ftas: { new: 0, repeated: 0, rescinded: 0 },
    ftasPublished: 0,
    startedAt,
    finishedAt: startedAt,
  };
  const tables = await deps.source.listTables(drop);
  deps.log.info('drop opened', { dropId: drop.dropId, tables: [...tables.keys()] });
  await reportIgnoredFiles(drop, tables, deps, report);

  const ucCases = new Set<string>();
  const juvenileKey = tables.get('tbl_JuvenileHistory');
  if (juvenileKey !== undefined) {
    let marks: UcMark[] = [];
    const flush = async (): Promise<void> => {
      await deps.store.markUcCases(marks);
      marks = [];
    };
    await readTable(drop, juvenileKey, JUVENILE_HISTORY_TABLE, deps, report, async (row) => {
      if (!isUnaccompaniedCode(row.idnJuvenile) || ucCases.has(row.caseId)) return undefined;
      ucCases.add(row.caseId);
      marks.push({ caseId: row.caseId, basis: 'JUVENILE_HISTORY', dropId: drop.dropId });
      if (marks.length >= BATCH) await flush();
      return undefined;
    });
    await flush();
    report.ucCasesMarked = ucCases.size;
  }

  const proceedingKey = tables.get('B_TblProceeding');
  if (proceedingKey !== undefined) {
    let candidates: Fta[] = [];
    const flush = async (): Promise<void> => {
      await recordUcFtas(candidates, ucCases, deps, report);
      candidates = [];
    };
    await readTable(drop, proceedingKey, PROCEEDING_TABLE, deps, report, async (row, lineNumber) => {
      const found = detectInAbsentiaOrder(row, { dropId: drop.dropId, table: 'B_TblProceeding', lineNumber });
      if (found.kind === 'undated') return 'FTA_DATE_MISSING';
      if (found.kind === 'fta') candidates.push(found.fta);
      if (candidates.length >= BATCH) await flush();
      return undefined;
    });
    await flush();
  }

  report.ftasPublished += await sweepFtaOutbox(deps);
  report.finishedAt = deps.clock.now().toISOString();
  await deps.store.saveDropReport(report);
  deps.log.info('drop ingested', { dropId: drop.dropId, ftas: report.ftas, ucCasesMarked: report.ucCasesMarked });
  return report;
}

/** Files that are neither a table the ingest reads nor the completion marker: reported, not read. */
async function reportIgnoredFiles(
  drop: DropRef,
  tables: ReadonlyMap<string, string>,
  deps: IngestDeps,
  report: DropReport,
): Promise<void> {
  if (deps.source.listFiles === undefined) return;
  const read = new Set(tables.values());
  const ignored = (await deps.source.listFiles(drop))
    .filter((file) => !read.has(file) && !isDropMarker(file))
    .map((file) => ({ file, reason: 'UNKNOWN_TABLE' as const }));
  if (ignored.length === 0) return;
  report.ignoredFiles = ignored;
  deps.log.warn('files not read', { dropId: drop.dropId, reason: 'UNKNOWN_TABLE', files: ignored.map((f) => f.file) });
}

/** Keeps the FTAs of UC cases, records them, and queues the new ones. */
async function recordUcFtas(
  candidates: readonly Fta[],
  ucCases: Set<string>,
  deps: IngestDeps,
  report: DropReport,
): Promise<void> {
  if (candidates.length === 0) return;
  const unknown = [...new Set(candidates.map((f) => f.caseId).filter((id) => !ucCases.has(id)))];
  const known = unknown.length > 0 ? await deps.store.findUcCases(unknown) : new Set<string>();
  for (const id of known) ucCases.add(id);
  const ftas = candidates.filter((f) => ucCases.has(f.caseId));
  if (ftas.length === 0) return;
  const recordedAt = deps.clock.now().toISOString();
  const outcomes = await deps.store.recordFtas(ftas, recordedAt);
  const fresh = ftas.filter((_, i) => outcomes[i] === 'new');
  report.ftas.new += fresh.length;
  report.ftas.repeated += ftas.length - fresh.length;
  report.ftasPublished += await publishFtas(fresh.map((fta) => ({ fta, recordedAt })), deps);
}

/**
 * Streams one table, counts every row as accepted or rejected, and hands accepted rows to
 * `onRow`, which may still reject a row by returning a reason.
 */
async function readTable<T>(
  drop: DropRef,
  objectKey: string,
  spec: TableSpec<T>,
  deps: IngestDeps,
  report: DropReport,
  onRow: (row: T, lineNumber: number) => Promise<RowRejectionReason | undefined>,
): Promise<void> {
  const counts = emptyTableCounts();
  report.tables[spec.table] = counts;
  const opened = await openEoirTable(deps.source.openTable(drop, objectKey), spec);
  if (!opened.ok) {
    counts.tableRejection = { reason: opened.reason, detail: opened.detail };
    deps.log.warn('table rejected', { dropId: drop.dropId, table: spec.table, reason: opened.reason });
    return;
  }
  for await (const { lineNumber, result } of opened.rows) {
    if (!result.ok) {
      countRejected(counts, result.reason);
      continue;
    }
    const rejection = await onRow(result.value, lineNumber);
    if (rejection) countRejected(counts, rejection);
    else countAccepted(counts);
  }
}
