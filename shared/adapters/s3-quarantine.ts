import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { EoirTableName } from '../domain/eoir-table';
import type { Quarantine, QuarantinedRow } from '../ports/quarantine';

export const QUARANTINE_PREFIX = 'quarantine/';

/**
 * Rejected rows in S3: `quarantine/<dropId>/<table>/<part>.tsv`, one row a line:
 * `line<TAB>byteOffset<TAB>reason<TAB>original bytes`. The original bytes are kept as they
 * were (Windows-1252 or UTF-8), so a person sees exactly what EOIR sent. The bucket is
 * encrypted and private; the rows may hold PII and are never logged.
 */
export function createS3Quarantine({ client, bucket }: { client: S3Client; bucket: string }): Quarantine {
  return {
    async write(dropId: string, table: EoirTableName, part: string, rows: readonly QuarantinedRow[]): Promise<string> {
      const key = `${QUARANTINE_PREFIX}${dropId}/${table}/${part}.tsv`;
      const lines = rows.map((r) =>
        Buffer.concat([Buffer.from(`${r.lineNumber}\t${r.byteOffset}\t${r.reason}\t`), r.raw, Buffer.from('\n')]),
      );
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: Buffer.concat([Buffer.from('LINE\tBYTE_OFFSET\tREASON\tROW\n'), ...lines]),
          ContentType: 'text/tab-separated-values',
        }),
      );
      return key;
    },
  };
}
