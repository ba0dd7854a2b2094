import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SNSEvent } from 'aws-lambda';
import { deps, logger, metrics, SES_EVENT_METRICS } from '../../shared/runtime/wiring/record-ses-events';
import { recordSesEvent, SesEventRecord } from '../../shared/use-cases/record-ses-event';

/**
 * SES events of the notices' configuration set, through SNS: each is recorded against its
 * notice; bounces and complaints are counted as metrics (alarmed). A failure throws, and
 * SNS retries the delivery.
 */
export const handler = async (event: SNSEvent, context: Context): Promise<void> => {
  logger.addContext(context);
  try {
    for (const record of event.Records) {
      const outcome = await recordSesEvent(SesEventRecord.parse(JSON.parse(record.Sns.Message)), deps);
      if (outcome.type === 'Bounce') metrics.addMetric(SES_EVENT_METRICS.bounced, MetricUnit.Count, 1);
      if (outcome.type === 'Complaint') metrics.addMetric(SES_EVENT_METRICS.complained, MetricUnit.Count, 1);
    }
  } finally {
    metrics.publishStoredMetrics();
  }
};
