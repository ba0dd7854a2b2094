import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { FollowUpMessage } from '../../shared/messages/follow-up';
import { FtaEventMessage } from '../../shared/messages/fta-event';
import { installPiiKey } from '../../shared/runtime/pii-key';
import { config, deps, logger } from '../../shared/runtime/wiring/schedule-nta';
import { scheduleNtaFollowUp } from '../../shared/use-cases/schedule-nta-follow-up';

const processor = new BatchProcessor(EventType.SQS);

/**
 * A follow-up message, else an FTA event; anything else throws here: it is retried, then
 * lands in the DLQ (alarmed).
 */
const recordHandler = async (record: SQSRecord): Promise<void> => {
  const body: unknown = JSON.parse(record.body);
  const followUp = FollowUpMessage.safeParse(body);
  await scheduleNtaFollowUp(followUp.success ? followUp.data : FtaEventMessage.parse(body), deps);
};

export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  logger.addContext(context);
  await installPiiKey(config); // deployed: the HMAC key of PII-derived item keys, read once per cold start
  return processPartialResponse(event, recordHandler, processor, { context });
};
