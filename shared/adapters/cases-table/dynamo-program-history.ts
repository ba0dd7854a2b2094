import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ProgramHistory } from '../../domain/program-report';
import type { ProgramHistoryReader } from '../../ports/program-history';
import { AGG } from './program-aggregates';
import { queryPartition } from './batch-and-query';

export interface DynamoProgramHistoryOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

type Item = Record<string, unknown>;
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0)) || 0;
const str = (v: unknown): string => String(v ?? '');
/** The date in `DAY#<day>#...` or `WEEK#<week>#...`. */
const keyDate = (item: Item): string => str(item.sk).split('#')[1] ?? '';

/**
 * The whole history of the dated counters (contract in shared/domain/program-metrics.ts):
 * one paged Query per partition. Items grow with days x AORs x shards, not with UCs; the
 * local report reads them once per run, the scheduled metrics job never does.
 */
export function createDynamoProgramHistory({ client, tableName }: DynamoProgramHistoryOptions): ProgramHistoryReader {
  const all = (pk: string, prefix: string): Promise<Item[]> => queryPartition(client, tableName, { pk, skPrefix: prefix });

  return {
    async readProgramHistory(): Promise<ProgramHistory> {
      const [ftaDays, ftaWeeks, backlogFlow, taskFlow] = await Promise.all([
        all(AGG.ftaDay, 'DAY#'),
        all(AGG.ftaWeek, 'WEEK#'),
        all(AGG.backlogFlow, 'WEEK#'),
        all(AGG.taskFlow, 'DAY#'),
      ]);
      return {
        ftaDays: ftaDays.map((i) => ({ day: keyDate(i), aor: str(i.aor), new: num(i.new), rescinded: num(i.rescinded) })),
        ftaWeeks: ftaWeeks.map((i) => ({ week: keyDate(i), aor: str(i.aor), count: num(i.count) })),
        backlogFlow: backlogFlow.map((i) => ({ week: keyDate(i), aor: str(i.aor), entered: num(i.entered), left: num(i.left) })),
        taskFlow: taskFlow.map((i) => ({ day: keyDate(i), aor: str(i.aor), opened: num(i.opened), closed: num(i.closed) })),
      };
    },
  };
}
