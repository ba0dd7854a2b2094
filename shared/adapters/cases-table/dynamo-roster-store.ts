import type { RosterStore } from '../../ports/roster-store';
import { createDynamoAddressHistory } from './dynamo-address-history';
import { createDynamoNtaBacklog, type DynamoNtaBacklogOptions } from './dynamo-nta-backlog';
import { createDynamoRosterMatching } from './dynamo-roster-matching';
import { createDynamoRosterUcs } from './dynamo-roster-ucs';

/*
 * The roster store a function's wiring hands its use cases: the roster UCs
 * (dynamo-roster-ucs.ts), the NTA backlog and its lease (dynamo-nta-backlog.ts), the
 * address history (dynamo-address-history.ts) and the matching report's reads and writes
 * (dynamo-roster-matching.ts), over one cases table. Item shapes: keys.ts, ITEM_FAMILIES.
 */
export type DynamoRosterStoreOptions = DynamoNtaBacklogOptions;

export function createDynamoRosterStore(options: DynamoRosterStoreOptions): RosterStore {
  const { client, tableName } = options;
  const addresses = createDynamoAddressHistory({ client, tableName });
  return {
    ...createDynamoRosterUcs({ client, tableName }),
    ...createDynamoNtaBacklog(options),
    ...createDynamoRosterMatching({ client, tableName }),
    recordAddress: addresses.recordAddress,
    flagAddressDisagreements: addresses.flagAddressDisagreements,
  };
}
