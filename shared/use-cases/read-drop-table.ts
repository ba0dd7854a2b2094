import { emptyTableCounts, countAccepted, countRejected, mergeTableCounts, type TableCounts } from '../domain/drop-report';
import {
  mapColumns,
  parseTableRange,
  planByteRanges,
  fetchStartFor,
  readTableHeader,
  type ByteRange,
  type TableSpec,
} from '../domain/eoir-table';
import type { RowRejectionReason } from '../domain/rejections';
import type { DocketSource, DropRef, TableFile } from '../ports/docket-source';
import type { Quarantine, QuarantinedRow } from '../ports/quarantine';
import { mapWithLimit } from '../runtime/concurrency';

export interface AcceptedRow<T> {
  readonly value: T;
  readonly lineNumber: number;
  readonly byteOffset: number;
}

export interface ChunkOptions {
  /** Tables larger than this are read in byte ranges of about this size. */
  readonly chunkBytes: number;
  /** Byte ranges read at the same time. */
  readonly parallelChunks: number;
}

export const DEFAULT_CHUNKS: ChunkOptions = { chunkBytes: 256 * 1024 * 1024, parallelChunks: 4 };

/** Rejected rows kept in memory before a quarantine part is written. */
const QUARANTINE_PART_ROWS = 5_000;

/**
 * Streams one table of a drop and accounts for every row: each row read is accepted or
 * rejected with a reason; rejected rows go to the quarantine. A table larger than
 * `chunkBytes` whose bytes can be read by range is split into byte ranges read in
 * parallel; a row belongs to the range holding its first byte, so each row is counted
 * exactly once. Accepted rows reach `onBatch` in batches; it returns a rejection reason
 * per row it refuses after all (by index), which is counted and quarantined too.
 */
export async function readDropTable<T>(
  input: {
    drop: DropRef;
    file: TableFile;
    spec: TableSpec<T>;
    source: DocketSource;
    quarantine: Quarantine;
    chunks: ChunkOptions;
  },
  onBatch: (rows: readonly AcceptedRow<T>[]) => Promise<ReadonlyMap<number, RowRejectionReason>>,
): Promise<{ counts: TableCounts; quarantineKeys: string[] }> {
  const { drop, file, spec, source, quarantine, chunks } = input;
  const counts = emptyTableCounts();
  const quarantineKeys: string[] = [];
  const head = await readTableHeader(source.openTable(drop, file.key), spec.table);
  if (!head.ok) {
    counts.tableRejection = { reason: head.reason, detail: head.detail };
    return { counts, quarantineKeys };
  }
  const mapped = mapColumns(head.header, spec);
  if (!mapped.ok) {
    counts.tableRejection = { reason: mapped.reason, detail: mapped.detail };
    return { counts, quarantineKeys };
  }
  const ranges: ByteRange[] =
    file.rangeReadable && file.size > chunks.chunkBytes
      ? planByteRanges(file.size, chunks.chunkBytes)
      : [{ start: 0, end: Number.POSITIVE_INFINITY }];
  if (ranges.length > 1) counts.chunks = ranges.length;

  const parts = await mapWithLimit(ranges, chunks.parallelChunks, async (range) => {
    const part = emptyTableCounts();
    let held: QuarantinedRow[] = [];
    let partNo = 0;
    const keys: string[] = [];
    const flush = async (): Promise<void> => {
      if (held.length === 0) return;
      partNo += 1;
      keys.push(await quarantine.write(drop.dropId, spec.table, `${String(range.start).padStart(15, '0')}-${partNo}`, held));
      held = [];
    };
    const bytes = source.openTable(drop, file.key, fetchStartFor(range));
    for await (const batch of parseTableRange(bytes, head.header, mapped.indexes, spec, range)) {
      const accepted: AcceptedRow<T>[] = [];
      for (const row of batch) {
        if (row.result.ok) {
          accepted.push({ value: row.result.value, lineNumber: row.lineNumber, byteOffset: row.byteOffset });
          if (row.repaired) part.repaired = (part.repaired ?? 0) + 1;
        } else {
          countRejected(part, row.result.reason);
          held.push({ lineNumber: row.lineNumber, byteOffset: row.byteOffset, reason: row.result.reason, raw: row.raw ?? Buffer.alloc(0) });
        }
      }
      const refused = accepted.length > 0 ? await onBatch(accepted) : new Map<number, RowRejectionReason>();
      accepted.forEach((row, i) => {
        const reason = refused.get(i);
        if (reason === undefined) countAccepted(part);
        else {
          countRejected(part, reason);
          // The row was parsed before it was refused: keep its parsed fields (the raw bytes are gone).
          held.push({ lineNumber: row.lineNumber, byteOffset: row.byteOffset, reason, raw: Buffer.from(JSON.stringify(row.value)) });
        }
      });
      if (held.length >= QUARANTINE_PART_ROWS) await flush();
    }
    await flush();
    return { part, keys };
  });
  for (const { part, keys } of parts) {
    mergeTableCounts(counts, part);
    quarantineKeys.push(...keys);
  }
  return { counts, quarantineKeys };
}
