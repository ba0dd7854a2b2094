import { checkCount } from './count-file';
import { emptyTableCounts, mergeTableCounts, type DropReport, type FtaCounts, type TableCounts } from './drop-report';
import { planByteRanges, type EoirTableName } from './eoir-table';
import type { TableRejectionReason } from './rejections';

/**
 * The order a drop's tables must be read in, as stages: every chunk of a stage may run at
 * the same time, and a stage starts only when the one before has finished.
 * - tbl_JuvenileHistory marks UC cases (UJ, J2) ...
 * - ... before A_TblCase, whose rows of UC cases (marked by either table) are sightings
 *   and addresses: a case row read before its juvenile mark would be missed;
 * - B_TblProceeding and tbl_schedule only read UC marks, so they run together.
 */
export const INGEST_STAGES: readonly (readonly EoirTableName[])[] = [
  ['tbl_JuvenileHistory'],
  ['A_TblCase'],
  ['B_TblProceeding', 'tbl_schedule'],
];

/** One byte range of one table: the unit of work of a chunk worker. `end` null = to the end of the file. */
export interface DropChunk {
  readonly table: EoirTableName;
  /** Object key (folder drop) or entry name (zip drop). */
  readonly key: string;
  readonly start: number;
  readonly end: number | null;
  /** Index in INGEST_STAGES. */
  readonly stage: number;
  /** Which of the table's files (0 = the first; a table may have `.csv` and `.txt`). */
  readonly file?: number;
}

/** What one chunk did: stored once per chunk, summed into the drop report. */
export interface ChunkResult {
  readonly table: EoirTableName;
  readonly start: number;
  /** The file the chunk read (absent in results stored before tables could have several files). */
  readonly key?: string;
  readonly file?: number;
  readonly counts: TableCounts;
  readonly quarantineKeys: readonly string[];
  /** UC cases this chunk marked first in this run (claims: each case counted once per run). */
  readonly ucCasesMarked: number;
  readonly ftas: FtaCounts;
  readonly ftasPublished: number;
  readonly hearingsRecorded: number;
  readonly addressesRecorded: number;
}

/** The stable id of a chunk within a run (sort key suffix, quarantine part prefix). */
export const chunkId = (c: Pick<DropChunk, 'table' | 'start' | 'file'>): string =>
  c.file ? `${c.table}#F${c.file}#${String(c.start).padStart(15, '0')}` : `${c.table}#${String(c.start).padStart(15, '0')}`;

/**
 * The chunks of one table: byte ranges of about `chunkBytes` when the file can be read by
 * range and is larger than that, else the whole file as one chunk (a deflated zip entry).
 */
export function planTableChunks(
  table: EoirTableName,
  file: { key: string; size: number; rangeReadable: boolean },
  chunkBytes: number,
  fileIndex = 0,
): DropChunk[] {
  const stage = INGEST_STAGES.findIndex((s) => s.includes(table));
  const of = fileIndex > 0 ? { file: fileIndex } : {};
  if (!file.rangeReadable || file.size <= chunkBytes) return [{ table, key: file.key, start: 0, end: null, stage, ...of }];
  return planByteRanges(file.size, chunkBytes).map((r) => ({ table, key: file.key, start: r.start, end: r.end, stage, ...of }));
}

/** Everything the finish step adds to the chunks' counts. */
export interface FinishOutcome {
  /** FTAs the finish step recorded (cases that became UC cases) and rescinded (withdrawals). */
  readonly recordedAtFinish: number;
  readonly rescindedAtFinish: number;
  readonly ucCasesOmitted: number;
  readonly ftasPublished: number;
}

/** The parts of the report known when the drop is planned (tables missing or refused, Count.txt). */
export interface PlannedReport {
  readonly dropId: string;
  readonly asOf?: NonNullable<DropReport['asOf']>;
  readonly startedAt: string;
  readonly preset: Partial<Record<EoirTableName, TableCounts>>;
  readonly missingTables: readonly EoirTableName[];
  readonly expected: Partial<Record<EoirTableName, number>>;
  /** Tables whose header made the whole table unreadable (no chunk was planned for them). */
  readonly tableRejections: Partial<Record<EoirTableName, TableCounts>>;
  /** Chunks planned per table. */
  readonly chunksPerTable: Partial<Record<EoirTableName, number>>;
  /** Files of the drop that are no table the ingest reads (absent when none, or when too many to keep here: see `lists`). */
  readonly ignoredFiles?: DropReport['ignoredFiles'];
  /** Files not read, counted by reason (absent when none). */
  readonly ignoredByReason?: DropReport['ignoredByReason'];
  /** Long lists kept in S3 rather than in the plan and report (absent when none). */
  readonly lists?: DropReport['lists'];
  /** The files of each table with more than one (each named in the report, with its own counts or rejection). */
  readonly tableFiles?: Partial<Record<EoirTableName, readonly { key: string; tableRejection?: { reason: TableRejectionReason; detail: string } }[]>>;
  /** The zip the drop's folder was unpacked from (absent for a drop DOJ delivered as a folder or read as a zip). */
  readonly unpackedFrom?: string;
  /** The release's Lookup/tblLookupBaseCity (courts' street addresses), read by the finish step. */
  readonly courtLookupFile?: string;
}

/**
 * Assembles the drop report from the plan, every chunk's result (each chunk exactly once,
 * in any order) and the finish step. Pure: the same inputs give the same report.
 */
export function assembleDropReport(plan: PlannedReport, chunks: readonly ChunkResult[], finish: FinishOutcome, finishedAt: string): DropReport {
  const report: DropReport = {
    dropId: plan.dropId,
    tables: { ...plan.preset, ...plan.tableRejections },
    ucCasesMarked: 0,
    ftas: { new: finish.recordedAtFinish, repeated: 0, rescinded: finish.rescindedAtFinish },
    ftasPublished: finish.ftasPublished,
    hearingsRecorded: 0,
    addressesRecorded: 0,
    ucCasesOmitted: finish.ucCasesOmitted,
    countCheck: {},
    missingTables: [...plan.missingTables],
    quarantine: [],
    startedAt: plan.startedAt,
    finishedAt,
  };
  if (plan.asOf !== undefined) report.asOf = { ...plan.asOf };
  if (plan.ignoredFiles !== undefined && plan.ignoredFiles.length > 0) report.ignoredFiles = plan.ignoredFiles.map((f) => ({ ...f }));
  if (plan.ignoredByReason !== undefined) report.ignoredByReason = { ...plan.ignoredByReason };
  if (plan.lists !== undefined) report.lists = { ...plan.lists };
  if (plan.unpackedFrom !== undefined) report.unpackedFrom = plan.unpackedFrom;
  const order = INGEST_STAGES.flat();
  const sorted = [...chunks].sort((a, b) => order.indexOf(a.table) - order.indexOf(b.table) || a.start - b.start);
  for (const c of sorted) {
    const counts = (report.tables[c.table] ??= emptyTableCounts());
    mergeTableCounts(counts, c.counts);
    report.quarantine?.push(...c.quarantineKeys);
    report.ucCasesMarked += c.ucCasesMarked;
    report.ftas.new += c.ftas.new;
    report.ftas.repeated += c.ftas.repeated;
    report.ftas.rescinded += c.ftas.rescinded;
    report.ftasPublished += c.ftasPublished;
    report.hearingsRecorded = (report.hearingsRecorded ?? 0) + c.hearingsRecorded;
    report.addressesRecorded = (report.addressesRecorded ?? 0) + c.addressesRecorded;
  }
  for (const [table, files] of Object.entries(plan.tableFiles ?? {}) as [EoirTableName, NonNullable<PlannedReport['tableFiles']>[EoirTableName]][]) {
    const counts = (report.tables[table] ??= emptyTableCounts());
    counts.files = (files ?? []).map((f) => {
      if (f.tableRejection) return { key: f.key, read: 0, accepted: 0, rejected: 0, tableRejection: { ...f.tableRejection } };
      const mine = sorted.filter((c) => c.table === table && c.key === f.key);
      return { key: f.key, read: sum(mine, 'read'), accepted: sum(mine, 'accepted'), rejected: sum(mine, 'rejected') };
    });
  }
  for (const [table, n] of Object.entries(plan.chunksPerTable) as [EoirTableName, number][]) {
    const counts = report.tables[table];
    if (counts !== undefined && n > 1 && !counts.tableRejection) counts.chunks = n;
  }
  for (const [table, want] of Object.entries(plan.expected) as [EoirTableName, number][]) {
    const counts = report.tables[table];
    if (counts === undefined || counts.tableRejection) continue;
    if (report.countCheck) report.countCheck[table] = checkCount(want, counts.read);
  }
  if (Object.keys(plan.chunksPerTable).length === 0) report.failure = { reason: 'NOTHING_READABLE', detail: nothingReadable(plan) };
  return report;
}

/** Why a drop with no readable table is one: what it had instead. */
function nothingReadable(plan: PlannedReport): string {
  const rejected = Object.entries({ ...plan.preset, ...plan.tableRejections })
    .filter(([, c]) => c?.tableRejection)
    .map(([t, c]) => `${t} ${c?.tableRejection?.reason}`);
  const ignored = Object.entries(plan.ignoredByReason ?? {}).map(([r, n]) => `${n} ${r}`);
  return [
    'no table the ingest reads (A_TblCase, B_TblProceeding, tbl_schedule, tbl_JuvenileHistory) could be read',
    rejected.length > 0 ? `refused: ${rejected.join(', ')}` : 'none of them is in the drop',
    ignored.length > 0 ? `files not read: ${ignored.join(', ')}` : 'no other file either',
  ].join('; ');
}

const sum = (results: readonly ChunkResult[], field: 'read' | 'accepted' | 'rejected'): number => results.reduce((n, c) => n + c.counts[field], 0);

/** The report with its tables in reading order (a stored map comes back in any order). */
export function tablesInReadOrder(report: DropReport): DropReport {
  const tables: DropReport['tables'] = {};
  const names = Object.keys(report.tables) as EoirTableName[];
  const order = [...report.missingTables ?? [], ...INGEST_STAGES.flat()];
  for (const t of [...names].sort((a, b) => order.indexOf(a) - order.indexOf(b))) tables[t] = report.tables[t];
  return { ...report, tables };
}
