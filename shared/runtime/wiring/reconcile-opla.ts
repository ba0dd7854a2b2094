import { createDynamoCaseStore } from '../../adapters/cases-table/dynamo-case-store';
import { createDynamoNoticeLedger } from '../../adapters/cases-table/dynamo-notice-ledger';
import { createDynamoReconciliationBasis } from '../../adapters/cases-table/dynamo-reconciliation-basis';
import { createPowertoolsMetricsSink } from '../../adapters/powertools-metrics-sink';
import { createS3Objects } from '../../adapters/s3-objects';
import { accountMailer } from './common/notice-sending';
import { systemClock } from '../../ports/clock';
import { createAwsClients } from '../aws-clients';
import { loadConfig } from '../config';
import { createObservability } from '../observability';
import { ENV, OPLA_RECONCILIATION, ORR_SENDING } from '../resources';

/** reconcile-opla, built once per cold start: the bucket, the FTA reader, the reconciliation basis, the notice ledger and the mailer. */
export const config = loadConfig('reconcileOpla');
export const { logger, metrics } = createObservability('reconcile-opla');
const clients = createAwsClients();
const tableName = config[ENV.casesTable];
const objects = createS3Objects({ client: clients.s3, bucket: config[ENV.dropBucket] });
const mailFrom = config[ENV.mailFrom];
export const deps = {
  ftas: createDynamoCaseStore({ client: clients.dynamo, tableName }),
  ledger: createDynamoNoticeLedger({ client: clients.dynamo, tableName }),
  // A few emails a day (one per AOR per report): the digest's share of the sending rate, its
  // sends taken from the account's pool (they come right after a drop, beside the notices).
  mailer: accountMailer(clients, config, ORR_SENDING.digestRateShare),
  clock: systemClock,
  log: logger,
  from: mailFrom,
  messageIdDomain: mailFrom.split('@')[1] ?? 'docket-watch.invalid',
  source: objects,
  files: objects,
  basis: createDynamoReconciliationBasis({ client: clients.dynamo, tableName }),
  recipients: config[ENV.oplaReconciliationRecipients],
  metrics: createPowertoolsMetricsSink(metrics),
  dropReports: { prefix: OPLA_RECONCILIATION.dropReportPrefix, suffix: OPLA_RECONCILIATION.dropReportSuffix },
  // An S3 event is retried by Lambda within minutes: an unconfirmed send waits 10 minutes.
  unconfirmedGraceMs: 10 * 60_000,
};
