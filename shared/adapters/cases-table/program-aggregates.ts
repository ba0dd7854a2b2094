import { AGG } from './keys';
import { noticeLatencyBucket, NOTICE_TARGET_HOURS, utcDay, weekOf } from '../../domain/program-metrics';

/**
 * Keys and updates of the aggregate items the metrics job reads (the contract table is in
 * shared/domain/program-metrics.ts). Each builder returns the `Update` of a DynamoDB
 * TransactWriteItems entry: put it in the **same transaction** as the write it counts, so
 * the counter moves exactly when the counted item does (a retried or redelivered write
 * fails its own condition and cancels the counter update with it).
 */
export { AGG } from './keys';

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

/** ingest, FTA rescinded: open -1, rescinded +1, the day's rescinded +1, its week -1. */
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
 * notifier, first email of an FTA sent: notified +1, within24h +1 when the email
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

/**
 * One aggregate item's change, before it becomes an Update: writers that move many counted
 * items in one transaction sum these per item with `combineAggregateDeltas` (a transaction
 * may name an item only once).
 */
export interface AggregateDelta {
  readonly pk: string;
  readonly sk: string;
  readonly add: Readonly<Record<string, number>>;
  readonly aor: string;
}

/** Sums deltas per item and drops those that net to zero: the Updates to put in one transaction. */
export function combineAggregateDeltas(tableName: string, deltas: readonly AggregateDelta[]): AggregateUpdate[] {
  const byKey = new Map<string, { pk: string; sk: string; aor: string; add: Record<string, number> }>();
  for (const d of deltas) {
    const key = `${d.pk}\u0000${d.sk}`;
    let entry = byKey.get(key);
    if (entry === undefined) byKey.set(key, (entry = { pk: d.pk, sk: d.sk, aor: d.aor, add: {} }));
    for (const [field, n] of Object.entries(d.add)) entry.add[field] = (entry.add[field] ?? 0) + n;
  }
  const updates: AggregateUpdate[] = [];
  for (const e of byKey.values()) {
    const add = Object.fromEntries(Object.entries(e.add).filter(([, n]) => n !== 0));
    if (Object.keys(add).length > 0) updates.push(addUpdate(tableName, e.pk, e.sk, add, { aor: e.aor }));
  }
  return updates;
}

/** The AGG#BACKLOG item of a UC's backlog state (AOR, month of ORR release). */
export const backlogAggregateSk = (aor: string | null, releasedOn: string): string =>
  `AOR#${aorKey(aor)}#RELEASED#${releasedOn.slice(0, 7)}`;

/** roster: a UC enters (+1) or leaves (-1) the NTA backlog: AGG#BACKLOG and AGG#BACKLOG_FLOW. */
export function backlogAggregateDeltas(change: { aor: string | null; releasedOn: string; at: string; delta: 1 | -1 }): AggregateDelta[] {
  const aor = aorKey(change.aor);
  return [
    { pk: AGG.backlog, sk: backlogAggregateSk(aor, change.releasedOn), add: { open: change.delta }, aor },
    {
      pk: AGG.backlogFlow,
      sk: `WEEK#${weekOf(utcDay(new Date(change.at)))}#AOR#${aor}`,
      add: change.delta > 0 ? { entered: 1 } : { left: 1 },
      aor,
    },
  ];
}

/** roster: a UC enters (+1) or leaves (-1) the NTA backlog; updates both items. */
export const backlogAggregateUpdates = (
  tableName: string,
  change: { aor: string | null; releasedOn: string; at: string; delta: 1 | -1 },
): AggregateUpdate[] => combineAggregateDeltas(tableName, backlogAggregateDeltas(change));

/** scheduler: an NTA service planned on `day` (+1) or re-planned away (-1). */
export const ntaPlanAggregateDelta = (plan: { aor: string | null; day: string; delta: 1 | -1 }): AggregateDelta => ({
  pk: AGG.ntaPlan,
  sk: `DAY#${plan.day}#AOR#${aorKey(plan.aor)}`,
  add: { planned: plan.delta },
  aor: aorKey(plan.aor),
});

/** scheduler: an NTA service planned on `day` (+1) or re-planned away (-1). */
export const ntaPlanAggregateUpdate = (tableName: string, plan: { aor: string | null; day: string; delta: 1 | -1 }): AggregateUpdate =>
  combineAggregateDeltas(tableName, [ntaPlanAggregateDelta(plan)])[0]!;

/**
 * task store: a re-verification task opened (+1) or closed (-1) at `at` (ISO): AGG#TASK,
 * AGG#TASK_DUE and AGG#TASK_FLOW (the day it opened or closed, for the open-tasks trend).
 */
export function taskAggregateUpdates(
  tableName: string,
  task: { aor: string | null; dueDate: string; delta: 1 | -1; at: string },
): AggregateUpdate[] {
  const aor = aorKey(task.aor);
  return [
    addUpdate(tableName, AGG.task, `REVERIFY#${aor}`, { open: task.delta }, { aor }),
    addUpdate(tableName, AGG.taskDue, `DUE#${task.dueDate}#AOR#${aor}`, { open: task.delta }, { aor }),
    addUpdate(tableName, AGG.taskFlow, `DAY#${utcDay(new Date(task.at))}#AOR#${aor}`, task.delta > 0 ? { opened: 1 } : { closed: 1 }, { aor }),
  ];
}

/** roster matcher: a UC case matched no roster row (+1), or was matched later (-1). */
export const unmatchedAggregateDelta = (change: { aor: string | null; delta: 1 | -1 }): AggregateDelta => ({
  pk: AGG.roster,
  sk: `UNMATCHED#${aorKey(change.aor)}`,
  add: { unmatched: change.delta },
  aor: aorKey(change.aor),
});

/** roster matcher: a UC case matched no roster row (+1), or was matched later (-1). */
export const unmatchedAggregateUpdate = (tableName: string, change: { aor: string | null; delta: 1 | -1 }): AggregateUpdate =>
  combineAggregateDeltas(tableName, [unmatchedAggregateDelta(change)])[0]!;

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

/**
 * ingest, an FTA recorded already RESCINDED (its case became a UC case after a later drop
 * withdrew it): total +1 and rescinded +1 (never open), the day's new and rescinded +1; its
 * week nets to zero and no notice is counted (none is sent).
 */
export function rescindedAtRecordAggregateUpdates(tableName: string, fta: FtaAggregateInput, recordedAt: string): AggregateUpdate[] {
  const shard = aggregateShard(fta.ftaId);
  const aor = aorKey(fta.aor);
  return [
    addUpdate(tableName, AGG.fta, `AOR#${aor}#${shard}`, { total: 1, rescinded: 1 }, { aor }),
    addUpdate(tableName, AGG.ftaDay, `DAY#${utcDay(new Date(recordedAt))}#AOR#${aor}#${shard}`, { new: 1, rescinded: 1 }, { aor }),
  ];
}
