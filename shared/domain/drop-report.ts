import type { CountCheck } from './count-file';
import type { EoirTableName } from './eoir-table';
import type { FileRejectionReason, RowRejectionReason, TableRejectionReason, ValueNoteReason } from './rejections';

/** Row accounting of one table of a drop: read = accepted + rejected, always. */
export interface TableCounts {
  read: number;
  accepted: number;
  rejected: number;
  rejectedByReason: Partial<Record<RowRejectionReason, number>>;
  /** Accepted rows that had one stray TAB and were repaired (eoir-table.ts repairShiftedRow). */
  repaired?: number;
  /**
   * Accepted lines of UC cases whose key (IDNCASE, IDNPROCEEDING, IDNSCHEDULE,
   * idnJuvenileHistory) repeats an earlier line of the same drop: a key's lines minus one.
   */
  duplicates?: number;
  /** Keys whose copies in this drop hold different deciding values (listed in the report's `conflicts`). */
  conflicts?: number;
  /** Accepted rows holding a value the ingest does not act on, by reason (not rejections). */
  valueNotes?: Partial<Record<ValueNoteReason, number>>;
  /** Byte-range chunks the table was read in (1 = read whole). */
  chunks?: number;
  /** Set when the whole table could not be read (its rows are then not counted). */
  tableRejection?: { reason: TableRejectionReason; detail: string };
  /**
   * The table's files when it has more than one (`tbl_schedule.csv` and `tbl_schedule.txt`):
   * each is read, and named here with its own counts, or with why it could not be read.
   */
  files?: { key: string; read: number; accepted: number; rejected: number; tableRejection?: { reason: TableRejectionReason; detail: string } }[];
}

export interface FtaCounts {
  new: number;
  repeated: number;
  rescinded: number;
}

/** What one drop did: stored with the drop and shown in `out/summary.json`. */
export interface DropReport {
  dropId: string;
  /**
   * The release's Lookup/tblLookupBaseCity, read for the courts' street addresses: its rows
   * read, accepted and rejected by reason (or why the file could not be used).
   */
  courtLookup?: { file: string; read: number; accepted: number; rejected: number; rejectedByReason: Record<string, number>; fileRejection?: string };
  /** The drop's as-of (ISO time) and where it came from: evidence is ordered by it. */
  asOf?: { asOf: string; source: 'OPERATOR_METADATA' | 'DROP_NAME' | 'FIRST_ARRIVAL' };
  tables: Partial<Record<EoirTableName, TableCounts>>;
  ucCasesMarked: number;
  /**
   * Files of the drop the ingest did not read, each with its reason (absent when none).
   * Only up to REPORT_LIST_LIMIT of them: a longer list is in S3 (`lists.ignoredFiles`),
   * and `ignoredByReason` counts them all.
   */
  ignoredFiles?: { file: string; reason: FileRejectionReason }[];
  /** Files not read, counted by reason (absent when none). */
  ignoredByReason?: Partial<Record<FileRejectionReason, number>>;
  /**
   * Lists too long for the report item (DynamoDB items hold 400 KB), written as JSON to S3
   * under `reports/drops/<dropId>/<runId>/`: the object key and how many entries it holds.
   */
  lists?: { ignoredFiles?: ReportList; quarantine?: ReportList };
  /**
   * Why the drop is a failure, when it is: nothing in it could be read (NOTHING_READABLE).
   * The ingest publishes DropsFailed and the operator is alarmed; `npm start` exits non-zero.
   */
  failure?: { reason: 'NOTHING_READABLE'; detail: string };
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
  /** Keys repeated with conflicting values (the FTA kept), for review: a count and the first 100 by table and key. */
  conflicts?: { count: number; listed: { table: EoirTableName; key: string; values: string[] }[] };
  /**
   * S3 keys of the quarantine parts written for rejected rows: up to REPORT_LIST_LIMIT of
   * them; all of them in S3 when more (`lists.quarantine`).
   */
  quarantine?: string[];
  /** The zip drop's key, when this folder drop holds the tables the ingest unpacked from that zip. */
  unpackedFrom?: string;
  /** Set when the drop was fanned out to chunk workers over the chunk queue. */
  fanOut?: { runId: string; chunks: number };
  startedAt: string;
  finishedAt: string;
}

/** A list kept in S3: its key and its length. */
export interface ReportList {
  key: string;
  count: number;
}

/**
 * Entries of a list kept in a drop report or a run item; a longer list goes to S3. 200
 * entries of ~200 bytes keep the item far below DynamoDB's 400 KB item limit.
 */
export const REPORT_LIST_LIMIT = 200;

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
  if (part.duplicates) into.duplicates = (into.duplicates ?? 0) + part.duplicates;
  for (const [reason, n] of Object.entries(part.valueNotes ?? {}) as [ValueNoteReason, number][]) {
    into.valueNotes = { ...into.valueNotes, [reason]: (into.valueNotes?.[reason] ?? 0) + n };
  }
  for (const [reason, n] of Object.entries(part.rejectedByReason) as [RowRejectionReason, number][]) {
    into.rejectedByReason[reason] = (into.rejectedByReason[reason] ?? 0) + n;
  }
}
