import type { Context, ScheduledEvent } from 'aws-lambda';
import { installPiiKey } from '../../shared/runtime/pii-key';
import { config, deps, logger, sink } from '../../shared/runtime/wiring/send-hearing-reminders';
import { sendHearingReminders, type ReminderRun } from '../../shared/use-cases/send-hearing-reminders';

/**
 * EventBridge schedule (daily, REMINDER_SCHEDULE): the hearing reminders, their updates and
 * the AORs' week-ahead digests for today (UTC); `{ "today": "YYYY-MM-DD" }` in `detail` runs
 * another day (the local run's --today). Publishes HearingsUpcoming14Days and RemindersSent.
 */
export const handler = async (event: ScheduledEvent<{ today?: string }>, context: Context): Promise<Omit<ReminderRun, 'outcomes'>> => {
  logger.addContext(context);
  await installPiiKey(config); // deployed: the HMAC key of PII-derived item keys, read once per cold start
  const given = event.detail?.today ?? '';
  const today = /^\d{4}-\d{2}-\d{2}$/.test(given) ? given : deps.clock.now().toISOString().slice(0, 10);
  const run = await sendHearingReminders(today, deps);
  sink.publish(run.metrics);
  const { outcomes: _outcomes, ...summary } = run;
  return summary;
};
