import { addBusinessDays } from '../../domain/business-days';
import type { FtaRecordedMessage } from '../../messages/fta-recorded';
import type { Clock } from '../../ports/clock';
import type { Log } from '../../ports/log';
import type { TaskStore } from '../../ports/task-store';

export interface ReverifyDeps {
  readonly tasks: TaskStore;
  readonly clock: Clock;
  readonly dueBusinessDays: number;
  readonly log: Log;
}

/**
 * After an FTA, the AOR re-verifies the child's address (OPLA guidance; OIG-24-46): open
 * one task per FTA, due a configurable number of business days after it is opened.
 * Safe to repeat: a second delivery of the same FTA finds the task and opens nothing.
 */
export async function openReverificationTask(
  message: FtaRecordedMessage,
  deps: ReverifyDeps,
): Promise<'opened' | 'exists'> {
  const now = deps.clock.now();
  const openedOn = now.toISOString().slice(0, 10);
  const outcome = await deps.tasks.openReverificationTask({
    ftaId: message.ftaId,
    caseId: message.caseId,
    aor: message.aor,
    openedAt: now.toISOString(),
    dueDate: addBusinessDays(openedOn, deps.dueBusinessDays),
  });
  deps.log.info('reverification task', { ftaId: message.ftaId, outcome });
  return outcome;
}
