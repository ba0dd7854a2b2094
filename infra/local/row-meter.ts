import { Transform, pipeline, type Readable } from 'node:stream';
import type { DeserializeMiddleware, MiddlewareStack } from '@smithy/types';
import { tableForFileName } from '../../shared/domain/eoir-table';
import { onAwsClientCreated, type AnyAwsClient } from '../../shared/runtime/aws-clients';
import { DROP_BUCKET } from '../../shared/runtime/resources';

/**
 * Rows of each EOIR table as the functions stream them from S3, for the local progress
 * line while a long ingest runs (its report comes only at the end). A meter on the
 * functions' S3 clients counts the line ends in every GetObject body of a drop's table
 * (`drops/<dropId>/.../<table>.csv|.txt`, `unpacked/<dropId>/...`): an estimate (a header
 * or a range boundary may be counted twice, a zip's entries are not seen), replaced by the
 * drop report's exact count as soon as that drop's report is in. Local stack only.
 */
export interface RowMeter {
  /** Line ends read so far, by drop id, then table. */
  readonly linesByDrop: ReadonlyMap<string, Map<string, number>>;
  uninstall(): void;
}

/**
 * Line ends per drop, table, and object byte range start: the ingest reads a table more
 * than once (its header, then a pass per stage), so each range counts as its longest read.
 */
type Reads = Map<string, Map<string, Map<string, number>>>;

/** Installs the meter on every function client created from now on (before the handler modules load). */
export function installRowMeter(): RowMeter {
  const reads: Reads = new Map();
  const uninstall = onAwsClientCreated((client) => meter(client, reads));
  return {
    get linesByDrop() {
      const out = new Map<string, Map<string, number>>();
      for (const [dropId, tables] of reads) {
        const sums = new Map<string, number>();
        for (const [table, ranges] of tables) sums.set(table, [...ranges.values()].reduce((a, b) => a + b, 0));
        out.set(dropId, sums);
      }
      return out;
    },
    uninstall,
  };
}

/** The drop and table of an object key, when it is a drop's table file. */
export function dropTableOf(key: string): { dropId: string; table: string } | undefined {
  const prefix = [DROP_BUCKET.dropPrefix, DROP_BUCKET.unpackedPrefix].find((p) => key.startsWith(p));
  if (prefix === undefined) return undefined;
  const [dropId, ...rest] = key.slice(prefix.length).split('/');
  const table = tableForFileName(key);
  return dropId && rest.length > 0 && table !== undefined ? { dropId, table } : undefined;
}

/**
 * The rows per table to show: each drop's report count once it is in, else the meter's
 * live count for that drop; summed over drops.
 */
export function rowsByTable(meter: RowMeter | undefined, reports: readonly { dropId: string; tables: Record<string, { read: number }> }[]): Record<string, number> {
  const rows: Record<string, number> = {};
  const reported = new Set<string>();
  for (const r of reports) {
    reported.add(r.dropId);
    for (const [table, c] of Object.entries(r.tables)) rows[table] = (rows[table] ?? 0) + c.read;
  }
  for (const [dropId, tables] of meter?.linesByDrop ?? []) {
    if (reported.has(dropId)) continue;
    for (const [table, n] of tables) rows[table] = (rows[table] ?? 0) + n;
  }
  return rows;
}

function meter(client: AnyAwsClient, reads: Reads): void {
  const service = String((client.config as { serviceId?: string }).serviceId ?? '').toLowerCase();
  if (service !== 's3') return;
  const middleware: DeserializeMiddleware<object, object> = (next, context) => async (args) => {
    const out = await next(args);
    if (context.commandName !== 'GetObjectCommand') return out;
    const request = args.request as { path?: string; headers?: Record<string, string> };
    const [, ...keyParts] = (request.path ?? '').replace(/^\//, '').split('/');
    const target = dropTableOf(decodeURIComponent(keyParts.join('/')));
    const response = out.response as { body?: unknown };
    const body = response.body as Readable | undefined;
    if (target === undefined || body === undefined || typeof body.pipe !== 'function') return out;
    const tables = reads.get(target.dropId) ?? new Map<string, Map<string, number>>();
    reads.set(target.dropId, tables);
    const ranges = tables.get(target.table) ?? new Map<string, number>();
    tables.set(target.table, ranges);
    const start = /bytes=(\d+)-/.exec(request.headers?.range ?? request.headers?.Range ?? '')?.[1] ?? '0';
    const range = `${request.path ?? ''}#${start}`;
    let lines = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1;
        if (lines > (ranges.get(range) ?? 0)) ranges.set(range, lines);
        done(null, chunk);
      },
    });
    // The raw body, before the SDK deserializes it: errors and early ends pass through.
    response.body = pipeline(body, counter, () => undefined);
    return out;
  };
  // Innermost (deserialize step, low priority): sees the raw HTTP response.
  (client.middlewareStack as unknown as MiddlewareStack<object, object>).add(middleware, { step: 'deserialize', name: 'docketWatchRowMeter', priority: 'low' });
}
