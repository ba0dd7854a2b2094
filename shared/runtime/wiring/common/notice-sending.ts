import type { Logger } from '@aws-lambda-powertools/logger';
import { createDynamoCaseDetails } from '../../../adapters/cases-table/dynamo-case-details';
import { createDynamoCaseStore } from '../../../adapters/cases-table/dynamo-case-store';
import { createDynamoNoticeLedger } from '../../../adapters/cases-table/dynamo-notice-ledger';
import { createSesMailer } from '../../../adapters/ses-mailer';
import { systemClock } from '../../../ports/clock';
import type { AwsClients } from '../../aws-clients';
import type { SendSlots } from '../../../ports/send-slots';
import { ENV } from '../../resources';
import { loadNoticeRenderer } from '../../templates';

/**
 * What every function that sends email wires the same way (the notifier, the digest, the hearing reminders):
 * the FTA reader, case details, the notice ledger, the SES mailer at its share of the
 * sending rate, the templates, the clock and the logger. Each function's wiring adds its own settings.
 */
export function noticeSendingDeps(options: {
  clients: AwsClients;
  /** The sending function's parsed config: its table, mail sender and SES settings. */
  config: NoticeSendingConfig;
  /** This function's share of the account's SES sending rate (ORR_SENDING, REMINDER_RATE_SHARE). */
  rateShare: number;
  /** Slots shared by the function's instances (the notifiers): `rateShare` is then all of theirs together. */
  sharedSlots?: SendSlots;
  logger: Logger;
}) {
  const { clients, config } = options;
  const tableName = config[ENV.casesTable];
  const mailFrom = config[ENV.mailFrom];
  return {
    ftas: createDynamoCaseStore({ client: clients.dynamo, tableName }),
    caseDetails: createDynamoCaseDetails({ client: clients.dynamo, tableName }),
    ledger: createDynamoNoticeLedger({ client: clients.dynamo, tableName }),
    // The account's SES MaxSendRate when configured: no GetSendQuota call then.
    mailer: createSesMailer({ client: clients.ses, configurationSetName: config[ENV.sesConfigurationSet], rateShare: options.rateShare, maxSendRate: config[ENV.sesMaxSendRate], backoff: sesBackoffOf(config), ...(options.sharedSlots === undefined ? {} : { sharedSlots: options.sharedSlots }) }),
    renderer: loadNoticeRenderer(),
    clock: systemClock,
    log: options.logger,
    from: mailFrom,
    messageIdDomain: mailFrom.split('@')[1] ?? 'docket-watch.invalid',
  };
}

/** The settings every email-sending function's config has (shared/runtime/config.ts). */
export interface NoticeSendingConfig {
  readonly [ENV.casesTable]: string;
  readonly [ENV.mailFrom]: string;
  readonly [ENV.sesConfigurationSet]?: string | undefined;
  readonly [ENV.sesMaxSendRate]?: number | undefined;
  readonly [ENV.sesBackoffBaseMs]?: number | undefined;
  readonly [ENV.sesBackoffCapMs]?: number | undefined;
}

/** The mailer's backoff from config: unset deployed (the mailer's SES_BACKOFF), shortened by the local fault tests. */
export const sesBackoffOf = (config: NoticeSendingConfig) => ({ baseMs: config[ENV.sesBackoffBaseMs], capMs: config[ENV.sesBackoffCapMs] });
