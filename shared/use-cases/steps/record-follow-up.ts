import { addressDisagreements } from '../../domain/address-history';
import type { Aor } from '../../domain/aor';
import type { FollowUpMessage } from '../../messages/follow-up';
import type { Clock } from '../../ports/clock';
import type { Log } from '../../ports/log';
import type { AddressHistory, NtaBacklog, RosterUcs } from '../../ports/roster-store';
import type { TaskStore } from '../../ports/task-store';
import { replanNtaBacklog, type ReplanDeps } from './replan-nta-backlog';

export interface FollowUpDeps extends ReplanDeps {
  readonly tasks: TaskStore;
  /** The backlog it re-plans, the address history it adds to, the roster UC an NTA was served on. */
  readonly roster: NtaBacklog & AddressHistory & Pick<RosterUcs, 'recordNtaServedForUc'>;
  readonly clock: Clock;
  readonly log: Log;
}

export interface FollowUpOutcome {
  readonly closed: number;
  readonly disagreements: number;
  /** NTA_SERVED: the AOR whose backlog the UC left (null: it was not in the backlog). */
  readonly leftBacklog: Aor | null;
  /** NTA_SERVED: false when no roster UC has the A-number (nothing recorded). */
  readonly found: boolean;
}

/**
 * A field office reports the outcome of its follow-up (OPLA guidance, ERO work lists):
 * 1. ADDRESS_VERIFIED: add the address to the history (source ERO_VERIFIED), flag the
 *    sources that now disagree (ORR sponsor, EOIR address of record, ERO), and close the
 *    case's open re-verification tasks.
 * 2. I830_FILED: close the case's open tasks (the new address went to EOIR on Form I-830).
 * 3. NTA_SERVED: the roster UC leaves the NTA backlog, and its AOR is re-planned, now or,
 *    when the caller collects AORs in `replanLater` (a returned work list of many rows),
 *    once by the caller.
 * Safe to repeat: a closed task stays closed, the same address entry is one item, a served
 * NTA is recorded once.
 */
export async function recordFollowUp(message: FollowUpMessage, deps: FollowUpDeps, replanLater?: Set<Aor>): Promise<FollowUpOutcome> {
  const now = deps.clock.now().toISOString();
  if (message.type === 'NTA_SERVED') {
    const t = await deps.roster.recordNtaServedForUc(message.aNumber, message.servedOn, now);
    const leftBacklog = t !== undefined && t.previous?.status === 'BACKLOG' && t.status !== 'BACKLOG' ? t.previous.aor : null;
    if (leftBacklog !== null) {
      if (replanLater) replanLater.add(leftBacklog);
      else await replanNtaBacklog([leftBacklog], deps);
    }
    deps.log.info('follow-up recorded', { type: message.type, found: t !== undefined, leftBacklog });
    return { closed: 0, disagreements: 0, leftBacklog, found: t !== undefined };
  }
  let disagreements = 0;
  if (message.type === 'ADDRESS_VERIFIED') {
    const history = await deps.roster.recordAddress(message.caseId, { source: 'ERO_VERIFIED', asOf: message.verifiedOn, ...message.address });
    const found = addressDisagreements(history).disagreements;
    await deps.roster.flagAddressDisagreements(message.caseId, found, now);
    disagreements = found.length;
  }
  const reason = message.type === 'ADDRESS_VERIFIED' ? 'VERIFIED_ADDRESS' : 'I830_FILED';
  const closed = await deps.tasks.closeReverificationTasks(message.caseId, reason, now);
  deps.log.info('follow-up recorded', { type: message.type, caseId: message.caseId, closed, disagreements });
  return { closed, disagreements, leftBacklog: null, found: true };
}
