import type { Context, ScheduledEvent } from 'aws-lambda';
import { installPiiKey } from '../../shared/runtime/pii-key';
import { config, deps, logger } from '../../shared/runtime/wiring/plan-nta';
import { planWeekday, type WeekdayPlan } from '../../shared/use-cases/plan-weekday';

/**
 * EventBridge schedule, each business morning (and invoked by hand after a capacity
 * change): roster matching, the NTA plan of every AOR and its work lists, the overdue
 * re-verification tasks (planWeekday).
 */
export const handler = async (_event: ScheduledEvent, context: Context): Promise<WeekdayPlan> => {
  logger.addContext(context);
  await installPiiKey(config); // deployed: the HMAC key of PII-derived item keys, read once per cold start
  return planWeekday(deps);
};
