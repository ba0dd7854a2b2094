import type { EoirTableName } from '../domain/eoir-table';
import type { RowRejectionReason } from '../domain/rejections';

/** One rejected row, kept for a person to inspect. May hold PII: never logged. */
export interface QuarantinedRow {
  readonly lineNumber: number;
  readonly byteOffset: number;
  readonly reason: RowRejectionReason;
  readonly raw: Buffer;
}

/**
 * Where rejected rows go (S3 `quarantine/<dropId>/<table>/<part>.tsv`). Idempotent: the
 * same part written twice replaces itself, so a retried ingest leaves no duplicates.
 */
export interface Quarantine {
  write(dropId: string, table: EoirTableName, part: string, rows: readonly QuarantinedRow[]): Promise<string>;
}
