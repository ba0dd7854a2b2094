import { addressDisagreements } from '../domain/address-history';
import type { FollowUpMessage } from '../messages/follow-up';
import type { Clock } from '../ports/clock';
import type { Log } from '../ports/log';
import type { RosterStore } from '../ports/roster-store';
import type { TaskStore } from '../ports/task-store';

export interface FollowUpDeps {
  readonly tasks: TaskStore;
  readonly roster: RosterStore;
  readonly clock: Clock;
  readonly log: Log;
}

/**
 * A field office reports the outcome of an address re-verification (OPLA guidance):
 * 1. ADDRESS_VERIFIED: add the address to the history (source ERO_VERIFIED), flag the
 *    sources that now disagree (ORR sponsor, EOIR address of record, ERO), and close the
 *    case's open re-verification tasks.
 * 2. I830_FILED: close the case's open tasks (the new address went to EOIR on Form I-830).
 * Safe to repeat: a closed task stays closed, and the same address entry is one item.
 */
export async function recordFollowUp(message: FollowUpMessage, deps: FollowUpDeps): Promise<{ closed: number; disagreements: number }> {
  const now = deps.clock.now().toISOString();
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
  return { closed, disagreements };
}
