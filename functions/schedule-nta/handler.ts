import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { createDynamoTaskStore } from '../../shared/adapters/dynamo-task-store';
import { FtaRecordedMessage } from '../../shared/messages/fta-recorded';
import { systemClock } from '../../shared/ports/clock';
import { createAwsClients } from '../../shared/runtime/aws-clients';
import { loadConfig } from '../../shared/runtime/config';
import { createObservability } from '../../shared/runtime/observability';
import { ENV } from '../../shared/runtime/resources';
import { openReverificationTask } from '../../shared/use-cases/open-reverification-task';

const config = loadConfig('scheduleNta');
const { logger } = createObservability('schedule-nta');
const clients = createAwsClients();
const deps = {
  tasks: createDynamoTaskStore({ client: clients.dynamo, tableName: config[ENV.casesTable] }),
  clock: systemClock,
  dueBusinessDays: config[ENV.reverifyDueBusinessDays],
  log: logger,
};

const processor = new BatchProcessor(EventType.SQS);

/** Each FTA opens one address re-verification task; a redelivery opens nothing more. */
const recordHandler = async (record: SQSRecord): Promise<void> => {
  await openReverificationTask(FtaRecordedMessage.parse(JSON.parse(record.body)), deps);
};

export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  logger.addContext(context);
  return processPartialResponse(event, recordHandler, processor, { context });
};
