/**
 * The rules of the CloudWatch embedded metric format specification (docs.aws.amazon.com,
 * AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html)
 * and of the CloudWatch Dimension / MetricDatum API types, as a checker for the EMF
 * documents our functions print. Returns every violation, empty when the document is valid.
 */
export const EMF_UNITS: ReadonlySet<string> = new Set([
  'Seconds', 'Microseconds', 'Milliseconds', 'Bytes', 'Kilobytes', 'Megabytes', 'Gigabytes', 'Terabytes',
  'Bits', 'Kilobits', 'Megabits', 'Gigabits', 'Terabits', 'Percent', 'Count', 'Bytes/Second',
  'Kilobytes/Second', 'Megabytes/Second', 'Gigabytes/Second', 'Terabytes/Second', 'Bits/Second',
  'Kilobits/Second', 'Megabits/Second', 'Gigabits/Second', 'Terabits/Second', 'Count/Second', 'None',
]);

const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

export function emfViolations(doc: Record<string, unknown>): string[] {
  const errors: string[] = [];
  const aws = doc._aws as { Timestamp?: unknown; CloudWatchMetrics?: unknown } | undefined;
  if (typeof aws !== 'object' || aws === null) return ['root: _aws object is required'];
  if (typeof aws.Timestamp !== 'number' || !Number.isInteger(aws.Timestamp) || aws.Timestamp <= 0) {
    errors.push('_aws.Timestamp: must be a positive integer, milliseconds since the epoch');
  }
  if (!Array.isArray(aws.CloudWatchMetrics) || aws.CloudWatchMetrics.length === 0) {
    return [...errors, '_aws.CloudWatchMetrics: must be a non-empty array of MetricDirective'];
  }
  for (const [d, directive] of (aws.CloudWatchMetrics as Record<string, unknown>[]).entries()) {
    const at = `_aws.CloudWatchMetrics[${d}]`;
    const ns = directive.Namespace;
    if (typeof ns !== 'string' || ns.length < 1 || ns.length > 255 || !PRINTABLE_ASCII.test(ns)) {
      errors.push(`${at}.Namespace: 1-255 printable ASCII characters`);
    }
    const dimensionSets = directive.Dimensions;
    if (!Array.isArray(dimensionSets)) errors.push(`${at}.Dimensions: must be an array of DimensionSet`);
    for (const [s, set] of (Array.isArray(dimensionSets) ? dimensionSets : []).entries()) {
      if (!Array.isArray(set)) {
        errors.push(`${at}.Dimensions[${s}]: must be an array of strings`);
        continue;
      }
      if (set.length > 30) errors.push(`${at}.Dimensions[${s}]: more than 30 dimensions`);
      for (const key of set as unknown[]) {
        if (typeof key !== 'string' || key.length < 1 || key.length > 255 || key.startsWith(':') || !PRINTABLE_ASCII.test(key)) {
          errors.push(`${at}.Dimensions[${s}]: bad dimension name ${JSON.stringify(key)}`);
          continue;
        }
        const value = doc[key];
        if (typeof value !== 'string' || value.trim() === '' || value.length > 1024 || !PRINTABLE_ASCII.test(value)) {
          errors.push(`${key}: a dimension must be a root member with a string value of 1-1024 ASCII characters`);
        }
      }
    }
    const metrics = directive.Metrics;
    if (!Array.isArray(metrics) || metrics.length === 0) {
      errors.push(`${at}.Metrics: must be a non-empty array`);
      continue;
    }
    if (metrics.length > 100) errors.push(`${at}.Metrics: more than 100 metric definitions`);
    for (const metric of metrics as Record<string, unknown>[]) {
      const name = metric.Name;
      if (typeof name !== 'string' || name.length < 1 || name.length > 1024) {
        errors.push(`${at}.Metrics: Name must be 1-1024 characters, got ${JSON.stringify(name)}`);
        continue;
      }
      if (metric.Unit !== undefined && (typeof metric.Unit !== 'string' || !EMF_UNITS.has(metric.Unit))) {
        errors.push(`${name}: invalid Unit ${JSON.stringify(metric.Unit)}`);
      }
      if (metric.StorageResolution !== undefined && metric.StorageResolution !== 1 && metric.StorageResolution !== 60) {
        errors.push(`${name}: StorageResolution must be 1 or 60`);
      }
      const v = doc[name];
      const values = Array.isArray(v) ? v : [v];
      if (values.length === 0 || values.length > 100 || !values.every((x) => typeof x === 'number' && Number.isFinite(x))) {
        errors.push(`${name}: the root member must be a number or an array of 1-100 numbers`);
      }
    }
  }
  return errors;
}
