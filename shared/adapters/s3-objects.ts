import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectSink, ObjectSource } from '../ports/object-sink';

export interface S3ObjectsOptions {
  readonly client: S3Client;
  readonly bucket: string;
}

/** Objects of one bucket: rosters read as streams; quarantine files and work lists written. */
export function createS3Objects({ client, bucket }: S3ObjectsOptions): ObjectSink & ObjectSource {
  return {
    async putObject(key, body, contentType) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
    },
    async *openObject(key) {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (out.Body === undefined) return;
      yield* out.Body as AsyncIterable<Uint8Array>;
    },
  };
}
