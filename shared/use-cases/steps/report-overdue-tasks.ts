import { AORS } from '../../domain/aor';
import { csvField } from '../../domain/work-list';
import type { Clock } from '../../ports/clock';
import type { Log } from '../../ports/log';
import type { ObjectSink } from '../../ports/object-sink';
import type { TaskStore } from '../../ports/task-store';

export interface OverdueDeps {
  readonly tasks: TaskStore;
  readonly files: ObjectSink;
  readonly clock: Clock;
  readonly log: Log;
}

/**
 * Makes overdue address re-verification tasks visible: per AOR (and for FTAs with no AOR
 * known, `NONE`), the open tasks due before today, as `worklists/<AOR>/overdue-reverification.csv`
 * (ids and due dates only). Returns the counts. Each run replaces the files.
 */
export async function reportOverdueTasks(deps: OverdueDeps): Promise<Record<string, number>> {
  const today = deps.clock.now().toISOString().slice(0, 10);
  const counts: Record<string, number> = {};
  for (const aor of [...AORS, null]) {
    const overdue = await deps.tasks.listOverdueTasks(aor, today);
    const name = aor ?? 'NONE';
    counts[name] = overdue.length;
    const lines = ['DUE_DATE,FTA_ID,EOIR_CASE_ID', ...overdue.map((t) => [t.dueDate, t.ftaId, t.caseId].map(csvField).join(','))];
    await deps.files.putObject(`worklists/${name}/overdue-reverification.csv`, `${lines.join('\r\n')}\r\n`, 'text/csv; charset=utf-8');
  }
  deps.log.info('overdue reverification tasks', { counts });
  return counts;
}
