import type { CountCheck } from './count-file';
import type { EoirTableName } from './eoir-table';
import type { FileRejectionReason, RowRejectionReason, TableRejectionReason } from './rejections';

/** Row accounting of one table of a drop: read = accepted + rejected, always. */
export interface TableCounts {
  read: number;
  accepted: number;
  rejected: number;
  rejectedByReason: Partial<Record<RowRejectionReason, number>>;
  /** Accepted rows that had one stray TAB and were repaired (eoir-table.ts repairShiftedRow). */
  repaired?: number;
  /** Byte-range chunks the table was read in (1 = read whole). */
  chunks?: number;
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
  /** The drop's as-of (ISO time) and where it came from: evidence is ordered by it. */
  asOf?: { asOf: string; source: 'OPERATOR_METADATA' | 'DROP_NAME' | 'FIRST_ARRIVAL' };
  tables: Partial<Record<EoirTableName, TableCounts>>;
  ucCasesMarked: number;
  /** Files of the drop the ingest did not read, each with its reason (absent when none). */
  ignoredFiles?: { file: string; reason: FileRejectionReason }[];
  ftas: FtaCounts;
  /** FTA messages (recorded and rescinded) handed to the fan-out queues by this run. */
  ftasPublished: number;
  /** Hearings of UC cases recorded with their outcome. */
  hearingsRecorded?: number;
  /** Address-of-record entries written to UC cases' address history. */
  addressesRecorded?: number;
  /** UC cases this full drop omits (flagged, never deleted). */
  ucCasesOmitted?: number;
  /** Count.txt against the rows read, per table. */
  countCheck?: Partial<Record<EoirTableName, CountCheck>>;
  /** Tables the drop does not have (absent, or listed in Count.txt but missing). */
  missingTables?: EoirTableName[];
  /** S3 keys of the quarantine parts written for rejected rows. */
  quarantine?: string[];
  /** The zip drop's key, when this folder drop holds the tables the ingest unpacked from that zip. */
  unpackedFrom?: string;
  /** Set when the drop was fanned out to chunk workers over the chunk queue. */
  fanOut?: { runId: string; chunks: number };
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

/** Adds the counts of one byte range into the table's counts. */
export function mergeTableCounts(into: TableCounts, part: TableCounts): void {
  into.read += part.read;
  into.accepted += part.accepted;
  into.rejected += part.rejected;
  if (part.repaired) into.repaired = (into.repaired ?? 0) + part.repaired;
  for (const [reason, n] of Object.entries(part.rejectedByReason) as [RowRejectionReason, number][]) {
    into.rejectedByReason[reason] = (into.rejectedByReason[reason] ?? 0) + n;
  }
}
