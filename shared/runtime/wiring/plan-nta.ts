import { createDynamoTaskStore } from '../../adapters/cases-table/dynamo-task-store';
import { createAwsClients } from '../aws-clients';
import { loadConfig } from '../config';
import { createObservability } from '../observability';
import { ENV } from '../resources';
import { ntaPlanDeps } from './common/nta-plan';

/** plan-nta, built once per cold start: the plan's ports and the re-verification tasks. */
export const config = loadConfig('planNta');
export const { logger } = createObservability('plan-nta');
const clients = createAwsClients();
export const deps = {
  ...ntaPlanDeps(config, clients, logger),
  tasks: createDynamoTaskStore({ client: clients.dynamo, tableName: config[ENV.casesTable] }),
};
