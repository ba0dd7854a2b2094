import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { isDropMarker, tableForFileName, unreadFileReason, type EoirTableName } from '../domain/eoir-table';
import type { FileRejectionReason } from '../domain/rejections';
import { UNPACKED_ZIP_MANIFEST, UnpackedZipManifest } from '../messages/unpacked-zip';
import type { DocketSource, DropListing, DropRef, TableFile } from '../ports/docket-source';
import { openZipDrop, type ZipDrop } from './zip-drop';
import { DocketWatchError } from '../domain/errors';

export interface S3DocketSourceOptions {
  readonly client: S3Client;
  readonly bucket: string;
}

const COUNT_FILE = /(^|\/)count\.txt$/i;

/**
 * Drops in S3. A folder drop's `location` is its prefix (`drops/<dropId>/`): table files
 * are recognized by name, case-insensitively, other objects listed as ignored (EOIR
 * lookup and other tables, or UNKNOWN_TABLE; never read), and every table can
 * be read by byte range (S3 Range GETs). A folder the ingest unpacked a big zip into
 * (unpack-zip-drop.ts) is listed through its manifest: the zip's tables only, and the
 * zip's refused and ignored entries. A zip drop's `location` is the zip's key: it is
 * read in place with ranged GETs (no download, no temp disk), see zip-drop.ts.
 */
export function createS3DocketSource({ client, bucket }: S3DocketSourceOptions): DocketSource {
  async function* getObject(key: string, fromByte = 0, toByte?: number): AsyncIterable<Uint8Array> {
    const range = fromByte > 0 || toByte !== undefined ? `bytes=${fromByte}-${toByte ?? ''}` : undefined;
    const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: range }));
    if (out.Body === undefined) return;
    // In Node.js the body is a Readable stream: chunks arrive as the object downloads.
    yield* out.Body as AsyncIterable<Uint8Array>;
  }
  async function readAll(key: string): Promise<Buffer> {
    const parts: Uint8Array[] = [];
    for await (const c of getObject(key)) parts.push(c);
    return Buffer.concat(parts);
  }

  // The zip last opened (see openZip).
  let opened: { key: string; etag: string; zip: Promise<ZipDrop> } | undefined;

  return {
    async listDrop(drop: DropRef): Promise<DropListing> {
      if (drop.kind === 'zip') return withOperatorAsOf((await openZip(drop.location)).listing, await operatorAsOf(drop.location));
      const tables = new Map<EoirTableName, TableFile[]>();
      const ignored: { file: string; reason: FileRejectionReason }[] = [];
      const manifestKey = `${drop.location}${UNPACKED_ZIP_MANIFEST}`;
      let hasManifest = false;
      let countKey: string | undefined;
      let readyKey: string | undefined;
      let token: string | undefined;
      do {
        const out = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: drop.location, ContinuationToken: token }),
        );
        for (const obj of out.Contents ?? []) {
          if (obj.Key === undefined) continue;
          if (obj.Key === manifestKey) {
            hasManifest = true;
            continue;
          }
          if (COUNT_FILE.test(obj.Key)) countKey = obj.Key;
          else if (isDropMarker(obj.Key)) readyKey = obj.Key;
          const table = tableForFileName(obj.Key);
          if (table !== undefined) addTableFile(tables, table, { key: obj.Key, size: obj.Size ?? 0, rangeReadable: true });
          else if (!isDropMarker(obj.Key) && !obj.Key.endsWith('/')) ignored.push({ file: obj.Key, reason: unreadFileReason(obj.Key.slice(drop.location.length)) });
        }
        token = out.IsTruncated ? out.NextContinuationToken : undefined;
      } while (token !== undefined);
      const countFile = countKey === undefined ? null : await readAll(countKey);
      const markerKey = countKey ?? readyKey;
      const asOf = markerKey === undefined ? undefined : await operatorAsOf(markerKey);
      if (!hasManifest) return withOperatorAsOf({ tables, countFile, refused: new Map(), ignored }, asOf);
      return withOperatorAsOf(unpackedListing(parseManifest(manifestKey, await readAll(manifestKey)), tables, countKey === undefined ? null : { key: countKey, body: countFile }, ignored), asOf);
    },

    async *openTable(drop: DropRef, key: string, fromByte = 0): AsyncIterable<Uint8Array> {
      if (drop.kind === 'zip') {
        yield* (await openZip(drop.location)).openEntry(key, fromByte);
        return;
      }
      yield* getObject(key, fromByte);
    },
  };

  /** The operator's `as-of` user metadata (x-amz-meta-as-of) of an object, when set. */
  async function operatorAsOf(key: string): Promise<string | undefined> {
    const out = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    const value = out.Metadata?.['as-of'];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  /**
   * The zip, its central directory read once and kept: every table and chunk read after
   * the listing (in this invocation, or a warm one) reuses it. Kept by key and ETag, so a
   * zip uploaded again under the same key is opened afresh; only the last zip is kept.
   */
  async function openZip(key: string): Promise<ZipDrop> {
    const out = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key, MaxKeys: 1 }));
    const obj = out.Contents?.find((o) => o.Key === key);
    if (obj?.Size === undefined) throw new DocketWatchError('DROP_OBJECT_NOT_FOUND', `drop object not found: ${key}`);
    const etag = `${obj.ETag ?? ''}#${obj.Size}`;
    if (opened?.key !== key || opened.etag !== etag) {
      const zip = openZipDrop(key, (start, end) => getObject(key, start, end - 1), obj.Size);
      opened = { key, etag, zip };
      // A failed open is not kept: the next call (a retry) opens the zip again.
      zip.catch(() => {
        if (opened?.zip === zip) opened = undefined;
      });
    }
    return opened.zip;
  }
}

function withOperatorAsOf(listing: DropListing, asOf: string | undefined): DropListing {
  return asOf === undefined ? listing : { ...listing, operatorAsOf: asOf };
}

function parseManifest(key: string, body: Buffer): UnpackedZipManifest {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new DocketWatchError('UNPACKED_MANIFEST_INVALID', `${key} is not a manifest of an unpacked zip drop: not JSON`);
  }
  const parsed = UnpackedZipManifest.safeParse(json);
  if (!parsed.success) throw new DocketWatchError('UNPACKED_MANIFEST_INVALID', `${key} is not a manifest of an unpacked zip drop: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

/**
 * The listing of a folder unpacked from a zip: the tables the manifest names (a table
 * file it does not name was left by an earlier zip of the same id: NOT_IN_ZIP, not
 * read; so is a Count.txt when the zip had none), the zip's refused entries, and the
 * zip's ignored entries before the folder's own.
 */
function unpackedListing(
  manifest: UnpackedZipManifest,
  found: ReadonlyMap<EoirTableName, readonly TableFile[]>,
  count: { key: string; body: Buffer | null } | null,
  folderIgnored: readonly { file: string; reason: FileRejectionReason }[],
): DropListing {
  const named = new Set(manifest.tables.map((t) => t.key));
  const tables = new Map<EoirTableName, TableFile[]>();
  const stale: { file: string; reason: FileRejectionReason }[] = [];
  for (const [table, files] of found) {
    for (const file of files) {
      if (named.has(file.key)) addTableFile(tables, table, file);
      else stale.push({ file: file.key, reason: 'NOT_IN_ZIP' });
    }
  }
  if (count !== null && !manifest.countFile) stale.push({ file: count.key, reason: 'NOT_IN_ZIP' });
  return {
    tables,
    countFile: manifest.countFile ? (count?.body ?? null) : null,
    refused: new Map(manifest.refused.map((r) => [r.table, r.detail])),
    ignored: [...manifest.ignored, ...stale, ...folderIgnored],
    unpackedFrom: manifest.zipKey,
  };
}

/** Adds a file to its table's list, kept in key order (a stable order of reading and reporting). */
export function addTableFile(tables: Map<EoirTableName, TableFile[]>, table: EoirTableName, file: TableFile): void {
  const files = tables.get(table) ?? [];
  files.push(file);
  files.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  tables.set(table, files);
}

/**
 * The drop an S3 key belongs to: `<drops>/<dropId>/<file>` -> a folder drop;
 * `<drops>/<dropId>.zip` -> a zip drop; `<unpacked>/<dropId>/<file>` -> the folder a big
 * zip drop was unpacked into (a folder drop of the same id).
 */
export function dropFromObjectKey(key: string, prefixes: { readonly drops: string; readonly unpacked: string }): DropRef | undefined {
  if (key.startsWith(prefixes.unpacked)) return folderDrop(key, prefixes.unpacked);
  if (!key.startsWith(prefixes.drops)) return undefined;
  const rest = key.slice(prefixes.drops.length);
  if (!rest.includes('/') && /\.zip$/i.test(rest) && rest.length > 4) {
    return { dropId: rest.slice(0, -4), location: key, kind: 'zip' };
  }
  return folderDrop(key, prefixes.drops);
}

/**
 * The drop whose ingest an S3 object starts, or undefined when the object starts none: a
 * completion marker (`Count.txt` or `READY`, any letter case) at a drop folder's top or
 * one folder down (a release copied as a folder keeps `EOIR Case Data/Count.txt`), or a
 * zip drop (`drops/<dropId>.zip`, any case). Table files, lookups and anything else
 * land too (the notification cannot filter by case) and start nothing.
 */
export function dropTriggeredBy(key: string, prefixes: { readonly drops: string; readonly unpacked: string }): DropRef | undefined {
  const drop = dropFromObjectKey(key, prefixes);
  if (drop === undefined) return undefined;
  if (drop.kind === 'zip') return drop;
  const inFolder = key.slice(drop.location.length).split('/');
  return inFolder.length <= 2 && isDropMarker(key) ? drop : undefined;
}

function folderDrop(key: string, prefix: string): DropRef | undefined {
  const rest = key.slice(prefix.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return undefined;
  const dropId = rest.slice(0, slash);
  return { dropId, location: `${prefix}${dropId}/`, kind: 'folder' };
}
