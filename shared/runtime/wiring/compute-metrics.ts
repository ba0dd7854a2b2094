import { createDynamoProgramState } from '../../adapters/cases-table/dynamo-program-state';
import { createPowertoolsMetricsSink } from '../../adapters/powertools-metrics-sink';
import { systemClock } from '../../ports/clock';
import { createAwsClients } from '../aws-clients';
import { loadConfig } from '../config';
import { createObservability } from '../observability';
import { ENV } from '../resources';

/** compute-metrics, built once per cold start: the aggregates it reads and the EMF sink it publishes to. */
export const config = loadConfig('computeMetrics');
export const { logger, metrics } = createObservability('compute-metrics');
const clients = createAwsClients();
export const deps = {
  state: createDynamoProgramState({ client: clients.dynamo, tableName: config[ENV.casesTable] }),
  sink: createPowertoolsMetricsSink(metrics),
  clock: systemClock,
};
