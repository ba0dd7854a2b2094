import type { Context, ScheduledEvent } from 'aws-lambda';
import { createDynamoProgramState } from '../../shared/adapters/dynamo-program-state';
import { createPowertoolsMetricsSink } from '../../shared/adapters/powertools-metrics-sink';
import type { MetricPoint } from '../../shared/domain/program-metrics';
import { systemClock } from '../../shared/ports/clock';
import { createAwsClients } from '../../shared/runtime/aws-clients';
import { loadConfig } from '../../shared/runtime/config';
import { createObservability } from '../../shared/runtime/observability';
import { ENV } from '../../shared/runtime/resources';
import { computeProgramMetrics } from '../../shared/use-cases/compute-program-metrics';

const config = loadConfig('computeMetrics');
const { logger, metrics } = createObservability('compute-metrics');
const clients = createAwsClients();
const deps = {
  state: createDynamoProgramState({ client: clients.dynamo, tableName: config[ENV.casesTable] }),
  sink: createPowertoolsMetricsSink(metrics),
  clock: systemClock,
};

/** EventBridge schedule -> compute and publish the program metrics once. */
export const handler = async (event: ScheduledEvent, context: Context): Promise<readonly MetricPoint[]> => {
  logger.addContext(context);
  const points = await computeProgramMetrics(deps);
  logger.info('metrics published', { points: points.length, schedule: event.resources?.[0] });
  return points;
};
