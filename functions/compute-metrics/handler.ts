import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { deps, logger } from '../../shared/runtime/wiring/compute-metrics';
import { computeProgramMetrics, type ProgramMetricsRun } from '../../shared/use-cases/compute-program-metrics';

/** The EventBridge rule's input (METRICS_SCHEDULES): which cadence this run publishes. */
const ScheduleInput = z.object({ cadence: z.enum(['hourly', 'daily']) });

/** EventBridge schedule -> compute and publish the program metrics once. */
export const handler = async (event: unknown, context: Context): Promise<ProgramMetricsRun['points']> => {
  logger.addContext(context);
  const { cadence } = ScheduleInput.parse(event);
  const run = await computeProgramMetrics(cadence, deps);
  logger.info('metrics published', { cadence, points: run.points.length });
  return run.points;
};
