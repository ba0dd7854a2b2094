import { createSqsCaseIdentifiedPublisher } from '../../adapters/sqs-case-identified-publisher';
import { createAwsClients } from '../aws-clients';
import { loadConfig } from '../config';
import { createObservability } from '../observability';
import { ENV, ROSTER_DROPS } from '../resources';
import { ingestRosterDeps } from './common/nta-plan';

/** ingest-roster, built once per cold start: the plan's ports, the case store, the FTA fan-out and the "child now known" queue. */
export const config = loadConfig('ingestRoster');
export const { logger } = createObservability('ingest-roster');
const clients = createAwsClients();
export const deps = {
  ...ingestRosterDeps(config, clients, logger),
  identified: createSqsCaseIdentifiedPublisher({ client: clients.sqs, queueUrl: config[ENV.orrNoticeQueueUrl] }),
};
/** The key prefix roster CSVs arrive under. */
export const rosterPrefix = ROSTER_DROPS.prefix;
