import type { Context } from 'aws-lambda';
import { createDynamoCaseStore } from '../../shared/adapters/cases-table/dynamo-case-store';
import { createSqsFtaPublisher } from '../../shared/adapters/sqs-fta-publisher';
import { createAwsClients } from '../../shared/runtime/aws-clients';
import { loadConfig } from '../../shared/runtime/config';
import { createObservability } from '../../shared/runtime/observability';
import { ENV } from '../../shared/runtime/resources';
import { sweepOutboxes } from '../../shared/use-cases/publish-fta-outbox';

const config = loadConfig('sweepOutbox');
const { logger } = createObservability('sweep-outbox');
const clients = createAwsClients();
const deps = {
  store: createDynamoCaseStore({ client: clients.dynamo, tableName: config[ENV.casesTable] }),
  publisher: createSqsFtaPublisher({ client: clients.sqs, queueUrls: [config[ENV.orrNoticeQueueUrl], config[ENV.ntaScheduleQueueUrl]] }),
};

/**
 * EventBridge schedule (OUTBOX_SWEEP_SCHEDULE) -> send what the FTA and rescission outboxes
 * still hold. A queue refusing throws: the run fails (Lambda's error metric) and the next
 * run, minutes later, sends it again.
 */
export const handler = async (_event: unknown, context: Context): Promise<{ ftas: number; rescissions: number }> => {
  logger.addContext(context);
  const sent = await sweepOutboxes(deps);
  if (sent.ftas + sent.rescissions > 0) logger.info('outbox swept', sent);
  return sent;
};
