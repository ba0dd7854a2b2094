import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BacklogStatus } from '../../domain/roster';
import type { RosterReport, RosterTransition, RosterUcs } from '../../ports/roster-store';
import { backoffMs, chunk, mapWithLimit, sleep } from '../../lib/concurrency';
import { queryPartition } from './batch-and-query';
import { createDynamoAddressHistory } from './dynamo-address-history';
import { casePk, keys, SK_PREFIX, personKeys } from './keys';
import type { AggregateDelta } from './program-aggregates';
import { rosterUcChange } from './roster-uc-change';
import { leaveBacklog, MAX_ATTEMPTS, previousOf, revisionIs, TRANSACTION_BATCH, type PreviousUc, type TransactItem } from './roster-uc-state';
import { applyGuardedChanges } from './transactions';
import { DocketWatchError } from '../../domain/errors';

/*
 * Roster UCs (keys.ts: rosterUc, rosterLink, rosterReport): the UC item under its
 * A-number's HMAC, the link from an EOIR case the roster names, and each roster's report.
 * Saving a UC moves its NTA backlog entry and counters in the same transaction
 * (roster-uc-change.ts); a UC that changed since it was read is read again and retried.
 */
const CONCURRENCY = 16;
const TRANSACTION_CONCURRENCY = 4;

export interface DynamoRosterUcsOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

export function createDynamoRosterUcs({ client, tableName }: DynamoRosterUcsOptions): RosterUcs {
  const addresses = createDynamoAddressHistory({ client, tableName });
  const previous = (aNumbers: readonly string[]) => previousOf(client, tableName, aNumbers);

  /**
   * An EOIR case for a roster UC (an FTA on it, or a match by A-number), or an NTA served:
   * the UC leaves the NTA backlog if it is in it, with its counters, in one transaction.
   */
  async function recordCaseForUc(
    aNumber: string,
    caseId: string,
    at: string,
    why: 'FTA' | 'MATCH' | 'NTA_SERVED',
    /** The UC as the caller just read it (consistently): the first attempt does not read it again. */
    read?: PreviousUc,
  ): Promise<RosterTransition | undefined> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (attempt > 0) await sleep(backoffMs(attempt));
      const prev = attempt === 0 && read !== undefined ? read : (await previous([aNumber])).get(aNumber);
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
            Key: personKeys.rosterUc(aNumber),
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
        const leave = leaveBacklog(tableName, aNumber, prev, at);
        items.push(...leave.items);
        deltas.push(...leave.deltas);
      }
      const { stale } = await applyGuardedChanges(client, tableName, [{ key: aNumber, items, deltas }]);
      if (stale.length === 0) return { aNumber, previous: { aor: prev.aor, status: prev.status }, aor: prev.aor, status };
    }
    throw new DocketWatchError('CONCURRENT_UPDATES_EXHAUSTED', 'roster UC kept changing while recording its EOIR case');
  }

  /** The roster UC linked to an EOIR case (a roster row names it, or EOIR's A-number for it), as read now. */
  async function rosterUcForCase(caseId: string): Promise<{ aNumber: string; prev: PreviousUc } | undefined> {
    // The roster links (ROSTER#<hmac>) and the UC mark (UC) in one Query: the sort keys
    // between them are the case's FTA signals and tasks, a few small items, of which the
    // projection keeps the key alone.
    const ucMark = keys.ucMark(caseId);
    const items = await queryPartition(client, tableName, {
      pk: casePk(caseId),
      skBetween: { from: SK_PREFIX.rosterLink, to: ucMark.sk },
      projection: 'sk, aNumber',
      consistentRead: true,
    });
    const link = items.find((i) => typeof i.sk === 'string' && i.sk.startsWith(SK_PREFIX.rosterLink));
    // No roster row names the case: EOIR's A-number for it (ALIEN_NBR) may match one.
    const mark = items.find((i) => i.sk === ucMark.sk);
    const aNumber = (link?.aNumber ?? mark?.aNumber) as string | undefined;
    if (aNumber === undefined) return undefined;
    const prev = (await previous([aNumber])).get(aNumber);
    return prev ? { aNumber, prev } : undefined;
  }

  return {
    async saveRosterUcs(ucs, rosterId, savedAt) {
      const byA = new Map(ucs.map((uc) => [uc.aNumber, uc]));
      const transitions = new Map<string, RosterTransition>();
      let pending = [...byA.keys()];
      for (let round = 0; pending.length > 0; round++) {
        // A UC changed by someone else since it was read (an FTA, a re-plan) is read again.
        if (round >= MAX_ATTEMPTS) throw new DocketWatchError('CONCURRENT_UPDATES_EXHAUSTED', `roster UCs kept changing while being saved (${pending.length} left)`);
        if (round > 0) await sleep(backoffMs(round));
        const prev = await previous(pending);
        const changes = pending.map((a) => {
          const { change, transition } = rosterUcChange(tableName, byA.get(a)!, prev.get(a), rosterId, savedAt);
          transitions.set(a, transition);
          return change;
        });
        const results = await mapWithLimit(chunk(changes, TRANSACTION_BATCH), TRANSACTION_CONCURRENCY, (group) =>
          applyGuardedChanges(client, tableName, group),
        );
        pending = results.flatMap((r) => r.stale);
      }
      await mapWithLimit(ucs, CONCURRENCY, (uc) => addresses.saveSponsorAddress(uc, rosterId, savedAt));
      return ucs.map((uc) => transitions.get(uc.aNumber)!);
    },

    async linkRosterCases(links, rosterId) {
      await mapWithLimit(links, CONCURRENCY, async ({ caseId, aNumber }) => {
        // Keep the basis an EOIR drop gave the case (juvenile history, case priority).
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.ucMark(caseId),
            UpdateExpression: 'SET caseId = :c, basis = if_not_exists(basis, :b), dropId = if_not_exists(dropId, :r) ADD bases :bs',
            ExpressionAttributeValues: { ':c': caseId, ':b': 'ROSTER', ':r': `roster:${rosterId}`, ':bs': new Set(['ROSTER']) },
          }),
        );
        await client.send(
          new PutCommand({ TableName: tableName, Item: { ...personKeys.rosterLink(caseId, aNumber), type: 'ROSTER_LINK', caseId, aNumber, rosterId } }),
        );
      });
    },

    async findRosterUcForCase(caseId) {
      const found = await rosterUcForCase(caseId);
      return found ? { aNumber: found.aNumber, aor: found.prev.aor, status: found.prev.status } : undefined;
    },

    async recordFtaForCase(caseId, at) {
      // The UC as the lookup read it is the transaction's guard: no second read.
      const found = await rosterUcForCase(caseId);
      return found ? recordCaseForUc(found.aNumber, caseId, at, 'FTA', found.prev) : undefined;
    },

    recordEoirCaseForUc: (aNumber, caseId, at) => recordCaseForUc(aNumber, caseId, at, 'MATCH'),

    recordNtaServedForUc: (aNumber, servedOn, at) => recordCaseForUc(aNumber, servedOn, at, 'NTA_SERVED'),

    async findRosterUc(aNumber) {
      const prev = (await previous([aNumber])).get(aNumber);
      if (prev === undefined) return undefined;
      return { aNumber, aor: prev.aor, status: prev.status, caseId: prev.rosterCaseId ?? prev.ftaCaseId ?? prev.matchedCaseId };
    },

    async saveRosterReport(report: RosterReport) {
      await client.send(new PutCommand({ TableName: tableName, Item: { ...keys.rosterReport(report.rosterId, report.startedAt), rosterId: report.rosterId, report } }));
    },
  };
}
