import { matchRosterToCases, unmatchedCountChanges } from '../domain/roster-matching';
import { csvField } from '../domain/work-list';
import type { Clock } from '../ports/clock';
import type { Log } from '../ports/log';
import type { ObjectSink } from '../ports/object-sink';
import type { RosterStore } from '../ports/roster-store';

export interface MatchingDeps {
  readonly roster: RosterStore;
  readonly files: ObjectSink;
  readonly clock: Clock;
  readonly log: Log;
}

/** S3 keys of the two matching lists. */
export const MATCHING_KEYS = {
  casesWithoutRosterUc: 'reports/roster-matching/juvenile-cases-without-roster-uc.csv',
  rosterUcsWithoutCase: 'reports/roster-matching/roster-ucs-without-eoir-case.csv',
} as const;

/**
 * Matches roster UCs to EOIR UC cases and writes the two lists a person works from
 * (juvenile cases no roster UC matches; roster UCs DOJ has no case for) as CSV, and moves
 * each case whose matched state changed in or out of the unmatched count (AGG#ROSTER per
 * AOR, read by the metrics job), once: a re-run finds nothing to move. A full read of
 * marks and roster: daily job. A case changed by a concurrent run is left to the next run.
 */
export async function reportRosterMatching(deps: MatchingDeps): Promise<{ matched: number; casesWithoutRosterUc: number; rosterUcsWithoutCase: number }> {
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
  deps.log.info('roster matching', { ...counts, unmatchedCountMoved: moved.written, unmatchedCountStale: moved.stale });
  return counts;
}
