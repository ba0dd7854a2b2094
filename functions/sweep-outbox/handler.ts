import type { Context } from 'aws-lambda';
import { deps, logger } from '../../shared/runtime/wiring/sweep-outbox';
import { sweepOutboxes } from '../../shared/use-cases/sweep-outboxes';

/**
 * EventBridge schedule (OUTBOX_SWEEP_SCHEDULE) -> send what the FTA and rescission outboxes
 * still hold. A queue refusing throws: the run fails (Lambda's error metric) and the next
 * run, minutes later, sends it again.
 */
export const handler = async (_event: unknown, context: Context): Promise<{ ftas: number; rescissions: number }> => {
  logger.addContext(context);
  const sent = await sweepOutboxes(deps);
  if (sent.ftas + sent.rescissions > 0) logger.info('outbox swept', sent);
  return sent;
};
