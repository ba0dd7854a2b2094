import type { Aor } from '../../domain/aor';
import { addBusinessDays, dayNumber } from '../../domain/business-days';
import { diffPlan, planBacklog, type Capacity, type PriorityKey } from '../../domain/nta-plan';
import { workListKey, workListRows, workListXlsxKey } from '../../domain/work-list';
import { workListCsv, workListXlsx } from '../../formats/work-list-files';
import type { Clock } from '../../ports/clock';
import type { Log } from '../../ports/log';
import type { ObjectSink } from '../../ports/object-sink';
import type { NtaBacklog, PlanLease } from '../../ports/roster-store';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface ReplanDeps {
  readonly roster: NtaBacklog;
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
  /** UCs whose new planned day was not written: they left the backlog meanwhile. */
  readonly skipped: number;
  /** Planned within 30 days of today, and the plan's first and last day (this plan's view). */
  readonly plannedNext30Days: number;
  readonly firstDate: string | null;
  readonly lastDate: string | null;
  readonly workLists: number;
}

/**
 * Re-plans the NTA backlog of some AORs (incremental: only the AORs a change touched).
 *
 * 1. Take the AOR's re-plan lease: two re-plans of one AOR (a roster, an FTA, the morning
 *    run) never interleave; the second waits, then plans from what the first wrote.
 * 2. Read the AOR's backlog with each UC's stored planned date.
 * 3. Plan it from the next business day (today's list is already in the field), in the
 *    configured priority order, into the AOR's capacity.
 * 4. Write back only the UCs whose date changed; each write moves the planned-NTA counter
 *    (AGG#NTA_PLAN) in its own transaction, and only if the UC is still where it was read.
 * 5. Write the work lists (.xlsx to open, .csv beside it) of the next `workListDays` business days; release the lease.
 *
 * Safe to repeat: the same inputs give the same plan, nothing changes the second time.
 * A UC leaves the backlog only through the roster store, which records why. On failure
 * the lease is released (or expires if the process died) and the caller retries.
 */
export async function replanNtaBacklog(aors: Iterable<Aor>, deps: ReplanDeps): Promise<ReplanOutcome[]> {
  const outcomes: ReplanOutcome[] = [];
  for (const aor of [...new Set(aors)].sort()) {
    const lease = await deps.roster.acquirePlanLease(aor);
    try {
      outcomes.push(await replanAor(aor, lease, deps));
    } finally {
      await deps.roster.releasePlanLease(lease);
    }
  }
  return outcomes;
}

async function replanAor(aor: Aor, lease: PlanLease, deps: ReplanDeps): Promise<ReplanOutcome> {
  const now = deps.clock.now();
  const today = now.toISOString().slice(0, 10);
  const start = addBusinessDays(today, 1);
  const backlog = await deps.roster.loadBacklog(aor);
  const byA = new Map(backlog.map((uc) => [uc.aNumber, uc]));
  const plan = planBacklog(backlog, { startDate: start, capacity: deps.capacity, priority: deps.priority }).get(aor) ?? {
    aor, slotsPerDay: 0, planned: [], unscheduled: 0, firstDate: null, lastDate: null,
  };
  const changes = diffPlan(new Map(backlog.map((uc) => [uc.aNumber, uc.plannedDate])), plan);
  const saved = await deps.roster.savePlan(
    lease,
    [...changes.added, ...changes.moved].map((p) => ({ ...p, previousDate: byA.get(p.aNumber)?.plannedDate ?? null })),
  );
  const in30 = dayNumber(today) + 30;

  const horizonEnd = addBusinessDays(start, Math.max(0, deps.workListDays - 1));
  const days = new Map<string, (typeof plan.planned)[number][]>();
  for (const p of plan.planned) {
    if (p.plannedDate === null || p.plannedDate > horizonEnd) continue;
    let list = days.get(p.plannedDate);
    if (list === undefined) days.set(p.plannedDate, (list = []));
    list.push(p);
  }
  for (const [date, list] of days) {
    const rows = workListRows(list.map((p) => ({ ...p, fields: byA.get(p.aNumber)?.workList ?? {} })));
    await deps.files.putObject(workListXlsxKey(aor, date), await workListXlsx(rows, `${aor} ${date}`), XLSX_TYPE);
    await deps.files.putObject(workListKey(aor, date), workListCsv(rows), 'text/csv; charset=utf-8');
  }
  const outcome: ReplanOutcome = {
    aor,
    backlog: backlog.length,
    added: changes.added.length,
    moved: changes.moved.length,
    unchanged: changes.unchanged,
    unscheduled: plan.unscheduled,
    skipped: saved.skipped,
    plannedNext30Days: plan.planned.filter((p) => p.plannedDate !== null && dayNumber(p.plannedDate) < in30).length,
    firstDate: plan.firstDate,
    lastDate: plan.lastDate,
    workLists: days.size,
  };
  deps.log.info('aor replanned', { ...outcome });
  return outcome;
}
