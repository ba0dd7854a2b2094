import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { sqsRedelivery } from '../../shared/adapters/sqs-redelivery';
import { z } from 'zod';
import { CaseIdentifiedMessage } from '../../shared/messages/case-identified';
import { FtaRecordedMessage } from '../../shared/messages/fta-recorded';
import { FtaRescindedMessage } from '../../shared/messages/fta-rescinded';
import { createAwsClients } from '../../shared/runtime/aws-clients';
import { loadConfig } from '../../shared/runtime/config';
import { installPiiKey } from '../../shared/runtime/pii-key';
import { createObservability } from '../../shared/runtime/observability';
import { ENV, ORR_SENDING } from '../../shared/runtime/resources';
import { noticeSendingDeps } from '../../shared/runtime/notice-sending-deps';
import { NoticeUnconfirmedError } from '../../shared/use-cases/steps/deliver-notice-once';
import { notifyOrrOfFta, notifyOrrOfIdentity, notifyOrrOfRescission } from '../../shared/use-cases/notify-orr';

/** What the ORR notices queue carries: the FTA events, and the roster's "child now known". */
const NotifierMessage = z.discriminatedUnion('type', [FtaRecordedMessage, FtaRescindedMessage, CaseIdentifiedMessage]);
type NotifierMessage = z.infer<typeof NotifierMessage>;

const config = loadConfig('notifyOrr');
const { logger } = createObservability('notify-orr');
const clients = createAwsClients();
const tableName = config[ENV.casesTable];
const deps = {
  ...noticeSendingDeps({
    clients,
    tableName,
    configurationSetName: config[ENV.sesConfigurationSet],
    rateShare: ORR_SENDING.rateShare,
    maxSendRate: config[ENV.sesMaxSendRate],
    mailFrom: config[ENV.mailFrom],
    logger,
  }),
  inbox: config[ENV.orrInbox],
  juvenileCoordinators: config[ENV.juvenileCoordinators],
  sesMessageIdDomain: config[ENV.sesMessageIdDomain],
  unconfirmedGraceMs: config[ENV.unconfirmedGraceSeconds] * 1000,
};

// Two ledgers (see README, "Delivery guarantees"): Powertools idempotency, keyed by
// (message type, ftaId, caseId, source), stops concurrent and repeated deliveries at the door; the notice
// ledger in the cases table (deliverNoticeOnce) records the send itself, so a crash
// between the send and the idempotency record does not send twice.
const idempotencyConfig = new IdempotencyConfig({ eventKeyJmesPath: '[type, ftaId, caseId, source]', expiresAfterSeconds: 90 * 24 * 3600 });
const notifyOnce = makeIdempotent(
  async (message: NotifierMessage) => {
    if (message.type === 'FTA_RECORDED') return notifyOrrOfFta(message, deps);
    if (message.type === 'FTA_RESCINDED') return notifyOrrOfRescission(message, deps);
    return notifyOrrOfIdentity(message, deps);
  },
  {
    persistenceStore: new DynamoDBPersistenceLayer({
      tableName: config[ENV.idempotencyTable],
      awsSdkV3Client: clients.dynamo,
    }),
    config: idempotencyConfig,
  },
);

const processor = new BatchProcessor(EventType.SQS);
const delayRedelivery = sqsRedelivery(clients.sqs);

/**
 * A malformed message throws here: it is retried, then lands in the DLQ (alarmed). A notice
 * whose earlier attempt is unconfirmed is held back until its grace period ends, so its
 * retries are not spent (and the notice dead-lettered unsent) while nothing can be sent.
 */
const recordHandler = async (record: SQSRecord): Promise<void> => {
  try {
    await notifyOnce(NotifierMessage.parse(JSON.parse(record.body)));
  } catch (err) {
    if (err instanceof NoticeUnconfirmedError && err.retryAfterMs !== null) await delayRedelivery(record, err.retryAfterMs);
    throw err;
  }
};

export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  logger.addContext(context);
  await installPiiKey(config); // deployed: the HMAC key of PII-derived item keys, read once per cold start
  idempotencyConfig.registerLambdaContext(context);
  return processPartialResponse(event, recordHandler, processor, { context });
};
