import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SNSEvent } from 'aws-lambda';
import { createDynamoNoticeLedger } from '../../shared/adapters/cases-table/dynamo-notice-ledger';
import { systemClock } from '../../shared/ports/clock';
import { createAwsClients } from '../../shared/runtime/aws-clients';
import { loadConfig } from '../../shared/runtime/config';
import { createObservability } from '../../shared/runtime/observability';
import { ENV } from '../../shared/runtime/resources';
import { recordSesEvent, SesEventRecord } from '../../shared/use-cases/record-ses-event';

const config = loadConfig('recordSesEvents');
const { logger, metrics } = createObservability('record-ses-events');
const clients = createAwsClients();
const deps = {
  ledger: createDynamoNoticeLedger({ client: clients.dynamo, tableName: config[ENV.casesTable] }),
  log: logger,
  clock: systemClock,
};

/** Metric names the notifier construct alarms on. */
export const SES_EVENT_METRICS = { bounced: 'NoticeBounced', complained: 'NoticeComplained' } as const;

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
