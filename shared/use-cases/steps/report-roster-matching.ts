import { matchRosterToCases, unmatchedCountChanges } from '../../domain/roster-matching';
import { csvField } from '../../domain/work-list';
import type { Aor } from '../../domain/aor';
import type { NtaBacklog, RosterMatching, RosterUcs } from '../../ports/roster-store';
import type { ReplanDeps } from './replan-nta-backlog';

export type MatchingDeps = ReplanDeps & { readonly roster: NtaBacklog & RosterMatching & Pick<RosterUcs, 'recordEoirCaseForUc'> };

/** S3 keys of the two matching lists. */
export const MATCHING_KEYS = {
  casesWithoutRosterUc: 'reports/roster-matching/juvenile-cases-without-roster-uc.csv',
  rosterUcsWithoutCase: 'reports/roster-matching/roster-ucs-without-eoir-case.csv',
} as const;

export interface MatchingReport {
  readonly matched: number;
  readonly casesWithoutRosterUc: number;
  readonly rosterUcsWithoutCase: number;
  readonly leftBacklog: number;
  readonly aorsTouched: Aor[];
}

/**
 * Matches roster UCs to EOIR UC cases and writes the two lists a person works from
 * (juvenile cases no roster UC matches; roster UCs DOJ has no case for) as CSV, and moves
 * each case whose matched state changed in or out of the unmatched count (AGG#ROSTER per
 * AOR, read by the metrics job), once: a re-run finds nothing to move. A roster UC still in
 * the NTA backlog that an EOIR case matches by A-number leaves it (EOIR_CASE); the AORs it
 * left are returned for the caller to re-plan (plan-nta re-plans every AOR next). A full read of
 * marks and roster: daily job. A case changed by a concurrent run is left to the next run.
 */
export async function reportRosterMatching(deps: MatchingDeps): Promise<MatchingReport> {
  const { marks, roster } = await deps.roster.readMatchingInputs();
  const report = matchRosterToCases(marks, roster);
  const csv = (header: string, rows: string[][]): string => `${[header, ...rows.map((r) => r.map(csvField).join(','))].join('\r\n')}\r\n`;
  await deps.files.putObject(
    MATCHING_KEYS.casesWithoutRosterUc,
    csv('EOIR_CASE_ID,UC_BASIS,AOR', report.casesWithoutRosterUc.map((m) => [m.caseId, m.basis, m.aor ?? ''])),
    'text/csv; charset=utf-8',
  );
  await deps.files.putObject(
    MATCHING_KEYS.rosterUcsWithoutCase,
    csv('A_NUMBER,AOR,EOIR_CASE_ID,BACKLOG_STATUS', report.rosterUcsWithoutCase.map((u) => [u.aNumber, u.aor, u.eoirCaseId ?? '', u.status])),
    'text/csv; charset=utf-8',
  );
  const counts = {
    matched: report.matched,
    casesWithoutRosterUc: report.casesWithoutRosterUc.length,
    rosterUcsWithoutCase: report.rosterUcsWithoutCase.length,
  };
  const moved = await deps.roster.saveUnmatched(unmatchedCountChanges(marks, report));
  // A backlog UC that EOIR has a case for (matched by A-number) leaves the backlog: EOIR_CASE.
  const touched = new Set<Aor>();
  const at = deps.clock.now().toISOString();
  let leftBacklog = 0;
  for (const { aNumber, caseId } of report.backlogUcsWithCase) {
    const t = await deps.roster.recordEoirCaseForUc(aNumber, caseId, at);
    if (t?.previous?.status === 'BACKLOG' && t.status !== 'BACKLOG') {
      touched.add(t.previous.aor);
      leftBacklog += 1;
    }
  }
  deps.log.info('roster matching', { ...counts, leftBacklog, unmatchedCountMoved: moved.written, unmatchedCountStale: moved.stale });
  return { ...counts, leftBacklog, aorsTouched: [...touched].sort() };
}
