import type { Context, ScheduledEvent } from 'aws-lambda';
import { installPiiKey } from '../../shared/runtime/pii-key';
import { config, deps, logger } from '../../shared/runtime/wiring/send-orr-digest';
import { previousUtcDay, sendOrrDigest } from '../../shared/use-cases/send-orr-digest';

/** EventBridge schedule (daily, 06:00 UTC): the previous UTC day's FTAs; `{ "day": "YYYY-MM-DD" }` in `detail` re-runs a day. */
export const handler = async (event: ScheduledEvent<{ day?: string }>, context: Context): Promise<{ day: string; sent: number }> => {
  logger.addContext(context);
  await installPiiKey(config); // deployed: the HMAC key of PII-derived item keys, read once per cold start
  const day = /^\d{4}-\d{2}-\d{2}$/.test(event.detail?.day ?? '') ? (event.detail.day as string) : previousUtcDay(deps.clock.now());
  const outcomes = await sendOrrDigest(day, deps);
  const sent = outcomes.filter((o) => o.outcome === 'sent').length;
  logger.info('digest run', { day, recipients: outcomes.length, sent });
  return { day, sent };
};
