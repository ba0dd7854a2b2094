import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { createDynamoNoticeCase } from '../../adapters/cases-table/dynamo-notice-case';
import { sqsRedelivery } from '../../adapters/sqs-redelivery';
import { createAwsClients } from '../aws-clients';
import { loadConfig } from '../config';
import { createObservability } from '../observability';
import { ENV, ORR_SENDING } from '../resources';
import { noticeSendingDeps } from './common/notice-sending';

/**
 * Time an invocation keeps after its last send starts, in ms: the send itself (the mailer's
 * retries included) and the ledger writes after it (SENT, the idempotency record). A notice
 * the pacing would send later goes back to the queue.
 */
export const NOTIFIER_SEND_MARGIN_MS = 15_000;

/**
 * notify-orr, built once per cold start (per handler module instance: the local stack's
 * second notifier is a second instance of the handler module and so gets wiring of its
 * own and own clients, as a second Lambda execution environment does): the notice-sending
 * ports, pacing their sends through the account's shared send slots at the notifiers'
 * share of the SES rate, and the idempotency store.
 */
export function wireNotifyOrr() {
  const config = loadConfig('notifyOrr');
  const { logger } = createObservability('notify-orr');
  const clients = createAwsClients();
  // Every notifier instance takes its sends from the account's pool of slots, at the notifiers' share.
  const sending = noticeSendingDeps({ clients, config, rateShare: ORR_SENDING.rateShare, logger });
  const deps = {
    ...sending,
    cases: createDynamoNoticeCase({ client: clients.dynamo, tableName: config[ENV.casesTable] }),
    inbox: config[ENV.orrInbox],
    juvenileCoordinators: config[ENV.juvenileCoordinators],
    sesMessageIdDomain: config[ENV.sesMessageIdDomain],
    unconfirmedGraceMs: config[ENV.unconfirmedGraceSeconds] * 1000,
  };

  // Two ledgers (docs/delivery-guarantees.md): Powertools idempotency, keyed by
  // (message type, ftaId, caseId, source), stops concurrent and repeated deliveries at the door; the notice
  // ledger in the cases table (deliverNoticeOnce) records the send itself, so a crash
  // between the send and the idempotency record does not send twice.
  const idempotency = {
    config: new IdempotencyConfig({ eventKeyJmesPath: '[type, ftaId, caseId, source]', expiresAfterSeconds: 90 * 24 * 3600 }),
    persistenceStore: new DynamoDBPersistenceLayer({ tableName: config[ENV.idempotencyTable], awsSdkV3Client: clients.dynamo }),
  };

  /** Holds a message back on its queue (visibility timeout) until an unconfirmed notice's grace period ends. */
  const delayRedelivery = sqsRedelivery(clients.sqs);
  return { config, logger, deps, idempotency, delayRedelivery };
}
