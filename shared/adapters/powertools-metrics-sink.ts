import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { MetricPoint } from '../domain/program-metrics';
import type { MetricsSink } from '../ports/metrics-sink';

const UNITS = { Count: MetricUnit.Count, Hours: MetricUnit.NoUnit } as const;

/**
 * Publishes through Powertools Metrics (CloudWatch EMF on stdout). Points without an AOR
 * go into the function's metric set; each per-AOR point is its own EMF document with the
 * single dimension `Aor`. EMF has no hour unit: HoursSinceLastDrop has unit None.
 */
export function createPowertoolsMetricsSink(metrics: Metrics): MetricsSink {
  return {
    publish(points: readonly MetricPoint[]): void {
      for (const p of points) {
        if (p.aor === undefined) {
          metrics.addMetric(p.name, UNITS[p.unit], p.value);
        } else {
          const single = metrics.singleMetric();
          single.addDimension('Aor', p.aor);
          single.addMetric(p.name, UNITS[p.unit], p.value);
        }
      }
      metrics.publishStoredMetrics();
    },
  };
}
