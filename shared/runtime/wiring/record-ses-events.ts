import { createDynamoNoticeLedger } from '../../adapters/cases-table/dynamo-notice-ledger';
import { systemClock } from '../../ports/clock';
import { createAwsClients } from '../aws-clients';
import { loadConfig } from '../config';
import { createObservability } from '../observability';
import { ENV } from '../resources';

/** record-ses-events, built once per cold start: the notice ledger the SES events are recorded against. */
export const config = loadConfig('recordSesEvents');
export const { logger, metrics } = createObservability('record-ses-events');
const clients = createAwsClients();
export const deps = {
  ledger: createDynamoNoticeLedger({ client: clients.dynamo, tableName: config[ENV.casesTable] }),
  log: logger,
  clock: systemClock,
};

/** The metrics the handler counts SES events under (catalogued in shared/domain/metrics.ts). */
export { SES_EVENT_METRICS } from '../../domain/metrics';
