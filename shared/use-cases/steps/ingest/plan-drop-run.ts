import { CASE_TABLE } from '../../../domain/case';
import { parseCountFile } from '../../../domain/count-file';
import { planTableChunks, INGEST_STAGES, type DropChunk, type PlannedReport } from '../../../domain/drop-plan';
import { emptyTableCounts, REPORT_LIST_LIMIT, type TableCounts } from '../../../domain/drop-report';
import { EOIR_TABLES, type EoirTableName, type TableSpec } from '../../../domain/eoir-table';
import { mapColumns, readTableHeader } from '../../../domain/eoir-table-header';
import { isBaseCityLookup } from '../../../domain/base-city-lookup';
import { JUVENILE_HISTORY_TABLE } from '../../../domain/juvenile';
import { PROCEEDING_TABLE } from '../../../domain/proceeding';
import type { FileRejectionReason, TableRejectionReason } from '../../../domain/rejections';
import { SCHEDULE_TABLE } from '../../../domain/schedule';
import type { Clock } from '../../../ports/clock';
import type { DocketSource, DropListing, DropRef } from '../../../ports/docket-source';
import type { DropRun } from '../../../ports/drop-ledger';
import type { DropAsOf } from '../../../ports/fta-signals';
import type { Log } from '../../../ports/log';
import type { ReportArchive } from '../../../ports/report-archive';
import type { ChunkOptions } from './read-drop-table';

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
 * A drop is "full" (a complete release, not an update) when it carries all four tables.
 * Only a full drop may flag UC cases as omitted: a partial drop says nothing about absence.
 */
export function isFullDrop(listing: DropListing): boolean {
  return EOIR_TABLES.every((t) => listing.tables.has(t));
}

/** The release's court table among the files the ingest does not read as tables. */
function courtLookupOf(ignored: readonly { file: string }[]): { courtLookupFile?: string } {
  const file = ignored.find((f) => isBaseCityLookup(f.file))?.file;
  return file === undefined ? {} : { courtLookupFile: file };
}
