import type { EoirTableName } from './eoir-table';
import type { FileRejectionReason, RowRejectionReason, TableRejectionReason } from './rejections';

/** Row accounting of one table of a drop: read = accepted + rejected, always. */
export interface TableCounts {
  read: number;
  accepted: number;
  rejected: number;
  rejectedByReason: Partial<Record<RowRejectionReason, number>>;
  /** Set when the whole table could not be read (its rows are then not counted). */
  tableRejection?: { reason: TableRejectionReason; detail: string };
}

export interface FtaCounts {
  new: number;
  repeated: number;
  rescinded: number;
}

/** What one drop did: stored with the drop and shown in `out/summary.json`. */
export interface DropReport {
  dropId: string;
  tables: Partial<Record<EoirTableName, TableCounts>>;
  ucCasesMarked: number;
  /** Files of the drop the ingest did not read, each with its reason (absent when none). */
  ignoredFiles?: { file: string; reason: FileRejectionReason }[];
  ftas: FtaCounts;
  /** FTAs handed to the fan-out queues by this run (new ones and earlier unsent ones). */
  ftasPublished: number;
  startedAt: string;
  finishedAt: string;
}

export function emptyTableCounts(): TableCounts {
  return { read: 0, accepted: 0, rejected: 0, rejectedByReason: {} };
}

export function countAccepted(counts: TableCounts): void {
  counts.read += 1;
  counts.accepted += 1;
}

export function countRejected(counts: TableCounts, reason: RowRejectionReason): void {
  counts.read += 1;
  counts.rejected += 1;
  counts.rejectedByReason[reason] = (counts.rejectedByReason[reason] ?? 0) + 1;
}
