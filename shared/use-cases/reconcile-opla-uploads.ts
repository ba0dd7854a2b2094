import { ingestOplaList, oplaExportFromObjectKey, type OplaIngestDeps, type OplaIngestReport } from './steps/ingest-opla-list';
import { reconcileWithOpla, type ReconcileDeps, type ReconciliationReport } from './steps/reconcile-with-opla';

export interface ReconcileUploadsDeps extends OplaIngestDeps, ReconcileDeps {
  /** A finished drop's report: `<prefix><dropId>/<runId><suffix>` (its arrival starts a reconciliation). */
  readonly dropReports: { readonly prefix: string; readonly suffix: string };
}

export interface ReconcileRun {
  readonly ingested: readonly OplaIngestReport[];
  readonly reconciliation: ReconciliationReport | null;
}

/**
 * The objects one S3 event names -> an OPLA export under `opla/<export id>/` is ingested,
 * then reconciled; a finished drop's report is reconciled; anything else is logged and
 * left. One reconciliation per call, against OPLA's latest export and the store as it is,
 * however many objects asked for it. Idempotent (emails once per report, through the
 * notice ledger); a failure throws, and the trigger retries the whole event.
 */
export async function reconcileOplaUploads(objectKeys: readonly string[], deps: ReconcileUploadsDeps): Promise<ReconcileRun> {
  const ingested: OplaIngestReport[] = [];
  let reconcile = false;
  for (const key of objectKeys) {
    const ref = oplaExportFromObjectKey(key);
    if (ref !== undefined) {
      ingested.push(await ingestOplaList(ref, deps));
      reconcile = true;
    } else if (key.startsWith(deps.dropReports.prefix) && key.endsWith(deps.dropReports.suffix)) {
      reconcile = true;
    } else {
      deps.log.warn('object is neither an OPLA export (opla/<export id>/<file>.csv) nor a drop report; ignored', { key });
    }
  }
  return { ingested, reconciliation: reconcile ? await reconcileWithOpla(deps) : null };
}
