import type { DropChunk } from '../../../domain/drop-plan';
import { emptyTableCounts, countAccepted, countRejected, type TableCounts } from '../../../domain/drop-report';
import { mapColumns, readTableHeader } from '../../../domain/eoir-table-header';
import { scanTableRange, type ScannedRows } from '../../../domain/eoir-table-rows';
import { fetchStartFor, type ByteRange, type TableSpec } from '../../../domain/eoir-table';
import type { RowRejectionReason } from '../../../domain/rejections';
import type { DocketSource, DropRef } from '../../../ports/docket-source';
import type { Quarantine, QuarantinedRow } from '../../../ports/quarantine';
import { DocketWatchError } from '../../../domain/errors';

export interface ChunkOptions {
  /** Tables larger than this are read in byte ranges of about this size. */
  readonly chunkBytes: number;
  /** Byte ranges read at the same time (a drop read inside one invocation). */
  readonly parallelChunks: number;
}

export const DEFAULT_CHUNKS: ChunkOptions = { chunkBytes: 256 * 1024 * 1024, parallelChunks: 4 };

/** Rejected rows kept in memory before a quarantine part is written. */
const QUARANTINE_PART_ROWS = 5_000;

/**
 * Accepted rows handed to `onBatch` at a time (the last batch of a range may be smaller).
 * The parser yields one batch per stream chunk (16-64 KiB, about 100-400 rows); each batch
 * costs the store a lookup round, a write round and a publish, whatever its size, so rows
 * are gathered up to this many first: a case's rows meet in one lookup more often, and
 * every batch call carries up to its AWS limit. Memory: this many parsed rows.
 */
export const ROWS_PER_BATCH = 5_000;
/**
 * The first batch of a chunk of a table whose rows show FTAs (FTA_TABLES) is this many
 * rows, each next one twice the last, up to ROWS_PER_BATCH: the first FTAs of a table are
 * recorded and queued after a few hundred rows' round trips, not after 5,000 rows'.
 */
export const FIRST_BATCH_ROWS = 500;
/**
 * The tables whose batches record and queue FTAs. The others (tbl_JuvenileHistory,
 * A_TblCase: UC marks and the identity of UC cases) queue nothing, and every FTA waits for
 * their stages to end, so their chunks are handed over in full batches from the first:
 * small first batches would only add rounds of the store's calls, one after the other.
 */
const FTA_TABLES: ReadonlySet<string> = new Set(['B_TblProceeding', 'tbl_schedule']);

/**
 * Streams one chunk of a table (a byte range, or the whole file) and accounts for every
 * row in it: each row read is accepted or rejected with a reason; rejected rows go to the
 * quarantine (parts named after the range's start, so a retried chunk overwrites its own
 * parts). A row belongs to the range holding its first byte, so the chunks of a table count
 * each row exactly once. Accepted rows reach `onBatch` in batches; it returns a rejection
 * reason per row it refuses after all (by index), which is counted and quarantined too.
 * A batch is the row scan's (ScannedRows): a rule builds only the rows it needs. Batches
 * of a table that shows FTAs start at FIRST_BATCH_ROWS and double; the others are
 * ROWS_PER_BATCH from the first.
 * The header is read from the file's start by every chunk (one short ranged read).
 */
export async function readTableChunk<T>(
  input: {
    drop: DropRef;
    chunk: DropChunk;
    spec: TableSpec<T>;
    source: DocketSource;
    quarantine: Quarantine;
  },
  onBatch: (rows: ScannedRows<T>) => Promise<ReadonlyMap<number, RowRejectionReason>>,
): Promise<{ counts: TableCounts; quarantineKeys: string[] }> {
  const { drop, chunk, spec, source, quarantine } = input;
  const head = await readTableHeader(source.openTable(drop, chunk.key), spec.table);
  const mapped = head.ok ? mapColumns(head.header, spec) : head;
  // The plan checked this header: a failure now means the object changed under the run.
  if (!head.ok || !mapped.ok) throw new DocketWatchError('TABLE_HEADER_UNUSABLE', `${spec.table}: header unusable while reading a planned chunk (${mapped.ok ? '' : mapped.reason})`);
  const range: ByteRange = chunk.end === null ? { start: 0, end: Number.POSITIVE_INFINITY } : { start: chunk.start, end: chunk.end };
  const part = emptyTableCounts();
  let held: QuarantinedRow[] = [];
  let partNo = 0;
  const keys: string[] = [];
  const flush = async (): Promise<void> => {
    if (held.length === 0) return;
    partNo += 1;
    // A table's second file (`.txt` beside `.csv`) gets parts of its own.
    keys.push(await quarantine.write(drop.dropId, spec.table, `${chunk.file ? `F${chunk.file}-` : ''}${String(range.start).padStart(15, '0')}-${partNo}`, held));
    held = [];
  };
  /** Accepted rows gathered from the chunks scanned so far, not yet handed over. */
  let pending: ScannedRows<T> | null = null;
  let batchRows = FTA_TABLES.has(spec.table) ? FIRST_BATCH_ROWS : ROWS_PER_BATCH;
  const handOver = async (): Promise<void> => {
    const batch = pending;
    pending = null;
    if (batch === null || batch.length === 0) return;
    const refused = await onBatch(batch);
    for (let i = 0; i < batch.length; i++) {
      const reason = refused.get(i);
      if (reason === undefined) countAccepted(part);
      else {
        countRejected(part, reason);
        // The row was parsed before it was refused: keep its parsed fields (the raw bytes are gone).
        const row = batch.row(i);
        held.push({ lineNumber: row.lineNumber, byteOffset: row.byteOffset, reason, raw: Buffer.from(JSON.stringify(row.value)) });
      }
    }
  };
  const bytes = source.openTable(drop, chunk.key, fetchStartFor(range));
  for await (const batch of scanTableRange(bytes, head.header, mapped.indexes, spec, range)) {
    for (const row of batch.rejected) {
      countRejected(part, row.result.reason);
      held.push({ lineNumber: row.lineNumber, byteOffset: row.byteOffset, reason: row.result.reason, raw: row.raw });
    }
    if (batch.repairedCount > 0) part.repaired = (part.repaired ?? 0) + batch.repairedCount;
    if (batch.length > 0) {
      if (pending === null) pending = batch;
      else pending.absorb(batch);
    }
    if (pending !== null && pending.length >= batchRows) {
      await handOver();
      batchRows = Math.min(ROWS_PER_BATCH, batchRows * 2);
    }
    if (held.length >= QUARANTINE_PART_ROWS) await flush();
  }
  await handOver();
  await flush();
  return { counts: part, quarantineKeys: keys };
}
