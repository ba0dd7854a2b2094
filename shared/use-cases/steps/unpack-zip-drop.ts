import { UNPACKED_ZIP_MANIFEST, type UnpackedZipManifest } from '../../messages/unpacked-zip';
import type { Clock } from '../../ports/clock';
import type { DocketSource, DropListing, DropRef } from '../../ports/docket-source';
import type { DropStaging } from '../../ports/drop-staging';
import type { Log } from '../../ports/log';
import { DocketWatchError } from '../../domain/errors';

export interface UnpackDeps {
  readonly source: DocketSource;
  readonly staging: DropStaging;
  /** Where unpacked drops go: `<prefix><dropId>/` (DROP_BUCKET.unpackedPrefix). */
  readonly prefix: string;
  readonly clock: Clock;
  readonly log: Log;
}

export interface ZipUnpacked {
  readonly kind: 'unpacked';
  readonly dropId: string;
  /** The folder drop the tables went to (`unpacked/<dropId>/`). */
  readonly folder: string;
  /** The completion marker written last (its S3 event starts the folder's ingest). */
  readonly marker: string;
  readonly tables: number;
  readonly bytes: number;
  /** True when this trigger had unpacked the zip already (a duplicate or retried event): nothing was written. */
  readonly duplicate: boolean;
}

/** User metadata on the marker: the zip event that wrote it. */
export const UNPACKED_BY_META = 'docket-watch-unpacked-by';

/**
 * Whether a zip drop is unpacked into a folder drop before it is read: when one of its
 * tables is larger than one invocation reads whole (`fanOutBytes`, the same threshold that
 * fans a folder drop out). A deflated zip entry cannot be entered in the middle, so its
 * bytes cannot be split among chunk workers; an S3 object can (ranged GETs).
 */
export function mustUnpack(listing: DropListing, fanOutBytes: number): boolean {
  return [...listing.tables.values()].flat().some((t) => !t.rangeReadable && t.size > fanOutBytes);
}

/**
 * Unpacks a big zip drop into a folder drop of the same id (`unpacked/<dropId>/`; DOJ's
 * `drops/` is never written), so that the folder's ingest
 * fans it out over the chunk workers like any big folder drop.
 *
 * 1. A marker written by this very trigger (a duplicate S3 event, or a retry after the
 *    marker landed) means the work is done: nothing is written again, so the folder's
 *    ingest is not started twice.
 * 2. Each table file the ingest reads is streamed from its zip entry to
 *    `unpacked/<dropId>/<table>.csv` (a table's second file to `file-2/<table>.csv`) (multipart; all tables at once, at most four). The
 *    zip's other entries (lookup tables, anything else) are not copied.
 * 3. The manifest (UnpackedZipManifest) names the zip and carries what the zip held
 *    besides the tables (refused and ignored entries), for the folder's report.
 * 4. Last, the completion marker: the zip's Count.txt, or READY when it has none. Its S3
 *    event starts the folder's ingest; before it lands the folder is never read.
 *
 * A crash anywhere leaves no marker of this trigger: the retry unpacks again (each write
 * replaces the object) and only then writes the marker.
 */
export async function unpackZipDrop(drop: DropRef, listing: DropListing, trigger: string, deps: UnpackDeps): Promise<ZipUnpacked> {
  const folder = `${deps.prefix}${drop.dropId}/`;
  const marker = `${folder}${listing.countFile === null ? 'READY' : 'Count.txt'}`;
  const done = await deps.staging.metadata(marker);
  if (done?.[UNPACKED_BY_META] === trigger) {
    deps.log.info('zip drop unpacked already by this event; nothing written', { dropId: drop.dropId, marker });
    return { kind: 'unpacked', dropId: drop.dropId, folder, marker, tables: listing.tables.size, bytes: 0, duplicate: true };
  }
  deps.log.info('unpacking zip drop into a folder drop', { dropId: drop.dropId, folder, tables: [...listing.tables.keys()] });
  // One table failing stops the others (their uploads are aborted): the invocation fails
  // at once, rather than after the biggest table, and Lambda's retry starts over.
  const failed = new AbortController();
  const settled = await Promise.allSettled(
    [...listing.tables].flatMap(([table, files]) => files.map((file, i) => ({ table, file, i }))).map(async ({ table, file, i }) => {
      try {
        // A table's second file (tbl_schedule.txt beside tbl_schedule.csv) goes one folder
        // down, where the folder's listing still knows it by its base name.
        const key = i === 0 ? `${folder}${table}.csv` : `${folder}file-${i + 1}/${table}.csv`;
        const bytes = await deps.staging.writeStream(key, deps.source.openTable(drop, file.key), 'text/tab-separated-values', failed.signal);
        if (bytes !== file.size) throw new DocketWatchError('ZIP_ENTRY_SIZE_MISMATCH', `zip entry of ${table} gave ${bytes} bytes; its directory says ${file.size}`);
        return { table, entry: file.key, key, bytes };
      } catch (err) {
        failed.abort(err);
        throw err;
      }
    }),
  );
  // The first failure is the cause; the others are the aborts it caused.
  if (failed.signal.aborted) throw failed.signal.reason;
  const tables = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const manifest: UnpackedZipManifest = {
    type: 'UNPACKED_ZIP',
    version: 1,
    dropId: drop.dropId,
    zipKey: drop.location,
    trigger,
    countFile: listing.countFile !== null,
    unpackedAt: deps.clock.now().toISOString(),
    tables,
    refused: [...listing.refused].map(([table, detail]) => ({ table, detail })),
    ignored: (listing.ignored ?? []).map((f) => ({ file: f.file, reason: f.reason })),
  };
  await deps.staging.write(`${folder}${UNPACKED_ZIP_MANIFEST}`, Buffer.from(JSON.stringify(manifest, null, 2)), 'application/json');
  await deps.staging.write(marker, listing.countFile ?? Buffer.alloc(0), 'text/plain', { [UNPACKED_BY_META]: trigger });
  const bytes = tables.reduce((n, t) => n + t.bytes, 0);
  deps.log.info('zip drop unpacked', { dropId: drop.dropId, folder, marker, tables: tables.length, bytes });
  return { kind: 'unpacked', dropId: drop.dropId, folder, marker, tables: tables.length, bytes, duplicate: false };
}
