/**
 * The drop bucket's layout: where DOJ drops, rosters, returned work lists and OPLA exports
 * land, which prefixes invoke which function (S3 notifications, built from these objects by
 * the CDK constructs and by the local stack), and where the outputs go. Part of the one
 * resources definition (resources.ts re-exports it).
 */

export const DROP_BUCKET = {
  localName: 'docket-watch-drops',
  /** DOJ drops land under this prefix: `drops/<dropId>/<table>.csv`. */
  dropPrefix: 'drops/',
  /**
   * A folder drop is processed when its completion marker lands: EOIR's `Count.txt` (upload
   * it last), or an empty `READY` object for drops without one, in any letter case
   * (`COUNT.TXT`, `count.txt`), at the drop's top or one folder down (a release copied as a
   * folder: `EOIR Case Data/Count.txt`). A zip drop (`drops/<dropId>.zip`, `.ZIP`) is
   * complete when the object lands (S3 writes an object atomically).
   *
   * S3 notification filters match a key's prefix and suffix exactly, letter case included,
   * and cannot say "any case" (Count.txt alone has 2^9 spellings). So every object created
   * under the prefix invokes the ingest, and the function tells markers from the rest by
   * name (`dropTriggeredBy` in shared/adapters/s3-docket-source.ts), returning at once for
   * a table file: one short invocation per uploaded file (a release has about 100), never a
   * drop missed for the case of its marker.
   */
  markerNames: ['count.txt', 'ready'],
  /**
   * A zip drop with a table too big to read from the zip in one invocation is unpacked by
   * the ingest into `unpacked/<dropId>/` (the same drop id), and read from there as a
   * folder drop. Written by the ingest only: nothing writes under `drops/`, DOJ's copy.
   */
  unpackedPrefix: 'unpacked/',
  /** Reports' long lists (files not read, quarantine parts): `reports/drops/<dropId>/<runId>/<list>.json`. */
  reportPrefix: 'reports/drops/',
  /** Rejected rows of each drop: `quarantine/<dropId>/<table>/<part>.tsv`. */
  quarantinePrefix: 'quarantine/',
} as const;

/**
 * The S3 notifications that invoke the docket ingest: every object created under the drop
 * and unpacked prefixes (no suffix filter: see DROP_BUCKET.markerNames); the function
 * starts an ingest only for a completion marker or a zip drop.
 */
export const INGEST_TRIGGERS: readonly { readonly prefix: string }[] = [{ prefix: DROP_BUCKET.dropPrefix }, { prefix: DROP_BUCKET.unpackedPrefix }];

/**
 * UC rosters land in the drop bucket as `rosters/<rosterId>/<name>.csv`; every object
 * under the prefix invokes the roster ingest (its own S3 notification, prefix only: a
 * suffix filter matches letter case exactly and would miss ROSTER.CSV; the ingest refuses
 * anything not named as a roster, with its reason).
 * The plan's outputs go to the same bucket, under prefixes no notification watches.
 */
export const ROSTER_DROPS = {
  prefix: 'rosters/',
  workListPrefix: 'worklists/',
  quarantinePrefix: 'quarantine/',
  reportPrefix: 'reports/',
} as const;

/**
 * Work lists come back from the field offices as `returns/<AOR>/<file>.xlsx|.csv` in the drop
 * bucket; each object invokes the return recorder. The notification filters on the prefix
 * only: S3 suffix filters match letter case exactly, and an office saves `.XLSX` as often
 * as `.xlsx` (the function takes both and says why it ignores anything else).
 */
export const WORK_LIST_RETURNS = {
  prefix: 'returns/',
  quarantinePrefix: 'quarantine/returns/',
  reportPrefix: 'reports/returns/',
} as const;

/**
 * OPLA's FTA list lands as `opla/<export id>/fta-list.csv`; each object under the prefix
 * invokes the reconciliation function (prefix filter only: an export saved as `.CSV` is
 * still read; the function ignores, with a log line, what is not a CSV one folder down).
 * The same function runs after each drop: the drop's finish writes its report to
 * `reports/drops/<dropId>/<runId>/report.json` (dropReportSuffix), whose notification
 * invokes it. Its outputs go under prefixes no notification watches.
 */
export const OPLA_RECONCILIATION = {
  prefix: 'opla/',
  dropReportPrefix: DROP_BUCKET.reportPrefix,
  dropReportSuffix: '/report.json',
  quarantinePrefix: 'quarantine/opla/',
  ingestReportPrefix: 'reports/opla/',
  reportPrefix: 'reports/reconciliation/',
} as const;
