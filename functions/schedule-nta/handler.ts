import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { createDynamoTaskStore } from '../../shared/adapters/cases-table/dynamo-task-store';
import { FollowUpMessage } from '../../shared/messages/follow-up';
import { FtaEventMessage } from '../../shared/messages/fta-event';
import { systemClock } from '../../shared/ports/clock';
import { createAwsClients } from '../../shared/runtime/aws-clients';
import { loadConfig } from '../../shared/runtime/config';
import { installPiiKey } from '../../shared/runtime/pii-key';
import { createObservability } from '../../shared/runtime/observability';
import { ENV } from '../../shared/runtime/resources';
import { followFtaOnRoster } from '../../shared/use-cases/follow-fta-on-roster';
import { openReverificationTask } from '../../shared/use-cases/open-reverification-task';
import { recordFollowUp } from '../../shared/use-cases/record-follow-up';
import { ntaPlanDeps } from '../../shared/runtime/nta-plan-deps';

const config = loadConfig('scheduleNta');
const { logger } = createObservability('schedule-nta');
const clients = createAwsClients();
const deps = {
  ...ntaPlanDeps(config, clients, logger),
  tasks: createDynamoTaskStore({ client: clients.dynamo, tableName: config[ENV.casesTable] }),
  clock: systemClock,
  dueBusinessDays: config[ENV.reverifyDueBusinessDays],
  log: logger,
};

const processor = new BatchProcessor(EventType.SQS);

/**
 * Each FTA opens one address re-verification task; a redelivery opens nothing more. If a
 * roster UC is linked to the case, it gets its prior-FTA flag and its AOR's NTA plan is
 * re-planned when it leaves the backlog. A follow-up message (ADDRESS_VERIFIED, I830_FILED)
 * closes the case's open tasks. A
 * rescission leaves the task open for now: the field office closes it when the address is
 * verified (re-planning on rescission belongs to the NTA scheduler's roadmap).
 */
const recordHandler = async (record: SQSRecord): Promise<void> => {
  const body: unknown = JSON.parse(record.body);
  const followUp = FollowUpMessage.safeParse(body);
  if (followUp.success) {
    await recordFollowUp(followUp.data, deps);
    return;
  }
  const message = FtaEventMessage.parse(body);
  if (message.type === 'FTA_RECORDED') {
    await openReverificationTask(message, deps);
    await followFtaOnRoster(message, deps);
  } else logger.info('rescission received; task left open', { ftaId: message.ftaId });
};

export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  logger.addContext(context);
  await installPiiKey(config); // deployed: the HMAC key of PII-derived item keys, read once per cold start
  return processPartialResponse(event, recordHandler, processor, { context });
};
