import type { MetricPoint } from '../domain/metrics';

/** Publishes metric points (CloudWatch, through EMF). */
export interface MetricsSink {
  publish(points: readonly MetricPoint[]): void;
}
