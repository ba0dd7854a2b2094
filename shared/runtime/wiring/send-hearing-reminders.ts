import { createDynamoCourtAddresses } from '../../adapters/cases-table/dynamo-court-addresses';
import { createDynamoUpcomingHearings } from '../../adapters/cases-table/dynamo-upcoming-hearings';
import { createPowertoolsMetricsSink } from '../../adapters/powertools-metrics-sink';
import { createAwsClients } from '../aws-clients';
import { loadConfig } from '../config';
import { createObservability } from '../observability';
import { ENV, HEARINGS_BY_DAY_INDEX, REMINDER_RATE_SHARE } from '../resources';
import { noticeSendingDeps } from './common/notice-sending';

/** send-hearing-reminders, built once per cold start: the notice-sending ports at the reminders' share of the SES rate, hearings, courts and the EMF sink. */
export const config = loadConfig('sendHearingReminders');
export const { logger, metrics } = createObservability('send-hearing-reminders');
const clients = createAwsClients();
const tableName = config[ENV.casesTable];
const courts = createDynamoCourtAddresses({ client: clients.dynamo, tableName });
/** Where the run's metrics (HearingsUpcoming14Days, RemindersSent) are published. */
export const sink = createPowertoolsMetricsSink(metrics);
const sending = noticeSendingDeps({ clients, config, rateShare: REMINDER_RATE_SHARE, logger });
export const deps = {
  ...sending,
  hearings: createDynamoUpcomingHearings({ client: clients.dynamo, tableName, byDayIndex: HEARINGS_BY_DAY_INDEX }),
  cases: sending.ftas,
  inbox: config[ENV.orrInbox],
  juvenileCoordinators: config[ENV.juvenileCoordinators],
  sesMessageIdDomain: config[ENV.sesMessageIdDomain],
  horizons: config[ENV.reminderHorizonDays],
  courtAddress: (code: string) => courts.get(code),
  // A scheduled run is not redelivered by a queue: an unconfirmed earlier attempt waits 10 minutes.
  unconfirmedGraceMs: 10 * 60_000,
};
