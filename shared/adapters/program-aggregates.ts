import { noticeLatencyBucket, NOTICE_TARGET_HOURS, utcDay, weekOf } from '../domain/program-metrics';

/**
 * Keys and updates of the aggregate items the metrics job reads (the contract table is in
 * shared/domain/program-metrics.ts). Each builder returns the `Update` of a DynamoDB
 * TransactWriteItems entry: put it in the **same transaction** as the write it counts, so
 * the counter moves exactly when the counted item does (a retried or redelivered write
 * fails its own condition and cancels the counter update with it).
 */
export const AGG = {
  fta: 'AGG#FTA',
  ftaDay: 'AGG#FTA_DAY',
  ftaWeek: 'AGG#FTA_WEEK',
  notice: 'AGG#NOTICE',
  backlog: 'AGG#BACKLOG',
  backlogFlow: 'AGG#BACKLOG_FLOW',
  ntaPlan: 'AGG#NTA_PLAN',
  task: 'AGG#TASK',
  taskDue: 'AGG#TASK_DUE',
  roster: 'AGG#ROSTER',
  drop: 'AGG#DROP',
} as const;

/** Counters written by many parallel transactions are sharded to avoid TransactionConflict. */
export const AGG_SHARDS = 8;

export function aggregateShard(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) | 0;
  return Math.abs(h) % AGG_SHARDS;
}

const aorKey = (aor: string | null): string => aor ?? 'NONE';

export interface AggregateUpdate {
  TableName: string;
  Key: { pk: string; sk: string };
  UpdateExpression: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
}

/** ADD each field by its delta (and SET the plain attributes given in `set`). */
function addUpdate(
  tableName: string,
  pk: string,
  sk: string,
  deltas: Record<string, number>,
  set: Record<string, string> = {},
  setIfAbsent: Record<string, string> = {},
): AggregateUpdate {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const adds = Object.entries(deltas).map(([field, delta], i) => {
    names[`#a${i}`] = field;
    values[`:a${i}`] = delta;
    return `#a${i} :a${i}`;
  });
  const sets = [
    ...Object.entries(set).map(([field, value], i) => {
      names[`#s${i}`] = field;
      values[`:s${i}`] = value;
      return `#s${i} = :s${i}`;
    }),
    ...Object.entries(setIfAbsent).map(([field, value], i) => {
      names[`#n${i}`] = field;
      values[`:n${i}`] = value;
      return `#n${i} = if_not_exists(#n${i}, :n${i})`;
    }),
  ];
  return {
    TableName: tableName,
    Key: { pk, sk },
    UpdateExpression: `ADD ${adds.join(', ')}${sets.length ? ` SET ${sets.join(', ')}` : ''}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

export interface FtaAggregateInput {
  readonly ftaId: string;
  readonly aor: string | null;
  /** The FTA's own date (YYYY-MM-DD): the week it counts in for "FTAs by week". */
  readonly date: string;
  readonly dropId: string;
}

/**
 * ingest, new FTA: AGG#FTA, AGG#FTA_DAY, AGG#FTA_WEEK and AGG#NOTICE, four updates.
 * `landedAt` should be the time the drop landed in S3 (the S3 event time); until the ingest
 * passes it, the time the FTA was recorded stands in (minutes later, within one run).
 */
export function newFtaAggregateUpdates(
  tableName: string,
  fta: FtaAggregateInput,
  recordedAt: string,
  landedAt: string = recordedAt,
): AggregateUpdate[] {
  const shard = aggregateShard(fta.ftaId);
  const aor = aorKey(fta.aor);
  return [
    addUpdate(tableName, AGG.fta, `AOR#${aor}#${shard}`, { open: 1, total: 1 }, { aor }),
    addUpdate(tableName, AGG.ftaDay, `DAY#${utcDay(new Date(recordedAt))}#AOR#${aor}#${shard}`, { new: 1 }, { aor }),
    addUpdate(tableName, AGG.ftaWeek, `WEEK#${weekOf(fta.date)}#AOR#${aor}#${shard}`, { count: 1 }, { aor }),
    addUpdate(tableName, AGG.notice, noticeSk(fta.dropId, fta.ftaId, recordedAt), { ftas: 1 }, { dropId: fta.dropId }, { landedAt }),
  ];
}

/** ingest, FTA rescinded (issue 3): open -1, rescinded +1, the day's rescinded +1, its week -1. */
export function rescindedFtaAggregateUpdates(tableName: string, fta: FtaAggregateInput, rescindedAt: string): AggregateUpdate[] {
  const shard = aggregateShard(fta.ftaId);
  const aor = aorKey(fta.aor);
  return [
    addUpdate(tableName, AGG.fta, `AOR#${aor}#${shard}`, { open: -1, rescinded: 1 }, { aor }),
    addUpdate(tableName, AGG.ftaDay, `DAY#${utcDay(new Date(rescindedAt))}#AOR#${aor}#${shard}`, { rescinded: 1 }, { aor }),
    addUpdate(tableName, AGG.ftaWeek, `WEEK#${weekOf(fta.date)}#AOR#${aor}#${shard}`, { count: -1 }, { aor }),
  ];
}

/** The AGG#NOTICE item of an FTA: the UTC day it was recorded, its drop, its shard. */
export const noticeSk = (dropId: string, ftaId: string, recordedAt: string): string =>
  `DAY#${utcDay(new Date(recordedAt))}#DROP#${dropId}#${aggregateShard(ftaId)}`;

/**
 * notifier, first email of an FTA sent (issue 4): notified +1, within24h +1 when the email
 * left within 24 h of the drop landing, and +1 in its latency bucket `lg<i>` (see noticeLatencyBucket).
 * Apply it exactly once per FTA: in one transaction with a conditional write that records
 * the send (e.g. SET notifiedAt on the FTA item, condition attribute_not_exists(notifiedAt)),
 * so a redelivered message or a retried batch cannot count the same email twice.
 * `recordedAt` and `dropId` come from the FtaRecordedMessage; `landedAt` is the drop's
 * landing time (today the ingest records it as the FTA's recordedAt).
 */
export function noticeSentAggregateUpdate(
  tableName: string,
  notice: { ftaId: string; dropId: string; recordedAt: string; landedAt: string; sentAt: string },
): AggregateUpdate {
  const latencyMs = Date.parse(notice.sentAt) - Date.parse(notice.landedAt);
  const within = latencyMs <= NOTICE_TARGET_HOURS * 3_600_000 ? 1 : 0;
  return addUpdate(
    tableName,
    AGG.notice,
    noticeSk(notice.dropId, notice.ftaId, notice.recordedAt),
    { notified: 1, within24h: within, [`lg${noticeLatencyBucket(latencyMs)}`]: 1 },
    { dropId: notice.dropId },
    { landedAt: notice.landedAt },
  );
}

/** roster (issue 5): a UC enters (+1) or leaves (-1) the NTA backlog; updates both items. */
export function backlogAggregateUpdates(
  tableName: string,
  change: { aor: string | null; releasedOn: string; at: string; delta: 1 | -1 },
): AggregateUpdate[] {
  const aor = aorKey(change.aor);
  return [
    addUpdate(tableName, AGG.backlog, `AOR#${aor}#RELEASED#${change.releasedOn.slice(0, 7)}`, { open: change.delta }, { aor }),
    addUpdate(
      tableName,
      AGG.backlogFlow,
      `WEEK#${weekOf(utcDay(new Date(change.at)))}#AOR#${aor}`,
      change.delta > 0 ? { entered: 1 } : { left: 1 },
      { aor },
    ),
  ];
}

/** scheduler (issue 5): an NTA service planned on `day` (+1) or re-planned away (-1). */
export const ntaPlanAggregateUpdate = (tableName: string, plan: { aor: string | null; day: string; delta: 1 | -1 }): AggregateUpdate =>
  addUpdate(tableName, AGG.ntaPlan, `DAY#${plan.day}#AOR#${aorKey(plan.aor)}`, { planned: plan.delta }, { aor: aorKey(plan.aor) });

/** task store: a re-verification task opened (+1) or closed (-1): AGG#TASK and AGG#TASK_DUE. */
export function taskAggregateUpdates(tableName: string, task: { aor: string | null; dueDate: string; delta: 1 | -1 }): AggregateUpdate[] {
  const aor = aorKey(task.aor);
  return [
    addUpdate(tableName, AGG.task, `REVERIFY#${aor}`, { open: task.delta }, { aor }),
    addUpdate(tableName, AGG.taskDue, `DUE#${task.dueDate}#AOR#${aor}`, { open: task.delta }, { aor }),
  ];
}

/** roster matcher (issue 5): a UC case matched no roster row (+1), or was matched later (-1). */
export const unmatchedAggregateUpdate = (tableName: string, change: { aor: string | null; delta: 1 | -1 }): AggregateUpdate =>
  addUpdate(tableName, AGG.roster, `UNMATCHED#${aorKey(change.aor)}`, { unmatched: change.delta }, { aor: aorKey(change.aor) });

/** The per-drop history item the job reads for "rows rejected per drop" (a Put, not a counter). */
export function dropHistoryItem(drop: {
  dropId: string;
  landedAt: string;
  rowsRead: number;
  rowsRejected: number;
  ftasNew: number;
  ftasRescinded: number;
}): Record<string, unknown> {
  return { pk: AGG.drop, sk: `DROP#${drop.landedAt}#${drop.dropId}`, ...drop };
}
