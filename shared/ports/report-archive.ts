/**
 * Where a drop report's long lists go (files not read, quarantine parts): JSON objects
 * under `reports/drops/<dropId>/<runId>/<name>.json`, referenced from the report, whose
 * DynamoDB item must stay below 400 KB. Keys hold ids we mint and list names only, no PII.
 * Idempotent: writing the same list again replaces the object with the same body.
 */
export interface ReportArchive {
  /** Writes the list; returns the object key. */
  writeList(dropId: string, runId: string, name: string, entries: readonly unknown[]): Promise<string>;
}
