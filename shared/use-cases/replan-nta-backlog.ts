import type { Aor } from '../domain/aor';
import { addBusinessDays, dayNumber } from '../domain/business-days';
import { ageBucket, diffPlan, planBacklog, type Capacity, type PriorityKey } from '../domain/nta-plan';
import { workListCsv, workListKey } from '../domain/work-list';
import type { Clock } from '../ports/clock';
import type { Log } from '../ports/log';
import type { ObjectSink } from '../ports/object-sink';
import type { AorPlanSummary, RosterStore } from '../ports/roster-store';

export interface ReplanDeps {
  readonly roster: RosterStore;
  readonly files: ObjectSink;
  readonly clock: Clock;
  readonly log: Log;
  readonly capacity: Capacity;
  readonly priority: readonly PriorityKey[];
  /** Work lists are written for this many business days from the plan's first day. */
  readonly workListDays: number;
}

export interface ReplanOutcome {
  readonly aor: Aor;
  readonly backlog: number;
  readonly added: number;
  readonly moved: number;
  readonly unchanged: number;
  readonly unscheduled: number;
  readonly workLists: number;
}

/**
 * Re-plans the NTA backlog of some AORs (incremental: only the AORs a change touched).
 *
 * 1. Read the AOR's backlog with each UC's stored planned date.
 * 2. Plan it from the next business day (today's list is already in the field), in the
 *    configured priority order, into the AOR's capacity.
 * 3. Write back only the UCs whose date changed or who are new; store the AOR aggregate
 *    (backlog size, age buckets, planned in the next 30 days) for the dashboard.
 * 4. Write the work lists (CSV) of the next `workListDays` business days.
 *
 * Safe to repeat: the same inputs give the same plan, nothing changes the second time.
 * A UC leaves the backlog only through the roster store, which records why.
 */
export async function replanNtaBacklog(aors: Iterable<Aor>, deps: ReplanDeps): Promise<ReplanOutcome[]> {
  const now = deps.clock.now();
  const today = now.toISOString().slice(0, 10);
  const start = addBusinessDays(today, 1);
  const outcomes: ReplanOutcome[] = [];
  for (const aor of [...new Set(aors)].sort()) {
    const backlog = await deps.roster.loadBacklog(aor);
    const byA = new Map(backlog.map((uc) => [uc.aNumber, uc]));
    const plan = planBacklog(backlog, { startDate: start, capacity: deps.capacity, priority: deps.priority }).get(aor) ?? {
      aor, slotsPerDay: 0, planned: [], unscheduled: 0, firstDate: null, lastDate: null,
    };
    const changes = diffPlan(new Map(backlog.map((uc) => [uc.aNumber, uc.plannedDate])), plan);
    const in30 = dayNumber(today) + 30;
    const ageBuckets: Record<string, number> = { lt90d: 0, d90to365: 0, y1to2: 0, gt2y: 0 };
    for (const uc of backlog) ageBuckets[ageBucket(uc.releaseDate, today)]! += 1;
    const summary: AorPlanSummary = {
      aor,
      backlog: backlog.length,
      unscheduled: plan.unscheduled,
      plannedNext30Days: plan.planned.filter((p) => p.plannedDate !== null && dayNumber(p.plannedDate) <= in30).length,
      firstDate: plan.firstDate,
      lastDate: plan.lastDate,
      ageBuckets,
      plannedAt: now.toISOString(),
    };
    await deps.roster.savePlan([...changes.added, ...changes.moved], summary);

    const horizonEnd = addBusinessDays(start, Math.max(0, deps.workListDays - 1));
    const days = new Map<string, typeof plan.planned[number][]>();
    for (const p of plan.planned) {
      if (p.plannedDate === null || p.plannedDate > horizonEnd) continue;
      let list = days.get(p.plannedDate);
      if (list === undefined) days.set(p.plannedDate, (list = []));
      list.push(p);
    }
    for (const [date, list] of days) {
      const rows = list.map((p) => ({ ...p, fields: byA.get(p.aNumber)?.workList ?? {} }));
      await deps.files.putObject(workListKey(aor, date), workListCsv(rows), 'text/csv; charset=utf-8');
    }
    const outcome = {
      aor,
      backlog: backlog.length,
      added: changes.added.length,
      moved: changes.moved.length,
      unchanged: changes.unchanged,
      unscheduled: plan.unscheduled,
      workLists: days.size,
    };
    deps.log.info('aor replanned', { ...outcome });
    outcomes.push(outcome);
  }
  return outcomes;
}
