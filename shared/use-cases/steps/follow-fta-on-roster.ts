import type { FtaRecordedMessage } from '../../messages/fta-recorded';
import type { NtaBacklog, RosterUcs } from '../../ports/roster-store';
import { replanNtaBacklog, type ReplanDeps } from './replan-nta-backlog';

/**
 * An FTA arrived for an EOIR case: if a roster UC is linked to that case, it now has a
 * prior FTA (first in the priority order) and an EOIR case, so it leaves the NTA backlog
 * if it was in it (recorded with reason EOIR_CASE) and its AOR is re-planned.
 * Safe to repeat: a second delivery finds the UC already out of the backlog.
 */
export async function followFtaOnRoster(
  message: FtaRecordedMessage,
  deps: ReplanDeps & { readonly roster: NtaBacklog & Pick<RosterUcs, 'recordFtaForCase'> },
): Promise<'no-roster-uc' | 'flagged' | 'replanned'> {
  const transition = await deps.roster.recordFtaForCase(message.caseId, deps.clock.now().toISOString());
  if (transition === undefined) return 'no-roster-uc';
  if (transition.previous?.status !== 'BACKLOG') return 'flagged';
  await replanNtaBacklog([transition.previous.aor], deps);
  deps.log.info('uc left the nta backlog', { ftaId: message.ftaId, reason: transition.status });
  return 'replanned';
}
