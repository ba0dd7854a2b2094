import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { installPiiKey } from '../../shared/runtime/pii-key';
import { NOTIFIER_SEND_MARGIN_MS, wireNotifyOrr } from '../../shared/runtime/wiring/notify-orr';
import { noticeBatchHandler } from './notice-batch';

const { config, delayRedelivery, deps, idempotency, logger } = wireNotifyOrr();
const handleBatch = noticeBatchHandler({ deps, idempotency, delayRedelivery, sendMarginMs: NOTIFIER_SEND_MARGIN_MS });

export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  logger.addContext(context);
  await installPiiKey(config); // deployed: the HMAC key of PII-derived item keys, read once per cold start
  return handleBatch(event, context);
};
