import type { Logger } from '@aws-lambda-powertools/logger';
import { createDynamoCaseDetails } from '../../../adapters/cases-table/dynamo-case-details';
import { createDynamoCaseStore } from '../../../adapters/cases-table/dynamo-case-store';
import { createDynamoNoticeLedger } from '../../../adapters/cases-table/dynamo-notice-ledger';
import { createSesMailer } from '../../../adapters/ses-mailer';
import { systemClock } from '../../../ports/clock';
import type { AwsClients } from '../../aws-clients';
import type { Mailer } from '../../../ports/mailer';
import type { SendSlots } from '../../../ports/send-slots';
import { createDynamoSendSlots } from '../../../adapters/cases-table/dynamo-notice-send-slots';
import { ENV, ORR_SENDING } from '../../resources';
import { loadNoticeRenderer } from '../../templates';

/**
 * What every function that sends email wires the same way (the notifier, the digest, the hearing reminders):
 * the FTA reader, case details, the notice ledger, the SES mailer at its share of the
 * sending rate taking its sends from the account's pool of slots, the templates, the clock and the logger. Each function's wiring adds its own settings.
 */
export function noticeSendingDeps(options: {
  clients: AwsClients;
  /** The sending function's parsed config: its table, mail sender and SES settings. */
  config: NoticeSendingConfig;
  /** This function's share of the account's SES sending rate at most (ORR_SENDING, REMINDER_RATE_SHARE). */
  rateShare: number;
  logger: Logger;
}) {
  const { clients, config } = options;
  const tableName = config[ENV.casesTable];
  const mailFrom = config[ENV.mailFrom];
  return {
    ftas: createDynamoCaseStore({ client: clients.dynamo, tableName }),
    caseDetails: createDynamoCaseDetails({ client: clients.dynamo, tableName }),
    ledger: createDynamoNoticeLedger({ client: clients.dynamo, tableName }),
    mailer: accountMailer(clients, config, options.rateShare),
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

/**
 * The SES mailer of every function that sends email: at most `rateShare` of the account's
 * MaxSendRate (SES_MAX_SEND_RATE when configured, else GetSendQuota), each send's slot
 * taken from the account's pool in the cases table (ORR_SENDING.slotPool), so the senders
 * together stay within the account's rate.
 */
export function accountMailer(clients: AwsClients, config: NoticeSendingConfig, rateShare: number): Mailer {
  const sharedSlots: SendSlots = createDynamoSendSlots({ client: clients.dynamo, tableName: config[ENV.casesTable], pool: ORR_SENDING.slotPool });
  return createSesMailer({ client: clients.ses, configurationSetName: config[ENV.sesConfigurationSet], rateShare, maxSendRate: config[ENV.sesMaxSendRate], backoff: sesBackoffOf(config), sharedSlots });
}
