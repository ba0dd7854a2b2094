import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  metricRanges,
  METRIC_WINDOWS,
  emptyLatency,
  type ProgramState,
} from '../../domain/program-metrics';
import type { ProgramStateReader } from '../../ports/program-state';
import { queryPartition } from './batch-and-query';
import { AGG, keys } from './keys';

export interface DynamoProgramStateOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

type Item = Record<string, unknown>;
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0)) || 0;
const str = (v: unknown): string => String(v ?? '');
/** '~' sorts after every character our sort keys use, so `<prefix>~` ends a prefix range. */
const END = '~';

/**
 * Reads the aggregate items (contract in shared/domain/program-metrics.ts): one Query per
 * aggregate partition, each bounded by a key range of METRIC_WINDOWS, plus one GetItem.
 * Reads grow with AORs x shards and recent days or drops, never with the number of UCs.
 */
export function createDynamoProgramState({ client, tableName }: DynamoProgramStateOptions): ProgramStateReader {
  async function query(
    pk: string,
    range?: { from: string; to: string } | { prefix: string },
    options: { newestFirst?: boolean; limit?: number } = {},
  ): Promise<Item[]> {
    return queryPartition(client, tableName, {
      pk,
      ...(range === undefined ? {} : 'prefix' in range ? { skPrefix: range.prefix } : { skBetween: range }),
      newestFirst: options.newestFirst,
      limit: options.limit,
      consumedCapacity: true,
    });
  }
  const between = (prefix: string, r: { from: string; to: string }) => ({ from: `${prefix}${r.from}`, to: `${prefix}${r.to}${END}` });
  const sumByAor = (items: readonly Item[], field: string): Map<string, number> => {
    const sums = new Map<string, number>();
    for (const item of items) sums.set(str(item.aor), (sums.get(str(item.aor)) ?? 0) + num(item[field]));
    return sums;
  };

  return {
    async readProgramState(now: Date): Promise<ProgramState> {
      const r = metricRanges(now);
      const [fta, ftaDays, ftaWeeks, notices, backlog, flow, planned, tasks, tasksDue, roster, drops, last] = await Promise.all([
        query(AGG.fta),
        query(AGG.ftaDay, between('DAY#', r.ftaDays)),
        query(AGG.ftaWeek, between('WEEK#', r.ftaWeeks)),
        query(AGG.notice, between('DAY#', r.noticeDays)),
        query(AGG.backlog),
        query(AGG.backlogFlow, between('WEEK#', r.backlogFlowWeeks)),
        query(AGG.ntaPlan, between('DAY#', r.plannedDays)),
        query(AGG.task, { prefix: 'REVERIFY#' }),
        query(AGG.taskDue, between('DUE#', r.overdueDays)),
        query(AGG.roster, { prefix: 'UNMATCHED#' }),
        query(AGG.drop, { prefix: 'DROP#' }, { newestFirst: true, limit: METRIC_WINDOWS.dropHistory }),
        client.send(new GetCommand({ TableName: tableName, Key: keys.lastDrop() })),
      ]);
      // sk part after the prefix: DAY#<day>#..., WEEK#<week>#..., DUE#<day>#...
      const keyDate = (item: Item): string => str(item.sk).split('#')[1] ?? '';
      const noticeByDrop = new Map<string, { day: string; dropId: string; landedAt: string | null; ftas: number; notified: number; within24h: number; latency: number[] }>();
      for (const item of notices) {
        const [, day = '', , dropId = ''] = str(item.sk).split('#');
        const key = `${day}#${dropId}`;
        const row = noticeByDrop.get(key) ?? {
          day,
          dropId,
          landedAt: null,
          ftas: 0,
          notified: 0,
          within24h: 0,
          latency: emptyLatency(),
        };
        if (typeof item.landedAt === 'string' && (row.landedAt === null || item.landedAt < row.landedAt)) row.landedAt = item.landedAt;
        row.ftas += num(item.ftas);
        row.notified += num(item.notified);
        row.within24h += num(item.within24h);
        for (const [name, value] of Object.entries(item)) {
          const bucket = /^lg(\d+)$/.exec(name);
          const i = bucket ? Number(bucket[1]) : -1;
          if (i >= 0 && i < row.latency.length) row.latency[i] = (row.latency[i] ?? 0) + num(value);
        }
        noticeByDrop.set(key, row);
      }
      return {
        ftasOpenByAor: sumByAor(fta, 'open'),
        ftasRescindedByAor: sumByAor(fta, 'rescinded'),
        ftaDays: ftaDays.map((i) => ({ day: keyDate(i), aor: str(i.aor), new: num(i.new), rescinded: num(i.rescinded) })),
        ftaWeeks: ftaWeeks.map((i) => ({ week: keyDate(i), aor: str(i.aor), count: num(i.count) })),
        notices: [...noticeByDrop.values()],
        backlog: backlog.map((i) => ({ aor: str(i.aor), releasedMonth: str(i.sk).split('#RELEASED#')[1] ?? '', open: num(i.open) })),
        backlogFlow: flow.map((i) => ({ week: keyDate(i), aor: str(i.aor), entered: num(i.entered), left: num(i.left) })),
        planned: planned.map((i) => ({ day: keyDate(i), aor: str(i.aor), planned: num(i.planned) })),
        tasksOpenByAor: sumByAor(tasks, 'open'),
        tasksDue: tasksDue.map((i) => ({ due: keyDate(i), aor: str(i.aor), open: num(i.open) })),
        unmatchedByAor: sumByAor(roster, 'unmatched'),
        drops: drops.slice(0, METRIC_WINDOWS.dropHistory).map((i) => ({
          dropId: str(i.dropId),
          landedAt: str(i.landedAt),
          rowsRead: num(i.rowsRead),
          rowsRejected: num(i.rowsRejected),
          ftasNew: num(i.ftasNew),
          ftasRescinded: num(i.ftasRescinded),
        })),
        lastDropAt: (last.Item?.lastDropAt as string | undefined) ?? null,
      };
    },
  };
}
