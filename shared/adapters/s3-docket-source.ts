import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { isDropMarker, tableForFileName, type EoirTableName } from '../domain/eoir-table';
import type { DocketSource, DropListing, DropRef, TableFile } from '../ports/docket-source';
import { openZipDrop } from './zip-drop';

export interface S3DocketSourceOptions {
  readonly client: S3Client;
  readonly bucket: string;
}

const COUNT_FILE = /(^|\/)count\.txt$/i;

/**
 * Drops in S3. A folder drop's `location` is its prefix (`drops/<dropId>/`): table files
 * are recognized by name, case-insensitively, other objects listed as ignored
 * (UNKNOWN_TABLE, never read), and every table can
 * be read by byte range (S3 Range GETs). A zip drop's `location` is the zip's key: it is
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

  return {
    async listDrop(drop: DropRef): Promise<DropListing> {
      if (drop.kind === 'zip') {
        return (await openZipDrop(drop.location, (start, end) => getObject(drop.location, start, end - 1), await objectSize(drop.location))).listing;
      }
      const tables = new Map<EoirTableName, TableFile>();
      const ignored: { file: string; reason: 'UNKNOWN_TABLE' }[] = [];
      let countKey: string | undefined;
      let token: string | undefined;
      do {
        const out = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: drop.location, ContinuationToken: token }),
        );
        for (const obj of out.Contents ?? []) {
          if (obj.Key === undefined) continue;
          if (COUNT_FILE.test(obj.Key)) countKey = obj.Key;
          const table = tableForFileName(obj.Key);
          if (table !== undefined) tables.set(table, { key: obj.Key, size: obj.Size ?? 0, rangeReadable: true });
          else if (!isDropMarker(obj.Key) && !obj.Key.endsWith('/')) ignored.push({ file: obj.Key, reason: 'UNKNOWN_TABLE' });
        }
        token = out.IsTruncated ? out.NextContinuationToken : undefined;
      } while (token !== undefined);
      return { tables, countFile: countKey === undefined ? null : await readAll(countKey), refused: new Map(), ignored };
    },

    async *openTable(drop: DropRef, key: string, fromByte = 0): AsyncIterable<Uint8Array> {
      if (drop.kind === 'zip') {
        const zip = await openZipDrop(drop.location, (start, end) => getObject(drop.location, start, end - 1), await objectSize(drop.location));
        yield* zip.openEntry(key, fromByte);
        return;
      }
      yield* getObject(key, fromByte);
    },
  };

  async function objectSize(key: string): Promise<number> {
    const out = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key, MaxKeys: 1 }));
    const obj = out.Contents?.find((o) => o.Key === key);
    if (obj?.Size === undefined) throw new Error(`drop object not found: ${key}`);
    return obj.Size;
  }
}

/**
 * The drop an S3 key belongs to: `drops/<dropId>/<file>` -> a folder drop;
 * `drops/<dropId>.zip` -> a zip drop.
 */
export function dropFromObjectKey(key: string, dropPrefix: string): DropRef | undefined {
  if (!key.startsWith(dropPrefix)) return undefined;
  const rest = key.slice(dropPrefix.length);
  const slash = rest.indexOf('/');
  if (slash === -1 && /\.zip$/i.test(rest) && rest.length > 4) {
    return { dropId: rest.slice(0, -4), location: key, kind: 'zip' };
  }
  if (slash <= 0) return undefined;
  const dropId = rest.slice(0, slash);
  return { dropId, location: `${dropPrefix}${dropId}/`, kind: 'folder' };
}
