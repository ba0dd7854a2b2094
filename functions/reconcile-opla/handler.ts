import type { Context, S3Event } from 'aws-lambda';
import { deps, logger } from '../../shared/runtime/wiring/reconcile-opla';
import { reconcileOplaUploads, type ReconcileRun } from '../../shared/use-cases/reconcile-opla-uploads';

export type { ReconcileRun };

/**
 * S3 object created: an OPLA export under `opla/<export id>/` (ingest it, then reconcile), or
 * a finished drop's `reports/drops/<dropId>/<runId>/report.json` (reconcile): one
 * reconciliation per event (reconcileOplaUploads). A failure throws, so Lambda retries the event.
 */
export const handler = async (event: S3Event, context: Context): Promise<ReconcileRun> => {
  logger.addContext(context);
  // S3 event keys are URL-encoded, with spaces as '+'.
  const keys = event.Records.map((record) => decodeURIComponent(record.s3.object.key.replace(/\+/g, ' ')));
  return reconcileOplaUploads(keys, deps);
};
