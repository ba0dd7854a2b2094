/**
 * Program metrics for managers (OIG-24-46: ICE could not tell how many UCs missed court).
 * Pure arithmetic over aggregates kept in the store; the clock is a parameter.
 */
export type MetricUnit = 'Count' | 'Hours';

export interface MetricPoint {
  readonly name: string;
  readonly unit: MetricUnit;
  readonly value: number;
  /** The only dimension we use: the AOR (25 values plus UNKNOWN). */
  readonly aor?: string;
}

export interface ProgramState {
  /** Open FTAs per AOR (`NONE` when the court maps to no AOR). */
  readonly ftasOpenByAor: ReadonlyMap<string, number>;
  readonly tasksOpenByAor: ReadonlyMap<string, number>;
  readonly lastDropAt: string | null;
}

const aorDimension = (aor: string): string => (aor === 'NONE' ? 'UNKNOWN' : aor);

function perAor(name: string, byAor: ReadonlyMap<string, number>): MetricPoint[] {
  let total = 0;
  const points: MetricPoint[] = [];
  for (const [aor, value] of [...byAor].sort(([a], [b]) => a.localeCompare(b))) {
    total += value;
    points.push({ name, unit: 'Count', value, aor: aorDimension(aor) });
  }
  return [{ name, unit: 'Count', value: total }, ...points];
}

export function buildProgramMetrics(state: ProgramState, now: Date): MetricPoint[] {
  const points = [
    ...perAor('FtasOpen', state.ftasOpenByAor),
    ...perAor('ReverificationTasksOpen', state.tasksOpenByAor),
  ];
  if (state.lastDropAt !== null) {
    const hours = (now.getTime() - Date.parse(state.lastDropAt)) / 3_600_000;
    points.push({ name: 'HoursSinceLastDrop', unit: 'Hours', value: Math.max(0, Math.round(hours * 10) / 10) });
  }
  return points;
}
