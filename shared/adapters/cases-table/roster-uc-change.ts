import type { BacklogStatus, RosterUc } from '../../domain/roster';
import { backlogStatus } from '../../domain/roster';
import { workListFieldsOf } from '../../domain/work-list';
import type { RosterTransition } from '../../ports/roster-store';
import { personKeys } from './keys';
import { AGG, backlogAggregateDeltas, backlogAggregateSk, type AggregateDelta } from './program-aggregates';
import { leaveBacklog, revisionIs, type PreviousUc, type TransactItem } from './roster-uc-state';
import type { GuardedChange } from './transactions';

/*
 * The writes of one roster row over what the store read of its UC: the roster item (at the
 * revision read), and the backlog entry it enters, keeps or leaves, with the counters
 * (AGG#BACKLOG, AGG#BACKLOG_FLOW, AGG#NTA_PLAN) those moves imply, all in one change.
 */
export function rosterUcChange(
  tableName: string,
  uc: RosterUc,
  prev: PreviousUc | undefined,
  rosterId: string,
  savedAt: string,
): { change: GuardedChange<string>; transition: RosterTransition } {
  // An FTA or an A-number match already tied this UC to an EOIR case: a roster that does
  // not know it yet must not put the child back in the backlog; nor may an NTA the field
  // office reported served.
  const status: BacklogStatus = backlogStatus({
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
        Key: personKeys.rosterUc(uc.aNumber),
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
    const leave = leaveBacklog(tableName, uc.aNumber, prev, savedAt);
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
      workList: workListFieldsOf(uc, priorFta),
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
          Key: personKeys.backlogEntry(uc.aor, uc.aNumber),
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
          Item: { ...personKeys.backlogEntry(uc.aor, uc.aNumber), ...entry },
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
