import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { makeIdempotent, type IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { NotifierMessage } from '../../shared/messages/notifier-message';
import { NoticeUnconfirmedError, notifyOrr, SendDeadlineError, type NotifyDeps } from '../../shared/use-cases/notify-orr';

export interface NoticeBatchOptions {
  readonly deps: NotifyDeps;
  /** The door: Powertools idempotency, keyed by the message (the wiring says why there are two ledgers). */
  readonly idempotency: { readonly config: IdempotencyConfig; readonly persistenceStore: BasePersistenceLayer };
  /** Holds a failed message back on its queue for `delayMs` (0: visible again at once). */
  readonly delayRedelivery: (record: SQSRecord, delayMs: number) => Promise<void>;
  /** Time kept after the last send starts, before the invocation's timeout (ms). */
  readonly sendMarginMs: number;
}

/**
 * One batch of the ORR notice queue -> its partial batch response. The records are handled
 * at once (Powertools' default), so the notices' reads and ledger writes overlap the SES
 * pacing: only the sends wait for the pacer, in the order their notices are ready. No send
 * starts later than `sendMarginMs` before the timeout: a notice the pacing cannot send by
 * then goes back to the queue at once (SendDeadlineError, its intent released).
 * A malformed message throws: it is retried, then lands in the DLQ (alarmed). A notice
 * whose earlier attempt is unconfirmed is held back until its grace period ends, so its
 * retries are not spent (and the notice dead-lettered unsent) while nothing can be sent.
 */
export function noticeBatchHandler({ deps, idempotency, delayRedelivery, sendMarginMs }: NoticeBatchOptions): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  // The message (argument 0) is the idempotency payload; the invocation's deps are not.
  const notifyOnce = makeIdempotent((message: NotifierMessage, invocationDeps: NotifyDeps) => notifyOrr(message, invocationDeps), {
    ...idempotency,
    dataIndexArgument: 0,
  });
  const processor = new BatchProcessor(EventType.SQS);

  const recordHandler = async (record: SQSRecord, invocationDeps: NotifyDeps): Promise<void> => {
    try {
      await notifyOnce(NotifierMessage.parse(JSON.parse(record.body)), invocationDeps);
    } catch (err) {
      if (err instanceof NoticeUnconfirmedError && err.retryAfterMs !== null) await delayRedelivery(record, err.retryAfterMs);
      else if (err instanceof SendDeadlineError) await delayRedelivery(record, 0);
      throw err;
    }
  };

  return async (event, context) => {
    idempotency.config.registerLambdaContext(context);
    const invocationDeps: NotifyDeps = { ...deps, sendNotAfterMs: deps.clock.now().getTime() + context.getRemainingTimeInMillis() - sendMarginMs };
    return processPartialResponse(event, (record: SQSRecord) => recordHandler(record, invocationDeps), processor, { context });
  };
}
