import type { Context, ScheduledEvent } from 'aws-lambda';
import { createDynamoCaseDetails } from '../../shared/adapters/dynamo-case-details';
import { createDynamoCaseStore } from '../../shared/adapters/dynamo-case-store';
import { createDynamoNoticeLedger } from '../../shared/adapters/dynamo-notice-ledger';
import { createSesMailer } from '../../shared/adapters/ses-mailer';
import { systemClock } from '../../shared/ports/clock';
import { createAwsClients } from '../../shared/runtime/aws-clients';
import { loadConfig } from '../../shared/runtime/config';
import { createObservability } from '../../shared/runtime/observability';
import { ENV, ORR_SENDING } from '../../shared/runtime/resources';
import { loadNoticeRenderer } from '../../shared/runtime/templates';
import { previousUtcDay, sendOrrDigest } from '../../shared/use-cases/send-orr-digest';

const config = loadConfig('sendOrrDigest');
const { logger } = createObservability('send-orr-digest');
const clients = createAwsClients();
const tableName = config[ENV.casesTable];
const deps = {
  ftas: createDynamoCaseStore({ client: clients.dynamo, tableName }),
  caseDetails: createDynamoCaseDetails({ client: clients.dynamo, tableName }),
  ledger: createDynamoNoticeLedger({ client: clients.dynamo, tableName }),
  mailer: createSesMailer({
    client: clients.ses,
    configurationSetName: config[ENV.sesConfigurationSet],
    rateShare: ORR_SENDING.digestRateShare,
  }),
  renderer: loadNoticeRenderer(),
  clock: systemClock,
  log: logger,
  from: config[ENV.mailFrom],
  recipients: config[ENV.digestRecipients],
  messageIdDomain: config[ENV.mailFrom].split('@')[1] ?? 'docket-watch.invalid',
  // A digest run is not redelivered by a queue: an unconfirmed earlier attempt waits 10 minutes.
  unconfirmedGraceMs: 10 * 60_000,
};

/** EventBridge schedule (daily, 06:00 UTC): the previous UTC day's FTAs; `{ "day": "YYYY-MM-DD" }` in `detail` re-runs a day. */
export const handler = async (event: ScheduledEvent<{ day?: string }>, context: Context): Promise<{ day: string; sent: number }> => {
  logger.addContext(context);
  const day = /^\d{4}-\d{2}-\d{2}$/.test(event.detail?.day ?? '') ? (event.detail.day as string) : previousUtcDay(systemClock.now());
  const outcomes = await sendOrrDigest(day, deps);
  const sent = outcomes.filter((o) => o.outcome === 'sent').length;
  logger.info('digest run', { day, recipients: outcomes.length, sent });
  return { day, sent };
};
