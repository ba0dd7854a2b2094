import { buildProgramMetrics, type MetricPoint } from '../domain/program-metrics';
import type { Clock } from '../ports/clock';
import type { MetricsSink } from '../ports/metrics-sink';
import type { ProgramStateReader } from '../ports/program-state';

/**
 * The scheduled metrics job: read the aggregates, compute the points, publish them.
 * Safe to run at any time and any number of times: it reads state, it does not sum events.
 */
export async function computeProgramMetrics(deps: {
  state: ProgramStateReader;
  sink: MetricsSink;
  clock: Clock;
}): Promise<readonly MetricPoint[]> {
  const points = buildProgramMetrics(await deps.state.readProgramState(), deps.clock.now());
  deps.sink.publish(points);
  return points;
}
