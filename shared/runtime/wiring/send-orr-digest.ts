import { recipientKey } from '../../adapters/cases-table/pii-keys';
import { createAwsClients } from '../aws-clients';
import { loadConfig } from '../config';
import { createObservability } from '../observability';
import { ENV, ORR_SENDING } from '../resources';
import { noticeSendingDeps } from './common/notice-sending';

/** send-orr-digest, built once per cold start: the notice-sending ports at the digest's share of the SES rate, and its recipients. */
export const config = loadConfig('sendOrrDigest');
export const { logger } = createObservability('send-orr-digest');
const clients = createAwsClients();
const sending = noticeSendingDeps({ clients, config, rateShare: ORR_SENDING.digestRateShare, logger });
export const deps = {
  ...sending,
  recipients: config[ENV.digestRecipients],
  recipientKey,
  // A digest run is not redelivered by a queue: an unconfirmed earlier attempt waits 10 minutes.
  unconfirmedGraceMs: 10 * 60_000,
};
