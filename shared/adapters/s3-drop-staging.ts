import { Readable } from 'node:stream';
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { DropStaging } from '../ports/drop-staging';

/**
 * Parts of a streamed upload. S3 allows 10,000 parts, so 16 MiB parts carry an object of
 * up to 160 GiB (the zip limit is 64 GiB a table); `queueSize` parts of each upload are
 * in flight at once, so one upload holds at most about 3 x 16 MiB.
 */
export const STREAM_UPLOAD = { partSize: 16 * 1024 * 1024, queueSize: 3 } as const;

/**
 * The drop bucket, written by the ingest: streamed objects go up as multipart uploads
 * (@aws-sdk/lib-storage `Upload`, which aborts the upload when it fails, so no partial
 * object is left; the bucket's lifecycle also aborts any upload left incomplete).
 */
export function createS3DropStaging({ client, bucket }: { client: S3Client; bucket: string }): DropStaging {
  return {
    async writeStream(key, body, contentType, signal) {
      let bytes = 0;
      let bodyError: unknown;
      async function* counted(): AsyncIterable<Uint8Array> {
        try {
          for await (const chunk of body) {
            bytes += chunk.length;
            yield chunk;
          }
        } catch (err) {
          bodyError = err;
          throw err;
        }
      }
      const upload = new Upload({
        client,
        params: { Bucket: bucket, Key: key, Body: Readable.from(counted()), ContentType: contentType },
        partSize: STREAM_UPLOAD.partSize,
        queueSize: STREAM_UPLOAD.queueSize,
      });
      const abort = (): void => void upload.abort().catch(() => undefined);
      signal?.addEventListener('abort', abort, { once: true });
      try {
        if (signal?.aborted) throw signal.reason;
        await upload.done();
      } catch (err) {
        // When the body failed (a zip entry's CRC, a dropped connection) or the caller aborted,
        // that is the cause, even if aborting the upload failed too (the lifecycle rule
        // removes what is left).
        throw bodyError ?? (signal?.aborted ? signal.reason : err);
      } finally {
        signal?.removeEventListener('abort', abort);
      }
      return bytes;
    },

    async write(key, body, contentType, metadata) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType, Metadata: metadata === undefined ? undefined : { ...metadata } }));
    },

    async metadata(key) {
      try {
        const out = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return out.Metadata ?? {};
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
  };
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
}
