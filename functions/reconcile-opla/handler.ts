import type { Context, S3Event } from 'aws-lambda';
import { createDynamoCaseStore } from '../../shared/adapters/cases-table/dynamo-case-store';
import { createDynamoNoticeLedger } from '../../shared/adapters/cases-table/dynamo-notice-ledger';
import { createDynamoReconciliationBasis } from '../../shared/adapters/cases-table/dynamo-reconciliation-basis';
import { createPowertoolsMetricsSink } from '../../shared/adapters/powertools-metrics-sink';
import { createS3Objects } from '../../shared/adapters/s3-objects';
import { createSesMailer } from '../../shared/adapters/ses-mailer';
import { systemClock } from '../../shared/ports/clock';
import { createAwsClients } from '../../shared/runtime/aws-clients';
import { loadConfig } from '../../shared/runtime/config';
import { createObservability } from '../../shared/runtime/observability';
import { ENV, OPLA_RECONCILIATION, ORR_SENDING } from '../../shared/runtime/resources';
import { ingestOplaList, oplaExportFromObjectKey, type OplaIngestReport } from '../../shared/use-cases/ingest-opla-list';
import { reconcileWithOpla, type ReconciliationReport } from '../../shared/use-cases/reconcile-opla';

const config = loadConfig('reconcileOpla');
const { logger, metrics } = createObservability('reconcile-opla');
const clients = createAwsClients();
const tableName = config[ENV.casesTable];
const objects = createS3Objects({ client: clients.s3, bucket: config[ENV.dropBucket] });
const mailFrom = config[ENV.mailFrom];
const deps = {
  ftas: createDynamoCaseStore({ client: clients.dynamo, tableName }),
  ledger: createDynamoNoticeLedger({ client: clients.dynamo, tableName }),
  // A few emails a day (one per AOR per report): the digest's share of the sending rate.
  mailer: createSesMailer({ client: clients.ses, configurationSetName: config[ENV.sesConfigurationSet], rateShare: ORR_SENDING.digestRateShare, maxSendRate: config[ENV.sesMaxSendRate] }),
  clock: systemClock,
  log: logger,
  from: mailFrom,
  messageIdDomain: mailFrom.split('@')[1] ?? 'docket-watch.invalid',
  source: objects,
  files: objects,
  basis: createDynamoReconciliationBasis({ client: clients.dynamo, tableName }),
  recipients: config[ENV.oplaReconciliationRecipients],
  metrics: createPowertoolsMetricsSink(metrics),
  // An S3 event is retried by Lambda within minutes: an unconfirmed send waits 10 minutes.
  unconfirmedGraceMs: 10 * 60_000,
};

export interface ReconcileRun {
  readonly ingested: readonly OplaIngestReport[];
  readonly reconciliation: ReconciliationReport | null;
}

/**
 * S3 object created: an OPLA export under `opla/<export id>/` (ingest it, then reconcile), or
 * a finished drop's `reports/drops/<dropId>/<runId>/report.json` (reconcile). One
 * reconciliation per event, against OPLA's latest export and the store as it is. A failure
 * throws, so Lambda retries the event; the reconciliation is idempotent (emails once per
 * report, through the notice ledger).
 */
export const handler = async (event: S3Event, context: Context): Promise<ReconcileRun> => {
  logger.addContext(context);
  const ingested: OplaIngestReport[] = [];
  let reconcile = false;
  for (const record of event.Records) {
    // S3 event keys are URL-encoded, with spaces as '+'.
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    const ref = oplaExportFromObjectKey(key);
    if (ref !== undefined) {
      ingested.push(await ingestOplaList(ref, deps));
      reconcile = true;
    } else if (key.startsWith(OPLA_RECONCILIATION.dropReportPrefix) && key.endsWith(OPLA_RECONCILIATION.dropReportSuffix)) {
      reconcile = true;
    } else {
      logger.warn('object is neither an OPLA export (opla/<export id>/<file>.csv) nor a drop report; ignored', { key });
    }
  }
  return { ingested, reconciliation: reconcile ? await reconcileWithOpla(deps) : null };
};
