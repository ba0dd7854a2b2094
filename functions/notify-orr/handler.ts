import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { NotifierMessage } from '../../shared/messages/notifier-message';
import { installPiiKey } from '../../shared/runtime/pii-key';
import { wireNotifyOrr } from '../../shared/runtime/wiring/notify-orr';
import { NoticeUnconfirmedError, notifyOrr } from '../../shared/use-cases/notify-orr';

const { config, delayRedelivery, deps, idempotency, logger } = wireNotifyOrr();

// The first of the two ledgers: repeated and concurrent deliveries of one message stop here
// (the wiring says why there are two).
const notifyOnce = makeIdempotent((message: NotifierMessage) => notifyOrr(message, deps), idempotency);
const processor = new BatchProcessor(EventType.SQS);

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
  idempotency.config.registerLambdaContext(context);
  return processPartialResponse(event, recordHandler, processor, { context });
};
