import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE } from './resources';

/**
 * The one Powertools Logger and Metrics set per function. Log keys are ids we mint, S3
 * keys, counts, hashes and reason codes: never names, A-numbers, addresses or birth dates.
 * Metric dimensions are low-cardinality (AOR at most).
 */
export function createObservability(serviceName: string): { logger: Logger; metrics: Metrics } {
  const logger = new Logger({ serviceName });
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName });
  return { logger, metrics };
}
