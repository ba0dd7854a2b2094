import type { TableRejectionReason } from './rejections';
import type { Delimiter } from './eoir-format';
import type { ParsedRow, TableSpec } from './eoir-table';
import { mapColumns, readTableHeader } from './eoir-table-header';
import { parseTableRange } from './eoir-table-rows';

export type OpenedTable<T> =
  | { readonly ok: true; readonly delimiter: Delimiter; readonly rows: AsyncIterable<ParsedRow<T>> }
  | { readonly ok: false; readonly reason: TableRejectionReason; readonly detail: string };

/**
 * Reads a whole table from one stream: the header, then every data row parsed or rejected
 * with a reason. A header without a needed column rejects the whole table.
 */
export async function openEoirTable<T>(chunks: AsyncIterable<Uint8Array>, spec: TableSpec<T>): Promise<OpenedTable<T>> {
  // Buffer the stream's chunks so the header read does not lose any bytes.
  const iterator = chunks[Symbol.asyncIterator]();
  const seen: Uint8Array[] = [];
  async function* headerChunks(): AsyncGenerator<Uint8Array> {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      seen.push(next.value);
      yield next.value;
    }
  }
  const head = await readTableHeader(headerChunks(), spec.table);
  if (!head.ok) return head;
  const mapped = mapColumns(head.header, spec);
  if (!mapped.ok) return mapped;
  async function* replay(): AsyncGenerator<Uint8Array> {
    yield* seen;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  const batches = parseTableRange(replay(), head.header, mapped.indexes, spec);
  async function* rows(): AsyncGenerator<ParsedRow<T>> {
    for await (const batch of batches) yield* batch;
  }
  return { ok: true, delimiter: head.header.delimiter, rows: rows() };
}
