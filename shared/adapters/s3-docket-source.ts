import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { tableForFileName, type EoirTableName } from '../domain/eoir-table';
import type { DocketSource, DropRef } from '../ports/docket-source';

export interface S3DocketSourceOptions {
  readonly client: S3Client;
  readonly bucket: string;
}

/**
 * Drops in S3: `location` is the drop's prefix (`drops/<dropId>/`). Table files are
 * recognized by name, case-insensitively; other objects are ignored.
 */
export function createS3DocketSource({ client, bucket }: S3DocketSourceOptions): DocketSource {
  return {
    async listTables(drop: DropRef): Promise<ReadonlyMap<EoirTableName, string>> {
      const tables = new Map<EoirTableName, string>();
      let token: string | undefined;
      do {
        const out = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: drop.location, ContinuationToken: token }),
        );
        for (const obj of out.Contents ?? []) {
          const table = obj.Key === undefined ? undefined : tableForFileName(obj.Key);
          if (table !== undefined && obj.Key !== undefined) tables.set(table, obj.Key);
        }
        token = out.IsTruncated ? out.NextContinuationToken : undefined;
      } while (token !== undefined);
      return tables;
    },

    async listFiles(drop: DropRef): Promise<readonly string[]> {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const out = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: drop.location, ContinuationToken: token }),
        );
        for (const obj of out.Contents ?? []) if (obj.Key !== undefined) keys.push(obj.Key);
        token = out.IsTruncated ? out.NextContinuationToken : undefined;
      } while (token !== undefined);
      return keys;
    },

    async *openTable(_drop: DropRef, objectKey: string): AsyncIterable<Uint8Array> {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: objectKey }));
      if (out.Body === undefined) return;
      // In Node.js the body is a Readable stream: chunks arrive as the object downloads.
      yield* out.Body as AsyncIterable<Uint8Array>;
    },
  };
}

/** The drop an S3 key belongs to: `drops/<dropId>/<file>` -> dropId and its prefix. */
export function dropFromObjectKey(key: string, dropPrefix: string): DropRef | undefined {
  if (!key.startsWith(dropPrefix)) return undefined;
  const rest = key.slice(dropPrefix.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return undefined;
  const dropId = rest.slice(0, slash);
  return { dropId, location: `${dropPrefix}${dropId}/` };
}
