import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { MetricPoint, MetricUnit as DomainUnit } from '../domain/program-metrics';
import type { MetricsSink } from '../ports/metrics-sink';

/** EMF has no hour unit: hour-valued metrics (HoursSinceLastDrop) are published with unit None. */
const UNITS: Record<DomainUnit, (typeof MetricUnit)[keyof typeof MetricUnit]> = {
  Count: MetricUnit.Count,
  Hours: MetricUnit.NoUnit,
  Percent: MetricUnit.Percent,
  Seconds: MetricUnit.Seconds,
};

/**
 * Publishes through Powertools Metrics (CloudWatch EMF on stdout). Points without an AOR
 * go into the function's metric set (dimension `service` only); each per-AOR point is its
 * own EMF document with the dimensions `service` and `Aor`. No other dimension exists, so
 * dimension values are at most the 25 AOR codes and UNKNOWN: no ids, names or A-numbers.
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
