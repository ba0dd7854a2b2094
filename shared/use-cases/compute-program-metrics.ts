import type { MetricPoint } from '../domain/metrics';
import { buildProgramMetrics, type MetricCadence, type ProgramState } from '../domain/program-metrics';
import type { Clock } from '../ports/clock';
import type { MetricsSink } from '../ports/metrics-sink';
import type { ProgramStateReader } from '../ports/program-state';

export interface ProgramMetricsRun {
  readonly cadence: MetricCadence;
  readonly at: string;
  readonly state: ProgramState;
  readonly points: readonly MetricPoint[];
}

/**
 * The scheduled metrics job.
 *
 * 1. Read the aggregates (one bounded Query per aggregate partition, relative to now).
 * 2. Compute the points for this cadence: hourly publishes the alarm signals, daily all.
 * 3. Publish them (EMF through Powertools: a log line, no CloudWatch API call).
 *
 * Safe to run at any time and any number of times: it reads state, it does not sum events,
 * so a retried or doubled schedule publishes the same values again. A failed read throws
 * before anything is published.
 */
export async function computeProgramMetrics(
  cadence: MetricCadence,
  deps: { state: ProgramStateReader; sink: MetricsSink; clock: Clock },
): Promise<ProgramMetricsRun> {
  const now = deps.clock.now();
  const state = await deps.state.readProgramState(now);
  const points = buildProgramMetrics(state, now, cadence);
  deps.sink.publish(points);
  return { cadence, at: now.toISOString(), state, points };
}
