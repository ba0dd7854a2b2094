import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { DropChunkMessage } from '../../shared/messages/drop-chunk';
import { installPiiKey } from '../../shared/runtime/pii-key';
import { config, deps, logger } from '../../shared/runtime/wiring/ingest-drop-chunk';
import { ingestChunkMessage } from '../../shared/use-cases/start-docket-drop';

const processor = new BatchProcessor(EventType.SQS);

/**
 * One byte range of a big drop per message: ingest it, record its counts once, and the
 * chunk completing a stage starts the next one or finishes the drop. A failed chunk fails
 * its batch item; SQS redelivers it (3 receives, then the DLQ) and the ledger keeps the
 * retry from counting anything twice.
 */
const recordHandler = async (record: SQSRecord): Promise<void> => {
  await ingestChunkMessage(DropChunkMessage.parse(JSON.parse(record.body)), deps, record.messageId);
};

export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  logger.addContext(context);
  await installPiiKey(config); // deployed: the HMAC key of PII-derived item keys, read once per cold start
  return processPartialResponse(event, recordHandler, processor, { context });
};
