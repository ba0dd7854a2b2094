/** An OPLA export as recorded when it landed (no row contents: counts only). */
export interface OplaExportRecord {
  readonly exportId: string;
  readonly objectKey: string;
  /** ISO time the export first landed; a re-put keeps it (so an old export re-put is not the latest). */
  readonly firstArrivedAt: string;
  readonly read: number;
  readonly accepted: number;
  readonly rejected: number;
}

/**
 * What a reconciliation is based on: OPLA's latest export (by first arrival) and DOJ's last
 * drop (the one the FTAs in the store were last updated by).
 */
export interface ReconciliationBasis {
  /** Records the export; returns the stored record (first arrival kept). Idempotent. */
  recordOplaExport(record: OplaExportRecord): Promise<OplaExportRecord>;
  /** The export that landed last, or undefined when none has. */
  latestOplaExport(): Promise<OplaExportRecord | undefined>;
  /** The id of the last drop ingested, or null before any. */
  lastDropId(): Promise<string | null>;
}
