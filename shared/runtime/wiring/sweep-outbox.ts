import { createDynamoCaseStore } from '../../adapters/cases-table/dynamo-case-store';
import { createSqsFtaPublisher } from '../../adapters/sqs-fta-publisher';
import { systemClock } from '../../ports/clock';
import { createAwsClients } from '../aws-clients';
import { loadConfig } from '../config';
import { createObservability } from '../observability';
import { ENV } from '../resources';

/** sweep-outbox, built once per cold start: the case store (its outboxes, the claims of drops being read) and the FTA fan-out queues. */
export const config = loadConfig('sweepOutbox');
export const { logger } = createObservability('sweep-outbox');
const clients = createAwsClients();
export const deps = {
  store: createDynamoCaseStore({ client: clients.dynamo, tableName: config[ENV.casesTable] }),
  clock: systemClock,
  log: logger,
  publisher: createSqsFtaPublisher({ client: clients.sqs, queueUrls: [config[ENV.orrNoticeQueueUrl], config[ENV.ntaScheduleQueueUrl]] }),
};
