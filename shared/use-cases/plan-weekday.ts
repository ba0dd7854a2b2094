import { AORS } from '../domain/aor';
import { replanNtaBacklog, type ReplanOutcome } from './steps/replan-nta-backlog';
import { reportOverdueTasks, type OverdueDeps } from './steps/report-overdue-tasks';
import { reportRosterMatching, type MatchingDeps, type MatchingReport } from './steps/report-roster-matching';

export interface WeekdayPlan {
  readonly plans: ReplanOutcome[];
  /** Open re-verification tasks past due, per AOR (`NONE`: FTAs with no AOR known). */
  readonly overdueTasks: Record<string, number>;
  readonly matching: MatchingReport;
}

/**
 * The business morning's NTA work (and after a capacity change, run by hand):
 * 1. match roster UCs to EOIR cases (a backlog UC matched by A-number leaves the backlog);
 * 2. re-plan every AOR from the next business day and write the coming days' work lists;
 * 3. list the overdue address re-verification tasks per AOR.
 */
export async function planWeekday(deps: MatchingDeps & OverdueDeps): Promise<WeekdayPlan> {
  const matching = await reportRosterMatching(deps);
  const plans = await replanNtaBacklog(AORS, deps);
  const overdueTasks = await reportOverdueTasks(deps);
  return { plans, overdueTasks, matching };
}
