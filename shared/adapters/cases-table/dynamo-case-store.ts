import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DropReport } from '../../domain/drop-report';
import type { CaseStore } from '../../ports/case-store';
import { createDynamoAddressHistory } from './dynamo-address-history';
import { createDynamoANumberIndex } from './dynamo-a-number-index';
import { createDynamoCaseHearings } from './dynamo-case-hearings';
import { createDynamoDropAsOf } from './dynamo-drop-as-of';
import { createDynamoDropReports } from './dynamo-drop-reports';
import { createDynamoFtaOutbox } from './dynamo-fta-outbox';
import { createDynamoFtaSignals } from './dynamo-fta-signals';
import { createDynamoFtas } from './dynamo-ftas';
import { createDynamoReadingDrops } from './dynamo-reading-drops';
import { createDynamoUcCaseMarks } from './dynamo-uc-case-marks';
import type { FtaView } from './fta-item';

export type { FtaView } from './fta-item';

/*
 * The case store the ingest and the outbox sweep use, over one cases table: UC case marks
 * (dynamo-uc-case-marks.ts), FTAs and rescissions (dynamo-ftas.ts) and their outbox
 * (dynamo-fta-outbox.ts), hearings (dynamo-case-hearings.ts), EOIR addresses
 * (dynamo-address-history.ts), drop reports (dynamo-drop-reports.ts), FTA signals, the
 * A-number index, drop as-ofs, and the claims of drops being read (dynamo-reading-drops.ts). Item shapes: keys.ts, ITEM_FAMILIES.
 */
export interface DynamoCaseStoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

export function createDynamoCaseStore(options: DynamoCaseStoreOptions): CaseStore & {
  getFta(caseId: string, ftaId: string): Promise<FtaView | undefined>;
  listCaseFtaIds(caseId: string): Promise<readonly string[]>;
  listFtas(): AsyncIterable<FtaView>;
  listDropReports(): Promise<DropReport[]>;
  aNumbersOf(caseIds: readonly string[]): Promise<ReadonlyMap<string, string>>;
} {
  const addresses = createDynamoAddressHistory(options);
  return {
    signals: createDynamoFtaSignals(options),
    aNumbers: createDynamoANumberIndex(options),
    dropAsOf: createDynamoDropAsOf(options),
    readingDrops: createDynamoReadingDrops(options),
    ...createDynamoUcCaseMarks(options),
    ...createDynamoFtas(options),
    ...createDynamoFtaOutbox(options),
    ...createDynamoCaseHearings(options),
    ...createDynamoDropReports(options),
    recordAddresses: addresses.recordAddresses,
  };
}
