/**
 * ICE ERO areas of responsibility (field offices). The 25 codes the UC roster and the
 * metrics use (docs/spec.md §1.2).
 */
export const AORS = [
  'ATL', 'BAL', 'BOS', 'BUF', 'CHI', 'DAL', 'DEN', 'DET', 'ELP', 'HLG', 'HOU', 'LOS', 'MIA',
  'NEW', 'NOL', 'NYC', 'PHI', 'PHO', 'SEA', 'SFR', 'SLC', 'SNA', 'SND', 'SPM', 'WAS',
] as const;

export type Aor = (typeof AORS)[number];

const AOR_SET: ReadonlySet<string> = new Set(AORS);

export function isAor(value: string): value is Aor {
  return AOR_SET.has(value);
}
