import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { createDynamoProgramState } from '../../shared/adapters/cases-table/dynamo-program-state';
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

/** The EventBridge rule's input (METRICS_SCHEDULES): which cadence this run publishes. */
const ScheduleInput = z.object({ cadence: z.enum(['hourly', 'daily']) });

/** EventBridge schedule -> compute and publish the program metrics once. */
export const handler = async (event: unknown, context: Context): Promise<readonly MetricPoint[]> => {
  logger.addContext(context);
  const { cadence } = ScheduleInput.parse(event);
  const run = await computeProgramMetrics(cadence, deps);
  logger.info('metrics published', { cadence, points: run.points.length });
  return run.points;
};
