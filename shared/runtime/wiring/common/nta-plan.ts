import { createDynamoRosterStore } from '../../../adapters/cases-table/dynamo-roster-store';
import { createS3Objects } from '../../../adapters/s3-objects';
import { systemClock } from '../../../ports/clock';
import type { Log } from '../../../ports/log';
import type { IngestRosterDeps } from '../../../use-cases/ingest-roster';
import type { ReplanDeps } from '../../../use-cases/steps/replan-nta-backlog';
import type { RosterStore } from '../../../ports/roster-store';
import type { ObjectSource } from '../../../ports/object-sink';
import { createDynamoCaseStore } from '../../../adapters/cases-table/dynamo-case-store';
import { createSqsFtaPublisher } from '../../../adapters/sqs-fta-publisher';
import type { AwsClients } from '../../aws-clients';
import type { Config } from '../../config';
import { ENV } from '../../resources';

/** Wires the roster store, the bucket and the plan settings for the functions that re-plan. */
export function ntaPlanDeps(
  config: Config<'ingestRoster'> | Config<'planNta'> | Config<'scheduleNta'> | Config<'recordWorkListReturns'>,
  clients: AwsClients,
  log: Log,
): Omit<ReplanDeps, 'roster'> & { readonly roster: RosterStore; readonly source: ObjectSource } {
  const objects = createS3Objects({ client: clients.s3, bucket: config[ENV.dropBucket] });
  return {
    roster: createDynamoRosterStore({ client: clients.dynamo, tableName: config[ENV.casesTable] }),
    files: objects,
    source: objects,
    clock: systemClock,
    log,
    capacity: { defaultSlotsPerDay: config[ENV.ntaSlotsPerDay], slotsPerDayByAor: config[ENV.ntaSlotsByAor] },
    priority: config[ENV.ntaPriorityOrder],
    workListDays: config[ENV.ntaWorkListDays],
  };
}

/**
 * The roster ingest's ports: the plan's, plus the case store (UC marks, FTA signals, the
 * A-number index) and the FTA fan-out queues, for the FTAs of cases a roster makes UC cases.
 */
export function ingestRosterDeps(config: Config<'ingestRoster'>, clients: AwsClients, log: Log): IngestRosterDeps {
  return {
    ...ntaPlanDeps(config, clients, log),
    cases: createDynamoCaseStore({ client: clients.dynamo, tableName: config[ENV.casesTable] }),
    publisher: createSqsFtaPublisher({ client: clients.sqs, queueUrls: [config[ENV.orrNoticeQueueUrl], config[ENV.ntaScheduleQueueUrl]] }),
  };
}
