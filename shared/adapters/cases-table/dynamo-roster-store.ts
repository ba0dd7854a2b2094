import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import type { AddressEntry, AddressSource } from '../../domain/address-history';
import { isAor, type Aor } from '../../domain/aor';
import { aorForCourt } from '../../domain/courts';
import type { RosterUcRef, UcCaseMark } from '../../domain/roster-matching';
import { backlogStatus, type BacklogStatus, type RosterUc } from '../../domain/roster';
import { systemClock, type Clock } from '../../ports/clock';
import type { PlanLease, RosterStore, RosterTransition, StoredBacklogUc } from '../../ports/roster-store';
import { backoffMs, chunk, mapWithLimit, sleep } from '../../lib/concurrency';
import { batchGetItems } from './batch-and-query';
import { aNumberKey } from './pii-keys';
import { applyGuardedChanges, GuardFailedError, isConditionFailure, type GuardedChange } from './transactions';
import {
  AGG,
  backlogAggregateDeltas,
  backlogAggregateSk,
  ntaPlanAggregateDelta,
  unmatchedAggregateDelta,
  type AggregateDelta,
} from './program-aggregates';
import { queryPartition } from './batch-and-query';

/*
 * Items in the cases table (PII stays in the table and the bucket, never in logs nor in a
 * key attribute: AN#<hmac> is aNumberKey(aNumber), shared/adapters/cases-table/pii-keys.ts):
 *   roster UC      pk AN#<hmac>        sk ROSTER                   aNumber, roster fields, aor, status,
 *                                                                  priorFta, ftaCaseId, rosterId, rev
 *   address        pk AN#<hmac>        sk ADDR#<date>#ORR_SPONSOR  street, city, state, zip, source
 *   backlog entry  pk BACKLOG#<aor>    sk AN#<hmac>                aNumber, planning keys, work-list
 *                                                                  fields, plannedDate, rank
 *   UC mark        pk CASE#<IDNCASE>   sk UC                       basis ROSTER unless EOIR marked it;
 *                                                                  unmatchedAor while counted unmatched
 *   roster link    pk CASE#<IDNCASE>   sk ROSTER#AN#<hmac>         aNumber
 *   plan lease     pk LEASE#NTA_PLAN   sk AOR#<aor>                owner, expiresAt (epoch ms)
 *   roster report  pk ROSTER#<id>      sk REPORT#<startedAt>       report (map)
 *
 * The metrics aggregates (contract in shared/domain/program-metrics.ts) move in the same
 * transaction as the state they count, each guarded by the state read before it:
 *   AGG#BACKLOG, AGG#BACKLOG_FLOW  a UC's backlog entry created or deleted (roster item at
 *                                  the revision read, entry at the planned day read)
 *   AGG#NTA_PLAN                   a backlog entry's plannedDate set, moved or deleted
 *   AGG#ROSTER                     a UC mark's unmatchedAor set, moved or removed
 * A redelivered message or a re-run roster finds the state already changed: no write, no count.
 */
export interface DynamoRosterStoreOptions {
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

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const CONCURRENCY = 16;
const MAX_ATTEMPTS = 8;
/** Changes per transaction list handed to applyGuardedChanges (it packs them into <= 100 items). */
const TRANSACTION_BATCH = 30;
const TRANSACTION_CONCURRENCY = 4;
/** The longest Lambda run (15 min): a live holder never loses its lease. */
const DEFAULT_LEASE_SECONDS = 900;
const DEFAULT_LEASE_WAIT_MS = 30_000;

/** What the store read of a UC before changing it: the state its aggregates count. */
interface PreviousUc {
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
function plannedDateIs(day: string | null, names: Record<string, string>, values: Record<string, unknown>): string {
  names['#pd'] = 'plannedDate';
  if (day === null) {
    values[':nullType'] = 'NULL';
    return '(attribute_not_exists(#pd) OR attribute_type(#pd, :nullType))';
  }
  values[':pd'] = day;
  return '#pd = :pd';
}

/** The roster item is still at the revision read (or still absent). */
function revisionIs(rev: number | null | undefined, values: Record<string, unknown>): string {
  if (rev === undefined) return 'attribute_not_exists(pk)';
  if (rev === null) return 'attribute_exists(pk) AND attribute_not_exists(rev)';
  values[':rev'] = rev;
  return 'rev = :rev';
}

export function createDynamoRosterStore({
  client,
  tableName,
  leaseSeconds = DEFAULT_LEASE_SECONDS,
  leaseWaitMs = DEFAULT_LEASE_WAIT_MS,
  clock = systemClock,
}: DynamoRosterStoreOptions): RosterStore {
  async function batchGet(keys: readonly { pk: string; sk: string }[], projection: string, names: Record<string, string>) {
    return batchGetItems(client, tableName, keys, { projection, names, consistentRead: true });
  }

  /** The stored state of these UCs, with the planned day of those in the backlog (consistent reads). */
  async function previousOf(aNumbers: readonly string[]): Promise<Map<string, PreviousUc>> {
    const found = new Map<string, PreviousUc>();
    const ucs = await batchGet(
      aNumbers.map((a) => ({ pk: aNumberKey(a), sk: 'ROSTER' })),
      'aNumber, aor, #s, ftaCaseId, matchedCaseId, eoirCaseId, eroNtaServedDate, priorFta, orrReleaseDate, rev',
      { '#s': 'status' },
    );
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
    const entries = await batchGet(
      inBacklog.map(([a, p]) => ({ pk: `BACKLOG#${p.aor}`, sk: aNumberKey(a) })),
      'aNumber, #pd',
      { '#pd': 'plannedDate' },
    );
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
  function leaveBacklog(aNumber: string, prev: PreviousUc, at: string): { items: TransactItem[]; deltas: AggregateDelta[] } {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const condition = `attribute_exists(pk) AND ${plannedDateIs(prev.plannedDate, names, values)}`;
    return {
      items: [
        {
          Delete: {
            TableName: tableName,
            Key: { pk: `BACKLOG#${prev.aor}`, sk: aNumberKey(aNumber) },
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

  function rosterChange(
    uc: RosterUc,
    prev: PreviousUc | undefined,
    rosterId: string,
    savedAt: string,
  ): { change: GuardedChange<string>; transition: RosterTransition } {
    // An FTA or an A-number match already tied this UC to an EOIR case: a roster that does
    // not know it yet must not put the child back in the backlog; nor may an NTA the field
    // office reported served.
    const status = backlogStatus({
      ...uc,
      ntaServedDate: uc.ntaServedDate ?? prev?.eroNtaServedDate ?? null,
      eoirCaseId: uc.eoirCaseId ?? prev?.ftaCaseId ?? prev?.matchedCaseId ?? null,
    });
    const priorFta = prev?.priorFta ?? false;
    const fields: Record<string, unknown> = {
      type: 'ROSTER_UC',
      aNumber: uc.aNumber,
      firstName: uc.firstName,
      lastName: uc.lastName,
      birthDate: uc.birthDate,
      country: uc.country,
      orrTransferDate: uc.orrTransferDate,
      orrReleaseDate: uc.orrReleaseDate,
      releaseType: uc.releaseType,
      sponsorName: uc.sponsorName,
      sponsorRelationship: uc.sponsorRelationship,
      sponsorStreet: uc.sponsorAddress.street,
      sponsorCity: uc.sponsorAddress.city,
      sponsorState: uc.sponsorAddress.state,
      sponsorZip: uc.sponsorAddress.zip,
      aor: uc.aor,
      ntaServedDate: uc.ntaServedDate,
      eoirCaseId: uc.eoirCaseId,
      safetyFlag: uc.safetyFlag,
      status,
      priorFta,
      rosterId,
      savedAt,
      rev: (prev?.rev ?? 0) + 1,
    };
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets = Object.entries(fields).map(([k, v], i) => {
      names[`#f${i}`] = k;
      values[`:v${i}`] = v;
      return `#f${i} = :v${i}`;
    });
    const items: TransactItem[] = [
      {
        Update: {
          TableName: tableName,
          Key: { pk: aNumberKey(uc.aNumber), sk: 'ROSTER' },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: revisionIs(prev === undefined ? undefined : prev.rev, values),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
    ];
    const deltas: AggregateDelta[] = [];
    const wasIn = prev?.status === 'BACKLOG';
    const isIn = status === 'BACKLOG';
    const sameEntry = wasIn && isIn && prev.aor === uc.aor;
    if (wasIn && !sameEntry) {
      const leave = leaveBacklog(uc.aNumber, prev, savedAt);
      items.push(...leave.items);
      deltas.push(...leave.deltas);
    }
    if (isIn) {
      const releasedOn = uc.orrReleaseDate as string; // BACKLOG means released
      const entry = {
        type: 'BACKLOG_UC',
        aNumber: uc.aNumber,
        aor: uc.aor,
        releaseDate: releasedOn,
        birthDate: uc.birthDate,
        priorFta,
        safetyFlag: uc.safetyFlag,
        workList: {
          LAST_NAME: uc.lastName,
          FIRST_NAME: uc.firstName,
          BIRTH_DATE: uc.birthDate,
          COUNTRY: uc.country,
          ORR_RELEASE_DATE: uc.orrReleaseDate,
          PRIOR_FTA: priorFta ? 'Y' : 'N',
          SAFETY_FLAG: uc.safetyFlag ? 'Y' : 'N',
          SPONSOR_NAME: uc.sponsorName,
          SPONSOR_RELATIONSHIP: uc.sponsorRelationship,
          SPONSOR_STREET: uc.sponsorAddress.street,
          SPONSOR_CITY: uc.sponsorAddress.city,
          SPONSOR_STATE: uc.sponsorAddress.state,
          SPONSOR_ZIP: uc.sponsorAddress.zip,
        },
      };
      if (sameEntry) {
        // An update, not a put: the planned date of a UC already in the plan is kept.
        const n: Record<string, string> = { '#t': 'type' };
        const v: Record<string, unknown> = {};
        const s = Object.entries(entry).map(([k, value], i) => {
          if (k === 'type') {
            v[':t'] = value;
            return '#t = :t';
          }
          n[`#e${i}`] = k;
          v[`:e${i}`] = value;
          return `#e${i} = :e${i}`;
        });
        items.push({
          Update: {
            TableName: tableName,
            Key: { pk: `BACKLOG#${uc.aor}`, sk: aNumberKey(uc.aNumber) },
            UpdateExpression: `SET ${s.join(', ')}`,
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: n,
            ExpressionAttributeValues: v,
          },
        });
        const prevMonth = (prev.releaseDate ?? releasedOn).slice(0, 7);
        if (prevMonth !== releasedOn.slice(0, 7)) {
          // Same AOR, corrected release month: the count moves between months, no flow.
          deltas.push(
            { pk: AGG.backlog, sk: backlogAggregateSk(uc.aor, prevMonth), add: { open: -1 }, aor: uc.aor },
            { pk: AGG.backlog, sk: backlogAggregateSk(uc.aor, releasedOn), add: { open: 1 }, aor: uc.aor },
          );
        }
      } else {
        items.push({
          Put: {
            TableName: tableName,
            Item: { pk: `BACKLOG#${uc.aor}`, sk: aNumberKey(uc.aNumber), ...entry },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        });
        deltas.push(...backlogAggregateDeltas({ aor: uc.aor, releasedOn, at: savedAt, delta: 1 }));
      }
    }
    return {
      change: { key: uc.aNumber, items, deltas },
      transition: { aNumber: uc.aNumber, previous: prev ? { aor: prev.aor, status: prev.status } : null, aor: uc.aor, status },
    };
  }

  async function saveSponsorAddress(uc: RosterUc, rosterId: string, savedAt: string): Promise<void> {
    const addressDate = uc.orrReleaseDate ?? savedAt.slice(0, 10);
    if (uc.sponsorAddress.city === null && uc.sponsorAddress.street === null && uc.sponsorAddress.zip === null) return;
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          pk: aNumberKey(uc.aNumber),
          sk: `ADDR#${addressDate}#ORR_SPONSOR`,
          type: 'ADDRESS',
          source: 'ORR_SPONSOR',
          asOf: addressDate,
          street: uc.sponsorAddress.street,
          city: uc.sponsorAddress.city,
          state: uc.sponsorAddress.state,
          zip: uc.sponsorAddress.zip,
          rosterId,
        },
      }),
    );
  }

  /**
   * An EOIR case for a roster UC (an FTA on it, or a match by A-number): the UC leaves the
   * NTA backlog if it is in it (EOIR_CASE), with its counters, in one transaction.
   */
  async function recordCaseForUc(aNumber: string, caseId: string, at: string, why: 'FTA' | 'MATCH' | 'NTA_SERVED'): Promise<RosterTransition | undefined> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (attempt > 0) await sleep(backoffMs(attempt));
      const prev = (await previousOf([aNumber])).get(aNumber);
      if (prev === undefined) return undefined;
      const wasIn = prev.status === 'BACKLOG';
      const served = why === 'NTA_SERVED' && (wasIn || prev.status === 'IN_ORR_CARE');
      const status: BacklogStatus = served ? 'NTA_SERVED' : wasIn && why !== 'NTA_SERVED' ? 'EOIR_CASE' : prev.status;
      const leaves = wasIn && status !== 'BACKLOG';
      const values: Record<string, unknown> = { ':c': caseId, ':s': status, ':next': (prev.rev ?? 0) + 1 };
      if (why === 'FTA') values[':t'] = true;
      const items: TransactItem[] = [
        {
          Update: {
            TableName: tableName,
            Key: { pk: aNumberKey(aNumber), sk: 'ROSTER' },
            UpdateExpression:
              why === 'FTA'
                ? 'SET priorFta = :t, ftaCaseId = if_not_exists(ftaCaseId, :c), #s = :s, rev = :next'
                : why === 'MATCH'
                  ? 'SET matchedCaseId = if_not_exists(matchedCaseId, :c), #s = :s, rev = :next'
                  : 'SET eroNtaServedDate = if_not_exists(eroNtaServedDate, :c), #s = :s, rev = :next',
            ConditionExpression: revisionIs(prev.rev, values),
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: values,
          },
        },
      ];
      const deltas: AggregateDelta[] = [];
      if (leaves) {
        const leave = leaveBacklog(aNumber, prev, at);
        items.push(...leave.items);
        deltas.push(...leave.deltas);
      }
      const { stale } = await applyGuardedChanges(client, tableName, [{ key: aNumber, items, deltas }]);
      if (stale.length === 0) return { aNumber, previous: { aor: prev.aor, status: prev.status }, aor: prev.aor, status };
    }
    throw new Error('roster UC kept changing while recording its EOIR case');
  }

  const leaseKey = (aor: Aor) => ({ pk: 'LEASE#NTA_PLAN', sk: `AOR#${aor}` });
  const leaseGuard = (lease: PlanLease): TransactItem => ({
    ConditionCheck: {
      TableName: tableName,
      Key: leaseKey(lease.aor),
      ConditionExpression: '#o = :o',
      ExpressionAttributeNames: { '#o': 'owner' },
      ExpressionAttributeValues: { ':o': lease.token },
    },
  });

  const queryAll = (pk: string): Promise<Record<string, unknown>[]> => queryPartition(client, tableName, { pk, consistentRead: true });

  return {
    async saveRosterUcs(ucs, rosterId, savedAt) {
      const byA = new Map(ucs.map((uc) => [uc.aNumber, uc]));
      const transitions = new Map<string, RosterTransition>();
      let pending = [...byA.keys()];
      for (let round = 0; pending.length > 0; round++) {
        // A UC changed by someone else since it was read (an FTA, a re-plan) is read again.
        if (round >= MAX_ATTEMPTS) throw new Error(`roster UCs kept changing while being saved (${pending.length} left)`);
        if (round > 0) await sleep(backoffMs(round));
        const prev = await previousOf(pending);
        const changes = pending.map((a) => {
          const { change, transition } = rosterChange(byA.get(a)!, prev.get(a), rosterId, savedAt);
          transitions.set(a, transition);
          return change;
        });
        const results = await mapWithLimit(chunk(changes, TRANSACTION_BATCH), TRANSACTION_CONCURRENCY, (group) =>
          applyGuardedChanges(client, tableName, group),
        );
        pending = results.flatMap((r) => r.stale);
      }
      await mapWithLimit(ucs, CONCURRENCY, (uc) => saveSponsorAddress(uc, rosterId, savedAt));
      return ucs.map((uc) => transitions.get(uc.aNumber)!);
    },

    async linkRosterCases(links, rosterId) {
      await mapWithLimit(links, CONCURRENCY, async ({ caseId, aNumber }) => {
        // Keep the basis an EOIR drop gave the case (juvenile history, case priority).
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: `CASE#${caseId}`, sk: 'UC' },
            UpdateExpression: 'SET caseId = :c, basis = if_not_exists(basis, :b), dropId = if_not_exists(dropId, :r) ADD bases :bs',
            ExpressionAttributeValues: { ':c': caseId, ':b': 'ROSTER', ':r': `roster:${rosterId}`, ':bs': new Set(['ROSTER']) },
          }),
        );
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: { pk: `CASE#${caseId}`, sk: `ROSTER#${aNumberKey(aNumber)}`, type: 'ROSTER_LINK', caseId, aNumber, rosterId },
          }),
        );
      });
    },

    async findRosterUcForCase(caseId) {
      const out = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :r)',
          ExpressionAttributeValues: { ':pk': `CASE#${caseId}`, ':r': 'ROSTER#' },
          ConsistentRead: true,
        }),
      );
      let aNumber = out.Items?.[0]?.aNumber as string | undefined;
      if (aNumber === undefined) {
        // No roster row names the case: EOIR's A-number for it (ALIEN_NBR) may match one.
        const mark = await client.send(
          new GetCommand({ TableName: tableName, Key: { pk: `CASE#${caseId}`, sk: 'UC' }, ProjectionExpression: 'aNumber', ConsistentRead: true }),
        );
        aNumber = mark.Item?.aNumber as string | undefined;
      }
      if (aNumber === undefined) return undefined;
      const prev = (await previousOf([aNumber])).get(aNumber);
      return prev ? { aNumber, aor: prev.aor, status: prev.status } : undefined;
    },

    recordFtaForUc: (aNumber, caseId, at) => recordCaseForUc(aNumber, caseId, at, 'FTA'),

    recordEoirCaseForUc: (aNumber, caseId, at) => recordCaseForUc(aNumber, caseId, at, 'MATCH'),

    recordNtaServedForUc: (aNumber, servedOn, at) => recordCaseForUc(aNumber, servedOn, at, 'NTA_SERVED'),

    async findRosterUc(aNumber) {
      const prev = (await previousOf([aNumber])).get(aNumber);
      if (prev === undefined) return undefined;
      return { aNumber, aor: prev.aor, status: prev.status, caseId: prev.rosterCaseId ?? prev.ftaCaseId ?? prev.matchedCaseId };
    },

    async loadBacklog(aor): Promise<StoredBacklogUc[]> {
      return (await queryAll(`BACKLOG#${aor}`)).map((item) => ({
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
              Item: { ...leaseKey(aor), type: 'PLAN_LEASE', owner: token, expiresAt: now + leaseSeconds * 1000 },
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
            Key: leaseKey(lease.aor),
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
                Key: { pk: `BACKLOG#${c.aor}`, sk: aNumberKey(c.aNumber) },
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

    async saveRosterReport(report) {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { pk: `ROSTER#${report.rosterId}`, sk: `REPORT#${report.startedAt}`, rosterId: report.rosterId, report },
        }),
      );
    },

    async recordAddress(caseId, entry) {
      const link = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :r)',
          ExpressionAttributeValues: { ':pk': `CASE#${caseId}`, ':r': 'ROSTER#' },
          ConsistentRead: true,
        }),
      );
      const aNumber = link.Items?.[0]?.aNumber as string | undefined;
      const partitions = [`CASE#${caseId}`, ...(aNumber ? [aNumberKey(aNumber)] : [])];
      for (const pk of partitions) {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              pk,
              sk: `ADDR#${entry.asOf}#${entry.source}`,
              type: 'ADDRESS',
              source: entry.source,
              asOf: entry.asOf,
              street: entry.street,
              city: entry.city,
              state: entry.state,
              zip: entry.zip,
            },
          }),
        );
      }
      const history = new Map<string, AddressEntry>();
      for (const pk of partitions) {
        const out = await client.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :a)',
            ExpressionAttributeValues: { ':pk': pk, ':a': 'ADDR#' },
            ConsistentRead: true,
          }),
        );
        for (const item of out.Items ?? []) {
          history.set(String(item.sk), {
            source: item.source as AddressSource,
            asOf: String(item.asOf),
            street: (item.street as string | null | undefined) ?? null,
            city: (item.city as string | null | undefined) ?? null,
            state: (item.state as string | null | undefined) ?? null,
            zip: (item.zip as string | null | undefined) ?? null,
          });
        }
      }
      return [...history.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, e]) => e);
    },

    async readMatchingInputs() {
      const marks: UcCaseMark[] = [];
      const roster: RosterUcRef[] = [];
      const latestHearing = new Map<string, { date: string; court: string | null }>();
      let startKey: Record<string, unknown> | undefined;
      do {
        const out = await client.send(
          new ScanCommand({
            TableName: tableName,
            // Hearings give an unmatched case its AOR (the court of its latest hearing).
            FilterExpression: 'sk = :uc OR sk = :roster OR begins_with(sk, :h)',
            ExpressionAttributeValues: { ':uc': 'UC', ':roster': 'ROSTER', ':h': 'HEARING#' },
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of out.Items ?? []) {
          if (item.sk === 'UC') {
            // An EOIR basis wins over ROSTER, whichever marked the case first.
            const bases = [...((item.bases as Set<string> | undefined) ?? new Set([String(item.basis)]))];
            const basis = bases.find((b) => b !== 'ROSTER') ?? 'ROSTER';
            marks.push({
              caseId: String(item.caseId),
              basis,
              aNumber: (item.aNumber as string | undefined) ?? null,
              aor: null,
              countedUnmatchedIn: (item.unmatchedAor as string | undefined) ?? null,
            });
          } else if (item.sk === 'ROSTER') {
            roster.push({
              aNumber: String(item.aNumber),
              aor: String(item.aor),
              eoirCaseId:
                (item.eoirCaseId as string | null | undefined) ??
                (item.ftaCaseId as string | undefined) ??
                (item.matchedCaseId as string | undefined) ??
                null,
              status: String(item.status),
            });
          } else {
            const caseId = String(item.pk).slice('CASE#'.length);
            const date = String(item.date ?? '');
            const seen = latestHearing.get(caseId);
            if (seen === undefined || date > seen.date) latestHearing.set(caseId, { date, court: (item.court as string | null | undefined) ?? null });
          }
        }
        startKey = out.LastEvaluatedKey;
      } while (startKey !== undefined);
      return { marks: marks.map((m) => ({ ...m, aor: aorForCourt(latestHearing.get(m.caseId)?.court ?? null) })), roster };
    },

    async saveUnmatched(changes) {
      const guarded = changes.map((c): GuardedChange<string> => {
        const values: Record<string, unknown> = {};
        let condition: string;
        if (c.from === null) condition = 'attribute_not_exists(unmatchedAor)';
        else {
          condition = 'unmatchedAor = :from';
          values[':from'] = c.from;
        }
        if (c.to !== null) values[':to'] = c.to;
        const toAor = (k: string) => (k === 'NONE' ? null : k);
        return {
          key: c.caseId,
          items: [
            {
              Update: {
                TableName: tableName,
                Key: { pk: `CASE#${c.caseId}`, sk: 'UC' },
                UpdateExpression: c.to === null ? 'REMOVE unmatchedAor' : 'SET unmatchedAor = :to',
                ConditionExpression: `attribute_exists(pk) AND ${condition}`,
                ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
              },
            },
          ],
          deltas: [
            ...(c.from === null ? [] : [unmatchedAggregateDelta({ aor: toAor(c.from), delta: -1 })]),
            ...(c.to === null ? [] : [unmatchedAggregateDelta({ aor: toAor(c.to), delta: 1 })]),
          ],
        };
      });
      let stale = 0;
      for (const group of chunk(guarded, TRANSACTION_BATCH)) stale += (await applyGuardedChanges(client, tableName, group)).stale.length;
      return { written: changes.length - stale, stale };
    },

    async flagAddressDisagreements(caseId, pairs, at) {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { pk: `CASE#${caseId}`, sk: 'ADDRFLAG', type: 'ADDRESS_FLAG', disagree: pairs.length > 0, pairs: pairs.map((p) => p.join('|')), at },
        }),
      );
    },
  };
}
