import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { createDynamoCaseStore } from '../../shared/adapters/dynamo-case-store';
import { createSesMailer } from '../../shared/adapters/ses-mailer';
import { FtaEventMessage } from '../../shared/messages/fta-event';
import { createAwsClients } from '../../shared/runtime/aws-clients';
import { loadConfig } from '../../shared/runtime/config';
import { createObservability } from '../../shared/runtime/observability';
import { ENV } from '../../shared/runtime/resources';
import { notifyOrrOfFta, notifyOrrOfRescission } from '../../shared/use-cases/notify-orr-of-fta';

const config = loadConfig('notifyOrr');
const { logger } = createObservability('notify-orr');
const clients = createAwsClients();
const deps = {
  ftas: createDynamoCaseStore({ client: clients.dynamo, tableName: config[ENV.casesTable] }),
  mailer: createSesMailer({ client: clients.ses }),
  inbox: config[ENV.orrInbox],
  from: config[ENV.mailFrom],
  log: logger,
};

// The notice ledger: one completed record per (message type, ftaId), so a redelivered
// message, a retried batch or a re-drop never sends a second notice or correction
// (see README, "Delivery guarantees").
const idempotencyConfig = new IdempotencyConfig({ eventKeyJmesPath: '[type, ftaId]', expiresAfterSeconds: 90 * 24 * 3600 });
const notifyOnce = makeIdempotent(
  (message: FtaEventMessage) =>
    message.type === 'FTA_RECORDED' ? notifyOrrOfFta(message, deps) : notifyOrrOfRescission(message, deps),
  {
    persistenceStore: new DynamoDBPersistenceLayer({
      tableName: config[ENV.idempotencyTable],
      awsSdkV3Client: clients.dynamo,
    }),
    config: idempotencyConfig,
  },
);

const processor = new BatchProcessor(EventType.SQS);

/** A malformed message throws here: it is retried, then lands in the DLQ (alarmed). */
const recordHandler = async (record: SQSRecord): Promise<void> => {
  await notifyOnce(FtaEventMessage.parse(JSON.parse(record.body)));
};

export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  logger.addContext(context);
  idempotencyConfig.registerLambdaContext(context);
  return processPartialResponse(event, recordHandler, processor, { context });
};
