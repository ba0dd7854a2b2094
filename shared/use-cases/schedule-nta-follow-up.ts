import type { FollowUpMessage } from '../messages/follow-up';
import type { FtaEventMessage } from '../messages/fta-event';
import type { RosterStore } from '../ports/roster-store';
import { followFtaOnRoster } from './steps/follow-fta-on-roster';
import { openReverificationTask, type ReverifyDeps } from './steps/open-reverification-task';
import { recordFollowUp, type FollowUpDeps } from './steps/record-follow-up';

/**
 * One message of the NTA schedule queue -> the field offices' side of it:
 * - FTA_RECORDED opens one address re-verification task (a redelivery opens nothing more);
 *   if a roster UC is linked to the case, it gets its prior-FTA flag and its AOR's NTA plan
 *   is re-planned when it leaves the backlog.
 * - A follow-up (ADDRESS_VERIFIED, I830_FILED, NTA_SERVED) is recorded (recordFollowUp):
 *   it closes the case's open tasks, or takes the UC out of the backlog.
 * - FTA_RESCINDED leaves the task open for now: the field office closes it when the address
 *   is verified (re-planning on rescission belongs to the NTA scheduler's roadmap).
 */
export async function scheduleNtaFollowUp(message: FollowUpMessage | FtaEventMessage, deps: FollowUpDeps & ReverifyDeps & { readonly roster: RosterStore }): Promise<void> {
  if (message.type === 'FTA_RECORDED') {
    // Independent writes, each safe to repeat: together, so the message waits for one round trip less.
    await Promise.all([openReverificationTask(message, deps), followFtaOnRoster(message, deps)]);
  } else if (message.type === 'FTA_RESCINDED') {
    deps.log.info('rescission received; task left open', { ftaId: message.ftaId });
  } else {
    await recordFollowUp(message, deps);
  }
}
