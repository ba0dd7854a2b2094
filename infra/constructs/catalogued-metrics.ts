import type { Duration } from 'aws-cdk-lib';
import { MathExpression, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { MetricEmitter, MetricName } from '../../shared/domain/metrics';
import { METRICS_NAMESPACE } from '../../shared/runtime/resources';
import { functionFolder } from './pipeline-function';

/**
 * Dashboard and alarm metrics by catalogue name (shared/domain/metrics.ts), so a name the
 * emitters do not publish does not compile. `service` is the dimension Powertools adds to
 * every point: the emitting function's folder.
 */
export interface CataloguedMetricOptions {
  readonly statistic: 'Maximum' | 'Sum';
  readonly period: Duration;
  readonly label?: string;
}

/** The total of `name` (the point without an AOR) as `emitter` publishes it. */
export function cataloguedMetric(name: MetricName, emitter: MetricEmitter, options: CataloguedMetricOptions): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { service: functionFolder(emitter) },
    statistic: options.statistic,
    period: options.period,
    label: options.label,
  });
}

/** One line per AOR: a SEARCH over the Aor dimension (no per-AOR metric to list by hand). */
export function perAorSearch(name: MetricName, emitter: MetricEmitter, period: Duration): MathExpression {
  return new MathExpression({
    expression: `SEARCH('{${METRICS_NAMESPACE},Aor,service} MetricName="${name}" service="${functionFolder(emitter)}"', 'Maximum', ${period.toSeconds()})`,
    label: '',
    period,
  });
}
