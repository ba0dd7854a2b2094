import type { Context, S3Event } from 'aws-lambda';
import { createDynamoTaskStore } from '../../shared/adapters/cases-table/dynamo-task-store';
import { createAwsClients } from '../../shared/runtime/aws-clients';
import { loadConfig } from '../../shared/runtime/config';
import { installPiiKey } from '../../shared/runtime/pii-key';
import { ntaPlanDeps } from '../../shared/runtime/nta-plan-deps';
import { createObservability } from '../../shared/runtime/observability';
import { ENV } from '../../shared/runtime/resources';
import {
  recordWorkListReturn,
  workListReturnFromObjectKey,
  type WorkListReturnReport,
} from '../../shared/use-cases/record-work-list-return';

const config = loadConfig('recordWorkListReturns');
const { logger } = createObservability('record-work-list-returns');
const clients = createAwsClients();
const deps = {
  ...ntaPlanDeps(config, clients, logger),
  tasks: createDynamoTaskStore({ client: clients.dynamo, tableName: config[ENV.casesTable] }),
};

/**
 * S3 object created under `returns/<AOR>/` (a work list a field office filled in) -> record
 * each row's outcomes. A failure throws, so Lambda retries the event; recording again is
 * idempotent. An object that is not a .xlsx or .csv is logged and left.
 */
export const handler = async (event: S3Event, context: Context): Promise<WorkListReturnReport[]> => {
  logger.addContext(context);
  await installPiiKey(config); // deployed: the HMAC key of PII-derived item keys, read once per cold start
  const reports: WorkListReturnReport[] = [];
  for (const record of event.Records) {
    // S3 event keys are URL-encoded, with spaces as '+'.
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    const ref = workListReturnFromObjectKey(key);
    if (ref === undefined) {
      logger.warn('object under returns/ is not a returned work list (.xlsx or .csv in returns/<AOR>/); ignored', { key });
      continue;
    }
    reports.push(await recordWorkListReturn(ref, deps));
  }
  return reports;
};
