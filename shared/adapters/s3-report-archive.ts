import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DROP_REPORT_OBJECT, type ReportArchive } from '../ports/report-archive';

export interface S3ReportArchiveOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** DROP_BUCKET.reportPrefix (`reports/drops/`). */
  readonly prefix: string;
}

/** Drop reports' long lists in S3, one JSON array per list (a 3,000-entry list is ~500 KB). */
export function createS3ReportArchive({ client, bucket, prefix }: S3ReportArchiveOptions): ReportArchive {
  return {
    async writeList(dropId, runId, name, entries) {
      const key = `${prefix}${dropId}/${runId}/${name}.json`;
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(entries), ContentType: 'application/json' }));
      return key;
    },
    async writeReport(dropId, runId, report) {
      const key = `${prefix}${dropId}/${runId}/${DROP_REPORT_OBJECT}`;
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(report), ContentType: 'application/json' }));
      return key;
    },
  };
}
