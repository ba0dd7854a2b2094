import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { isAor, type Aor } from '../../domain/aor';
import { systemClock, type Clock } from '../../ports/clock';
import type { NtaBacklog, PlanLease, StoredBacklogUc } from '../../ports/roster-store';
import { backoffMs, chunk, sleep } from '../../lib/concurrency';
import { queryPartition } from './batch-and-query';
import { keys, personKeys } from './keys';
import { ntaPlanAggregateDelta } from './program-aggregates';
import { plannedDateIs, TRANSACTION_BATCH, type TransactItem } from './roster-uc-state';
import { applyGuardedChanges, GuardFailedError, isConditionFailure, type GuardedChange } from './transactions';

/*
 * The NTA backlog as the planner reads and writes it (keys.ts: backlogEntry, planLease):
 * one partition per AOR, one entry per UC (written by the roster UC store), its planned day
 * set here under the AOR's lease. Each planned-day move carries its AGG#NTA_PLAN delta and
 * the lease's ConditionCheck in the same transaction (fencing: a re-plan that lost its
 * lease writes nothing more).
 */
export interface DynamoNtaBacklogOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** How long a re-plan holds its AOR's lease at most (a holder that dies frees it then). */
  readonly leaseSeconds?: number;
  /** How long a re-plan waits for another re-plan of the same AOR before failing (NTA_PLAN_LOCKED). */
  readonly leaseWaitMs?: number;
  /**
   * The time a plan lease is taken at and expires by (`expiresAt`, epoch ms); the system
   * clock unless given (a test moves it past a lease's term instead of waiting). The wait
   * for a held lease (`leaseWaitMs`) is real time.
   */
  readonly clock?: Clock;
}

/** The longest Lambda run (15 min): a live holder never loses its lease. */
const DEFAULT_LEASE_SECONDS = 900;
const DEFAULT_LEASE_WAIT_MS = 30_000;

export function createDynamoNtaBacklog({
  client,
  tableName,
  leaseSeconds = DEFAULT_LEASE_SECONDS,
  leaseWaitMs = DEFAULT_LEASE_WAIT_MS,
  clock = systemClock,
}: DynamoNtaBacklogOptions): NtaBacklog {
  const leaseGuard = (lease: PlanLease): TransactItem => ({
    ConditionCheck: {
      TableName: tableName,
      Key: keys.planLease(lease.aor),
      ConditionExpression: '#o = :o',
      ExpressionAttributeNames: { '#o': 'owner' },
      ExpressionAttributeValues: { ':o': lease.token },
    },
  });

  return {
    async loadBacklog(aor): Promise<StoredBacklogUc[]> {
      return (await queryPartition(client, tableName, { pk: keys.backlogPk(aor), consistentRead: true })).map((item) => ({
        aNumber: String(item.aNumber),
        aor: isAor(String(item.aor)) ? (item.aor as Aor) : aor,
        releaseDate: String(item.releaseDate),
        birthDate: (item.birthDate as string | null | undefined) ?? null,
        priorFta: item.priorFta === true,
        safetyFlag: item.safetyFlag === true,
        plannedDate: (item.plannedDate as string | null | undefined) ?? null,
        workList: (item.workList as Record<string, string | null> | undefined) ?? {},
      }));
    },

    async acquirePlanLease(aor) {
      const token = randomUUID();
      const deadline = Date.now() + leaseWaitMs;
      for (let attempt = 0; ; attempt++) {
        const now = clock.now().getTime();
        try {
          await client.send(
            new PutCommand({
              TableName: tableName,
              Item: { ...keys.planLease(aor), type: 'PLAN_LEASE', owner: token, expiresAt: now + leaseSeconds * 1000 },
              // Free, or left behind by a holder that died (a crash or a timeout) past its term.
              ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
              ExpressionAttributeValues: { ':now': now },
            }),
          );
          return { aor, token };
        } catch (err) {
          if (!isConditionFailure(err)) throw err;
          if (Date.now() >= deadline) {
            throw Object.assign(new Error(`NTA_PLAN_LOCKED: another re-plan of ${aor} holds the lease`), { code: 'NTA_PLAN_LOCKED' });
          }
          await sleep(Math.min(backoffMs(attempt, 100, 2_000), Math.max(0, deadline - Date.now())));
        }
      }
    },

    async releasePlanLease(lease) {
      await client
        .send(
          new DeleteCommand({
            TableName: tableName,
            Key: keys.planLease(lease.aor),
            ConditionExpression: '#o = :o',
            ExpressionAttributeNames: { '#o': 'owner' },
            ExpressionAttributeValues: { ':o': lease.token },
          }),
        )
        .catch((err: { name?: string }) => {
          if (err.name !== 'ConditionalCheckFailedException') throw err;
        });
    },

    async savePlan(lease, changes) {
      const guarded = changes.map((c): GuardedChange<string> => {
        const names: Record<string, string> = { '#r': 'rank' };
        const values: Record<string, unknown> = { ':d': c.plannedDate, ':r': c.rank };
        // Only UCs still in the backlog with the day read: one that left meanwhile is not re-created.
        const condition = `attribute_exists(pk) AND ${plannedDateIs(c.previousDate, names, values)}`;
        return {
          key: c.aNumber,
          items: [
            {
              Update: {
                TableName: tableName,
                Key: personKeys.backlogEntry(c.aor, c.aNumber),
                UpdateExpression: 'SET #pd = :d, #r = :r',
                ConditionExpression: condition,
                ExpressionAttributeNames: { ...names, '#pd': 'plannedDate' },
                ExpressionAttributeValues: values,
              },
            },
          ],
          deltas: [
            ...(c.previousDate === null ? [] : [ntaPlanAggregateDelta({ aor: c.aor, day: c.previousDate, delta: -1 })]),
            ...(c.plannedDate === null ? [] : [ntaPlanAggregateDelta({ aor: c.aor, day: c.plannedDate, delta: 1 })]),
          ],
        };
      });
      try {
        // Sequential under the lease: its ConditionCheck is in every transaction (fencing).
        let skipped = 0;
        for (const group of chunk(guarded, TRANSACTION_BATCH)) {
          skipped += (await applyGuardedChanges(client, tableName, group, [leaseGuard(lease)])).stale.length;
        }
        return { written: changes.length - skipped, skipped };
      } catch (err) {
        if (err instanceof GuardFailedError) {
          throw Object.assign(new Error(`NTA_PLAN_LEASE_LOST: the re-plan of ${lease.aor} lost its lease`), { code: 'NTA_PLAN_LEASE_LOST' });
        }
        throw err;
      }
    },
  };
}
