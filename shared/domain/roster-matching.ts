/**
 * Matching roster UCs to EOIR cases (docs/spec.md §2): by A-number when EOIR data carries
 * one, else by the roster's EOIR_CASE_ID. Two lists for people to work:
 * - juvenile cases EOIR marked as UC cases (juvenile history, case priority) that no roster
 *   UC matches: children DHS may not have recorded as transferred to ORR;
 * - roster UCs DOJ has no case for: no EOIR case id, or one EOIR never showed.
 */
export interface UcCaseMark {
  readonly caseId: string;
  readonly basis: string;
  /** A-number from EOIR's identity-bearing feed, when known. */
  readonly aNumber: string | null;
  /** The AOR of the court of the case's latest hearing, when known. */
  readonly aor: string | null;
  /** The AOR (or NONE) the case is counted under as unmatched now; null when not counted. */
  readonly countedUnmatchedIn: string | null;
}

export interface RosterUcRef {
  readonly aNumber: string;
  readonly aor: string;
  readonly eoirCaseId: string | null;
  readonly status: string;
}

export interface MatchReport {
  readonly matched: number;
  /**
   * Roster UCs still in the NTA backlog although an EOIR case matches them (by A-number: the
   * roster did not name the case): they have an EOIR case, so they leave the backlog.
   */
  readonly backlogUcsWithCase: readonly { readonly aNumber: string; readonly caseId: string }[];
  readonly casesWithoutRosterUc: readonly UcCaseMark[];
  readonly rosterUcsWithoutCase: readonly RosterUcRef[];
}

export function matchRosterToCases(marks: readonly UcCaseMark[], roster: readonly RosterUcRef[]): MatchReport {
  const eoirCases = new Map(marks.filter((m) => m.basis !== 'ROSTER').map((m) => [m.caseId, m]));
  const byANumber = new Map<string, UcCaseMark>();
  for (const m of eoirCases.values()) if (m.aNumber !== null) byANumber.set(m.aNumber, m);
  const matchedCases = new Set<string>();
  const rosterUcsWithoutCase: RosterUcRef[] = [];
  const backlogUcsWithCase: { aNumber: string; caseId: string }[] = [];
  for (const uc of roster) {
    const hit = byANumber.get(uc.aNumber) ?? (uc.eoirCaseId !== null ? eoirCases.get(uc.eoirCaseId) : undefined);
    if (hit) {
      matchedCases.add(hit.caseId);
      if (uc.status === 'BACKLOG') backlogUcsWithCase.push({ aNumber: uc.aNumber, caseId: hit.caseId });
    } else rosterUcsWithoutCase.push(uc);
  }
  const casesWithoutRosterUc = [...eoirCases.values()].filter((m) => !matchedCases.has(m.caseId));
  return {
    matched: matchedCases.size,
    backlogUcsWithCase: backlogUcsWithCase.sort((a, b) => a.aNumber.localeCompare(b.aNumber)),
    casesWithoutRosterUc: casesWithoutRosterUc.sort((a, b) => a.caseId.localeCompare(b.caseId)),
    rosterUcsWithoutCase: rosterUcsWithoutCase.sort((a, b) => a.aNumber.localeCompare(b.aNumber)),
  };
}

/**
 * How the unmatched count (UcCasesUnmatchedToRoster, per AOR) must move: each EOIR UC case
 * no roster UC matches is counted once, under its AOR (NONE when unknown); every other
 * mark is not counted. Only marks whose counted state differs are returned.
 */
export function unmatchedCountChanges(
  marks: readonly UcCaseMark[],
  report: MatchReport,
): { caseId: string; from: string | null; to: string | null }[] {
  const unmatched = new Set(report.casesWithoutRosterUc.map((m) => m.caseId));
  const changes: { caseId: string; from: string | null; to: string | null }[] = [];
  for (const m of marks) {
    const to = unmatched.has(m.caseId) ? (m.aor ?? 'NONE') : null;
    if (to !== m.countedUnmatchedIn) changes.push({ caseId: m.caseId, from: m.countedUnmatchedIn, to });
  }
  return changes;
}
