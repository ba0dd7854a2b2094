import { createDynamoTaskStore } from '../../adapters/cases-table/dynamo-task-store';
import { systemClock } from '../../ports/clock';
import { createAwsClients } from '../aws-clients';
import { loadConfig } from '../config';
import { createObservability } from '../observability';
import { ENV } from '../resources';
import { ntaPlanDeps } from './common/nta-plan';

/** schedule-nta, built once per cold start: the plan's ports, the re-verification tasks and their due days. */
export const config = loadConfig('scheduleNta');
export const { logger } = createObservability('schedule-nta');
const clients = createAwsClients();
export const deps = {
  ...ntaPlanDeps(config, clients, logger),
  tasks: createDynamoTaskStore({ client: clients.dynamo, tableName: config[ENV.casesTable] }),
  clock: systemClock,
  dueBusinessDays: config[ENV.reverifyDueBusinessDays],
  log: logger,
};
