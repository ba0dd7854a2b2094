import type { Context, ScheduledEvent } from 'aws-lambda';
import { recipientKey } from '../../shared/adapters/cases-table/pii-keys';
import { systemClock } from '../../shared/ports/clock';
import { createAwsClients } from '../../shared/runtime/aws-clients';
import { loadConfig } from '../../shared/runtime/config';
import { installPiiKey } from '../../shared/runtime/pii-key';
import { createObservability } from '../../shared/runtime/observability';
import { ENV, ORR_SENDING } from '../../shared/runtime/resources';
import { noticeSendingDeps } from '../../shared/runtime/notice-sending-deps';
import { previousUtcDay, sendOrrDigest } from '../../shared/use-cases/send-orr-digest';

const config = loadConfig('sendOrrDigest');
const { logger } = createObservability('send-orr-digest');
const clients = createAwsClients();
const tableName = config[ENV.casesTable];
const deps = {
  ...noticeSendingDeps({
    clients,
    tableName,
    configurationSetName: config[ENV.sesConfigurationSet],
    rateShare: ORR_SENDING.digestRateShare,
    maxSendRate: config[ENV.sesMaxSendRate],
    mailFrom: config[ENV.mailFrom],
    logger,
  }),
  recipients: config[ENV.digestRecipients],
  recipientKey,
  // A digest run is not redelivered by a queue: an unconfirmed earlier attempt waits 10 minutes.
  unconfirmedGraceMs: 10 * 60_000,
};

/** EventBridge schedule (daily, 06:00 UTC): the previous UTC day's FTAs; `{ "day": "YYYY-MM-DD" }` in `detail` re-runs a day. */
export const handler = async (event: ScheduledEvent<{ day?: string }>, context: Context): Promise<{ day: string; sent: number }> => {
  logger.addContext(context);
  await installPiiKey(config); // deployed: the HMAC key of PII-derived item keys, read once per cold start
  const day = /^\d{4}-\d{2}-\d{2}$/.test(event.detail?.day ?? '') ? (event.detail.day as string) : previousUtcDay(systemClock.now());
  const outcomes = await sendOrrDigest(day, deps);
  const sent = outcomes.filter((o) => o.outcome === 'sent').length;
  logger.info('digest run', { day, recipients: outcomes.length, sent });
  return { day, sent };
};
