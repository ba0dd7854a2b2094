import type { Logger } from '@aws-lambda-powertools/logger';
import { createDynamoCaseDetails } from '../../../adapters/cases-table/dynamo-case-details';
import { createDynamoCaseStore } from '../../../adapters/cases-table/dynamo-case-store';
import { createDynamoNoticeLedger } from '../../../adapters/cases-table/dynamo-notice-ledger';
import { createSesMailer } from '../../../adapters/ses-mailer';
import { systemClock } from '../../../ports/clock';
import type { AwsClients } from '../../aws-clients';
import { loadNoticeRenderer } from '../../templates';

/**
 * What every function that sends email wires the same way (the notifier, the digest, the hearing reminders):
 * the FTA reader, case details, the notice ledger, the SES mailer at its share of the
 * sending rate, the templates, the clock and the logger. Each function's wiring adds its own settings.
 */
export function noticeSendingDeps(options: {
  clients: AwsClients;
  tableName: string;
  configurationSetName: string | undefined;
  rateShare: number;
  /** The account's SES MaxSendRate when configured (no GetSendQuota call then). */
  maxSendRate?: number;
  mailFrom: string;
  logger: Logger;
}) {
  const { clients, tableName } = options;
  return {
    ftas: createDynamoCaseStore({ client: clients.dynamo, tableName }),
    caseDetails: createDynamoCaseDetails({ client: clients.dynamo, tableName }),
    ledger: createDynamoNoticeLedger({ client: clients.dynamo, tableName }),
    mailer: createSesMailer({ client: clients.ses, configurationSetName: options.configurationSetName, rateShare: options.rateShare, maxSendRate: options.maxSendRate }),
    renderer: loadNoticeRenderer(),
    clock: systemClock,
    log: options.logger,
    from: options.mailFrom,
    messageIdDomain: options.mailFrom.split('@')[1] ?? 'docket-watch.invalid',
  };
}
