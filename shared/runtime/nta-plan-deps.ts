import { createDynamoRosterStore } from '../adapters/dynamo-roster-store';
import { createS3Objects } from '../adapters/s3-objects';
import { systemClock } from '../ports/clock';
import type { Log } from '../ports/log';
import type { IngestRosterDeps } from '../use-cases/ingest-roster';
import type { AwsClients } from './aws-clients';
import type { Config } from './config';
import { ENV } from './resources';

/** Wires the roster store, the bucket and the plan settings for the functions that re-plan. */
export function ntaPlanDeps(
  config: Config<'ingestRoster'> | Config<'planNta'> | Config<'scheduleNta'> | Config<'recordWorkListReturns'>,
  clients: AwsClients,
  log: Log,
): IngestRosterDeps {
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
