import type { Context, ScheduledEvent } from 'aws-lambda';
import { createDynamoCaseStore } from '../../shared/adapters/cases-table/dynamo-case-store';
import { createDynamoCourtAddresses } from '../../shared/adapters/cases-table/dynamo-court-addresses';
import { createDynamoUpcomingHearings } from '../../shared/adapters/cases-table/dynamo-upcoming-hearings';
import { createPowertoolsMetricsSink } from '../../shared/adapters/powertools-metrics-sink';
import { systemClock } from '../../shared/ports/clock';
import { createAwsClients } from '../../shared/runtime/aws-clients';
import { loadConfig } from '../../shared/runtime/config';
import { installPiiKey } from '../../shared/runtime/pii-key';
import { createObservability } from '../../shared/runtime/observability';
import { ENV, REMINDER_RATE_SHARE } from '../../shared/runtime/resources';
import { noticeSendingDeps } from '../../shared/runtime/notice-sending-deps';
import { sendHearingReminders, type ReminderRun } from '../../shared/use-cases/send-hearing-reminders';

const config = loadConfig('sendHearingReminders');
const { logger, metrics } = createObservability('send-hearing-reminders');
const clients = createAwsClients();
const tableName = config[ENV.casesTable];
const sink = createPowertoolsMetricsSink(metrics);
const courts = createDynamoCourtAddresses({ client: clients.dynamo, tableName });
const deps = {
  ...noticeSendingDeps({
    clients,
    tableName,
    configurationSetName: config[ENV.sesConfigurationSet],
    rateShare: REMINDER_RATE_SHARE,
    maxSendRate: config[ENV.sesMaxSendRate],
    mailFrom: config[ENV.mailFrom],
    logger,
  }),
  hearings: createDynamoUpcomingHearings({ client: clients.dynamo, tableName }),
  cases: createDynamoCaseStore({ client: clients.dynamo, tableName }),
  inbox: config[ENV.orrInbox],
  juvenileCoordinators: config[ENV.juvenileCoordinators],
  sesMessageIdDomain: config[ENV.sesMessageIdDomain],
  horizons: config[ENV.reminderHorizonDays],
  courtAddress: (code: string) => courts.get(code),
  // A scheduled run is not redelivered by a queue: an unconfirmed earlier attempt waits 10 minutes.
  unconfirmedGraceMs: 10 * 60_000,
};

/**
 * EventBridge schedule (daily, REMINDER_SCHEDULE): the hearing reminders, their updates and
 * the AORs' week-ahead digests for today (UTC); `{ "today": "YYYY-MM-DD" }` in `detail` runs
 * another day (the local run's --today). Publishes HearingsUpcoming14Days and RemindersSent.
 */
export const handler = async (event: ScheduledEvent<{ today?: string }>, context: Context): Promise<Omit<ReminderRun, 'outcomes'>> => {
  logger.addContext(context);
  await installPiiKey(config); // deployed: the HMAC key of PII-derived item keys, read once per cold start
  const given = event.detail?.today ?? '';
  const today = /^\d{4}-\d{2}-\d{2}$/.test(given) ? given : systemClock.now().toISOString().slice(0, 10);
  const run = await sendHearingReminders(today, deps);
  sink.publish(run.metrics);
  const { outcomes: _outcomes, ...summary } = run;
  return summary;
};
