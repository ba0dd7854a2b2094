import type { DropReport } from '../domain/drop-report';

/**
 * Where a drop report's long lists go (files not read, quarantine parts): JSON objects
 * under `reports/drops/<dropId>/<runId>/<name>.json`, referenced from the report, whose
 * DynamoDB item must stay below 400 KB. Keys hold ids we mint and list names only, no PII.
 * Idempotent: writing the same list again replaces the object with the same body.
 */
export interface ReportArchive {
  /** Writes the list; returns the object key. */
  writeList(dropId: string, runId: string, name: string, entries: readonly unknown[]): Promise<string>;
  /**
   * Writes a finished run's report as `reports/drops/<dropId>/<runId>/report.json`, the
   * moment the drop's FTAs are all stored: its S3 notification starts what follows a drop
   * (the OPLA reconciliation). Returns the key. Absent where nothing follows a drop.
   */
  writeReport?(dropId: string, runId: string, report: DropReport): Promise<string>;
}

/** The name of a finished run's report object under its run's folder. */
export const DROP_REPORT_OBJECT = 'report.json';
