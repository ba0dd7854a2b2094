import type { DynamoDBDocumentClient, TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Aor } from '../../domain/aor';
import type { BacklogStatus } from '../../domain/roster';
import { batchGetItems } from './batch-and-query';
import { personKeys } from './keys';
import { backlogAggregateDeltas, ntaPlanAggregateDelta, type AggregateDelta } from './program-aggregates';

/*
 * What the roster UC and NTA backlog stores read of a UC before changing it, and the guards
 * their writes carry: every write is conditional on the state read (the roster item's
 * revision, the backlog entry's planned day), so the counters that move in the same
 * transaction (program-aggregates.ts) count each change exactly once.
 */

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Rounds of read-and-write before a UC that keeps changing under us is an error. */
export const MAX_ATTEMPTS = 8;
/** Changes per transaction list handed to applyGuardedChanges (it packs them into <= 100 items). */
export const TRANSACTION_BATCH = 30;

/** What the store read of a UC before changing it: the state its aggregates count. */
export interface PreviousUc {
  aor: Aor;
  status: BacklogStatus;
  ftaCaseId: string | null;
  /** The EOIR case matched to the UC by A-number (the roster did not name it). */
  matchedCaseId: string | null;
  /** The EOIR case the roster named. */
  rosterCaseId: string | null;
  /** An NTA served as a field office reported it (a returned work list), the roster not knowing it yet. */
  eroNtaServedDate: string | null;
  priorFta: boolean;
  releaseDate: string | null;
  /** Revision of the roster item; every write bumps it (optimistic concurrency). */
  rev: number | null;
  /** The backlog entry's planned day, when the UC is in the backlog. */
  plannedDate: string | null;
}

/** A backlog entry's planned day is still the one read (null: none, or stored as NULL). */
export function plannedDateIs(day: string | null, names: Record<string, string>, values: Record<string, unknown>): string {
  names['#pd'] = 'plannedDate';
  if (day === null) {
    values[':nullType'] = 'NULL';
    return '(attribute_not_exists(#pd) OR attribute_type(#pd, :nullType))';
  }
  values[':pd'] = day;
  return '#pd = :pd';
}

/** The roster item is still at the revision read (or still absent). */
export function revisionIs(rev: number | null | undefined, values: Record<string, unknown>): string {
  if (rev === undefined) return 'attribute_not_exists(pk)';
  if (rev === null) return 'attribute_exists(pk) AND attribute_not_exists(rev)';
  values[':rev'] = rev;
  return 'rev = :rev';
}

/** The stored state of these UCs, with the planned day of those in the backlog (consistent reads). */
export async function previousOf(client: DynamoDBDocumentClient, tableName: string, aNumbers: readonly string[]): Promise<Map<string, PreviousUc>> {
  const found = new Map<string, PreviousUc>();
  const ucs = await batchGetItems(client, tableName, aNumbers.map(personKeys.rosterUc), {
    projection: 'aNumber, aor, #s, ftaCaseId, matchedCaseId, eoirCaseId, eroNtaServedDate, priorFta, orrReleaseDate, rev',
    names: { '#s': 'status' },
    consistentRead: true,
  });
  for (const item of ucs) {
    found.set(String(item.aNumber), {
      aor: item.aor as Aor,
      status: item.status as BacklogStatus,
      ftaCaseId: (item.ftaCaseId as string | undefined) ?? null,
      matchedCaseId: (item.matchedCaseId as string | undefined) ?? null,
      rosterCaseId: (item.eoirCaseId as string | null | undefined) ?? null,
      eroNtaServedDate: (item.eroNtaServedDate as string | undefined) ?? null,
      priorFta: item.priorFta === true,
      releaseDate: (item.orrReleaseDate as string | null | undefined) ?? null,
      rev: typeof item.rev === 'number' ? item.rev : null,
      plannedDate: null,
    });
  }
  const inBacklog = [...found.entries()].filter(([, p]) => p.status === 'BACKLOG');
  const entries = await batchGetItems(client, tableName, inBacklog.map(([a, p]) => personKeys.backlogEntry(p.aor, a)), {
    projection: 'aNumber, #pd',
    names: { '#pd': 'plannedDate' },
    consistentRead: true,
  });
  for (const item of entries) {
    const p = found.get(String(item.aNumber));
    if (p) p.plannedDate = (item.plannedDate as string | null | undefined) ?? null;
  }
  return found;
}

/**
 * Leaving the backlog entry of `prev`: its delete (guarded by the planned day read) and
 * the counters it moves (backlog -1 in its AOR and release month, planned day -1).
 */
export function leaveBacklog(
  tableName: string,
  aNumber: string,
  prev: PreviousUc,
  at: string,
): { items: TransactItem[]; deltas: AggregateDelta[] } {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const condition = `attribute_exists(pk) AND ${plannedDateIs(prev.plannedDate, names, values)}`;
  return {
    items: [
      {
        Delete: {
          TableName: tableName,
          Key: personKeys.backlogEntry(prev.aor, aNumber),
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
    ],
    deltas: [
      ...backlogAggregateDeltas({ aor: prev.aor, releasedOn: prev.releaseDate ?? at, at, delta: -1 }),
      ...(prev.plannedDate === null ? [] : [ntaPlanAggregateDelta({ aor: prev.aor, day: prev.plannedDate, delta: -1 })]),
    ],
  };
}
