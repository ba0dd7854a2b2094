/**
 * Program metrics for managers (OIG-24-46: ICE could not tell how many UCs missed court,
 * did not tell ORR, and had ~291,000 UCs never served an NTA).
 *
 * Pure arithmetic over aggregate items kept in the cases table; the clock is a parameter.
 * The metrics job never reads case items: every number below comes from an aggregate that
 * the writer of the counted item updates **in the same DynamoDB transaction** (so a retry
 * or a redelivery cannot count twice, and nothing is summed from at-least-once logs).
 *
 * Aggregate contracts (pk / sk / numeric fields, `<aor>` is an AOR code or `NONE`,
 * `<day>` is YYYY-MM-DD in UTC, `<week>` the UTC Monday of that week, `<shard>` 0-7 from
 * `aggregateShard(id)`). Builders for every write are in shared/adapters/cases-table/program-aggregates.ts.
 *
 * | pk | sk | fields | written by (same transaction as) |
 * |---|---|---|---|
 * | AGG#FTA | AOR#<aor>#<shard> | open, total, rescinded | ingest: new FTA (+1 open,total); rescission (open -1, rescinded +1) |
 * | AGG#FTA_DAY | DAY#<day>#AOR#<aor>#<shard> | new, rescinded | ingest: new FTA (+1 new, day recorded); rescission (+1 rescinded, day rescinded) |
 * | AGG#FTA_WEEK | WEEK#<week of FTA date>#AOR#<aor>#<shard> | count | ingest: new FTA (+1); rescission (-1) |
 * | AGG#NOTICE | DAY#<day recorded>#DROP#<dropId>#<shard> | ftas, landedAt; notified, within24h, lg<i> (sparse latency histogram) | ingest: new FTA (+1 ftas, landedAt if absent); notifier: first email sent (+1 notified, +1 within24h if sent - landedAt <= 24 h, +1 lg<bucket>) |
 * | AGG#BACKLOG | AOR#<aor>#RELEASED#<yyyy-mm> | open | roster store: UC's backlog entry created (+1) / deleted (NTA served, EOIR case found, AOR changed: -1) |
 * | AGG#BACKLOG_FLOW | WEEK#<week>#AOR#<aor> | entered, left | roster store: same transactions as AGG#BACKLOG (+1 entered / +1 left) |
 * | AGG#NTA_PLAN | DAY#<planned day>#AOR#<aor> | planned | roster store: backlog entry's plannedDate set to that day (+1), moved away or entry deleted (-1) |
 * | AGG#TASK | REVERIFY#<aor> | open | task store: task opened (+1) / closed (-1) |
 * | AGG#TASK_DUE | DUE#<due day>#AOR#<aor> | open | task store: task opened (+1) / closed (-1) |
 * | AGG#TASK_FLOW | DAY#<day opened or closed>#AOR#<aor> | opened, closed | task store: task opened (+1 opened) / closed (+1 closed) |
 * | AGG#ROSTER | UNMATCHED#<aor> | unmatched | roster matcher: UC mark's unmatchedAor set (+1) / removed or moved (-1) |
 * | AGG#DROP | LAST | lastDropAt, dropId | drop report saved (conditional on newer) |
 * | AGG#DROP | DROP#<landedAt>#<dropId> | rowsRead, rowsRejected, ftasNew, ftasRescinded | drop report saved (overwritten by a re-run of the same drop) |
 *
 * The job reads each partition with one Query bounded by the windows in METRIC_WINDOWS, so
 * its reads grow with AORs, shards and recent days/drops, never with the number of UCs.
 * The latency histogram is in notice-latency.ts; names, units and dimensions in metrics.ts.
 */
import { metricPoint, type CataloguedMetricName, type MetricPoint } from './metrics';
import { histogramMedianSeconds, mergedLatency, NOTICE_TARGET_HOURS } from './notice-latency';

// Callers that read points and latency through this module (the aggregate adapters).
export type { MetricPoint, MetricUnit } from './metrics';
export * from './notice-latency';

/** hourly: the signals alarms watch; daily: everything (rates, backlog, plans). */
export type MetricCadence = 'hourly' | 'daily';

/** How far back (or ahead) the job reads each time-keyed aggregate. */
export const METRIC_WINDOWS = {
  ftaNewDays: 7,
  ftaWeeks: 26,
  noticeDays: 30,
  backlogFlowWeeks: 4,
  plannedDays: 30,
  overdueLookbackDays: 365,
  dropHistory: 10,
} as const;

export const BACKLOG_AGE_BUCKETS = [
  { name: 'NtaBacklogAge0To90Days', maxDays: 90 },
  { name: 'NtaBacklogAge91To180Days', maxDays: 180 },
  { name: 'NtaBacklogAge181To365Days', maxDays: 365 },
  { name: 'NtaBacklogAge1To2Years', maxDays: 730 },
  { name: 'NtaBacklogAgeOver2Years', maxDays: Infinity },
] as const;

export interface FtaDayRow { readonly day: string; readonly aor: string; readonly new: number; readonly rescinded: number }
export interface FtaWeekRow { readonly week: string; readonly aor: string; readonly count: number }
export interface NoticeDropRow {
  readonly day: string;
  readonly dropId: string;
  /** When the drop landed (ISO); null if only the notifier has written so far. */
  readonly landedAt: string | null;
  readonly ftas: number;
  readonly notified: number;
  readonly within24h: number;
  /** Counts per latency bucket (NOTICE_LATENCY_BUCKETS of them; see latencyBucketUpperSeconds). */
  readonly latency: readonly number[];
}
export interface BacklogRow { readonly aor: string; readonly releasedMonth: string; readonly open: number }
export interface BacklogFlowRow { readonly week: string; readonly aor: string; readonly entered: number; readonly left: number }
export interface PlannedRow { readonly day: string; readonly aor: string; readonly planned: number }
export interface TaskDueRow { readonly due: string; readonly aor: string; readonly open: number }
export interface DropRow {
  readonly dropId: string;
  readonly landedAt: string;
  readonly rowsRead: number;
  readonly rowsRejected: number;
  readonly ftasNew: number;
  readonly ftasRescinded: number;
}

/** What the job read: aggregate rows inside METRIC_WINDOWS of `now`. */
export interface ProgramState {
  /** Open FTAs per AOR (`NONE` when the court maps to no AOR). */
  readonly ftasOpenByAor: ReadonlyMap<string, number>;
  readonly ftasRescindedByAor: ReadonlyMap<string, number>;
  readonly ftaDays: readonly FtaDayRow[];
  readonly ftaWeeks: readonly FtaWeekRow[];
  readonly notices: readonly NoticeDropRow[];
  readonly backlog: readonly BacklogRow[];
  readonly backlogFlow: readonly BacklogFlowRow[];
  readonly planned: readonly PlannedRow[];
  readonly tasksOpenByAor: ReadonlyMap<string, number>;
  readonly tasksDue: readonly TaskDueRow[];
  readonly unmatchedByAor: ReadonlyMap<string, number>;
  /** Most recent first, at most METRIC_WINDOWS.dropHistory. */
  readonly drops: readonly DropRow[];
  readonly lastDropAt: string | null;
}

export const emptyProgramState = (): ProgramState => ({
  ftasOpenByAor: new Map(),
  ftasRescindedByAor: new Map(),
  ftaDays: [],
  ftaWeeks: [],
  notices: [],
  backlog: [],
  backlogFlow: [],
  planned: [],
  tasksOpenByAor: new Map(),
  tasksDue: [],
  unmatchedByAor: new Map(),
  drops: [],
  lastDropAt: null,
});

// ---- dates (UTC, YYYY-MM-DD strings) ----

const DAY_MS = 86_400_000;
export const utcDay = (at: Date): string => at.toISOString().slice(0, 10);
export const addDays = (day: string, n: number): string => utcDay(new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS));
/** The Monday (UTC) of the week holding `day`. */
export function weekOf(day: string): string {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(day, -((weekday + 6) % 7));
}

/** The windows the reader queries, as inclusive day ranges. */
export function metricRanges(now: Date) {
  const today = utcDay(now);
  const thisWeek = weekOf(today);
  return {
    today,
    ftaDays: { from: addDays(today, -(METRIC_WINDOWS.ftaNewDays - 1)), to: today },
    ftaWeeks: { from: addDays(thisWeek, -7 * (METRIC_WINDOWS.ftaWeeks - 1)), to: thisWeek },
    noticeDays: { from: addDays(today, -(METRIC_WINDOWS.noticeDays - 1)), to: today },
    backlogFlowWeeks: { from: addDays(thisWeek, -7 * METRIC_WINDOWS.backlogFlowWeeks), to: addDays(thisWeek, -7) },
    plannedDays: { from: today, to: addDays(today, METRIC_WINDOWS.plannedDays - 1) },
    overdueDays: { from: addDays(today, -METRIC_WINDOWS.overdueLookbackDays), to: addDays(today, -1) },
  };
}

// ---- arithmetic ----

/** Drops that landed at least NOTICE_TARGET_HOURS ago: their 24 h window has closed. */
function closedNoticeRows(state: ProgramState, now: Date): NoticeDropRow[] {
  const cutoff = now.getTime() - NOTICE_TARGET_HOURS * 3_600_000;
  return state.notices.filter((n) => Date.parse(n.landedAt ?? `${n.day}T00:00:00Z`) <= cutoff);
}

/** The age bucket of UCs released in `releasedMonth` (YYYY-MM), aged from the 1st. */
export function backlogAgeBucket(releasedMonth: string, now: Date): (typeof BACKLOG_AGE_BUCKETS)[number]['name'] {
  const days = (now.getTime() - Date.parse(`${releasedMonth}-01T00:00:00Z`)) / DAY_MS;
  return (BACKLOG_AGE_BUCKETS.find((b) => days <= b.maxDays) ?? BACKLOG_AGE_BUCKETS[4]).name;
}

const aorDimension = (aor: string): string => (aor === 'NONE' ? 'UNKNOWN' : aor);

function sumBy<T>(rows: readonly T[], aorOf: (r: T) => string, valueOf: (r: T) => number, keep: (r: T) => boolean = () => true) {
  const byAor = new Map<string, number>();
  for (const r of rows) if (keep(r)) byAor.set(aorOf(r), (byAor.get(aorOf(r)) ?? 0) + valueOf(r));
  return byAor;
}

function perAor(name: CataloguedMetricName, byAor: ReadonlyMap<string, number>): MetricPoint[] {
  let total = 0;
  const points: MetricPoint[] = [];
  const merged = new Map<string, number>();
  for (const [aor, value] of byAor) merged.set(aorDimension(aor), (merged.get(aorDimension(aor)) ?? 0) + value);
  for (const [aor, value] of [...merged].sort(([a], [b]) => a.localeCompare(b))) {
    total += value;
    points.push(metricPoint(name, value, aor));
  }
  return [metricPoint(name, total), ...points];
}

const round1 = (n: number): number => Math.round(n * 10) / 10;

/** Metric names and the cadence that publishes them (daily publishes every metric). */
export const HOURLY_METRICS: ReadonlySet<string> = new Set<CataloguedMetricName>([
  'FtasOpen',
  'FtasAwaitingNoticeOver24h',
  'HoursSinceLastDrop',
  'RowsRejectedLastDrop',
  'RowsRejectedShareLastDrop',
  'ReverificationTasksOpen',
  'ReverificationTasksOverdue',
]);

/** Every metric the job computes from `state` at `now` (fixed order, totals before per-AOR). */
export function buildProgramMetrics(state: ProgramState, now: Date, cadence: MetricCadence = 'daily'): MetricPoint[] {
  const r = metricRanges(now);
  const inRange = (day: string, range: { from: string; to: string }): boolean => day >= range.from && day <= range.to;
  const points: MetricPoint[] = [
    ...perAor('FtasOpen', state.ftasOpenByAor),
    ...perAor('FtasRescinded', state.ftasRescindedByAor),
    ...perAor('FtasNewLast7Days', sumBy(state.ftaDays, (d) => d.aor, (d) => d.new, (d) => inRange(d.day, r.ftaDays))),
    ...perAor('FtasRescindedLast7Days', sumBy(state.ftaDays, (d) => d.aor, (d) => d.rescinded, (d) => inRange(d.day, r.ftaDays))),
  ];

  const closed = closedNoticeRows(state, now);
  const due = closed.reduce((a, n) => a + n.ftas, 0);
  points.push(metricPoint('FtasAwaitingNoticeOver24h', closed.reduce((a, n) => a + Math.max(0, n.ftas - n.notified), 0)));
  if (due > 0) {
    const within = closed.reduce((a, n) => a + Math.min(n.ftas, n.within24h), 0);
    points.push(metricPoint('NotifiedWithin24hShare', round1((100 * within) / due)));
  }
  const median = histogramMedianSeconds(mergedLatency(state.notices));
  if (median !== null) points.push(metricPoint('NoticeLatencyMedian', median));

  points.push(...perAor('NtaBacklog', sumBy(state.backlog, (b) => b.aor, (b) => b.open)));
  const ages = new Map<CataloguedMetricName, number>(BACKLOG_AGE_BUCKETS.map((b) => [b.name, 0]));
  for (const b of state.backlog) {
    const bucket = backlogAgeBucket(b.releasedMonth, now);
    ages.set(bucket, (ages.get(bucket) ?? 0) + b.open);
  }
  for (const [name, value] of ages) points.push(metricPoint(name, value));
  const flow = state.backlogFlow.filter((f) => inRange(f.week, r.backlogFlowWeeks));
  const entered = flow.reduce((a, f) => a + f.entered, 0);
  const left = flow.reduce((a, f) => a + f.left, 0);
  points.push(metricPoint('NtaBacklogEnteredLast4Weeks', entered));
  points.push(metricPoint('NtaBacklogLeftLast4Weeks', left));
  const backlogSize = state.backlog.reduce((a, b) => a + b.open, 0);
  const weeklyBurn = (left - entered) / METRIC_WINDOWS.backlogFlowWeeks;
  if (weeklyBurn > 0) points.push(metricPoint('NtaBacklogWeeksToClear', round1(backlogSize / weeklyBurn)));

  points.push(
    ...perAor('NtasPlannedNext30Days', sumBy(state.planned, (p) => p.aor, (p) => p.planned, (p) => inRange(p.day, r.plannedDays))),
    ...perAor('ReverificationTasksOpen', state.tasksOpenByAor),
    ...perAor('ReverificationTasksOverdue', sumBy(state.tasksDue, (t) => t.aor, (t) => t.open, (t) => inRange(t.due, r.overdueDays))),
    ...perAor('UcCasesUnmatchedToRoster', state.unmatchedByAor),
  );

  const [lastDrop] = state.drops;
  if (lastDrop !== undefined) {
    points.push(metricPoint('RowsRejectedLastDrop', lastDrop.rowsRejected));
    points.push(
      metricPoint('RowsRejectedShareLastDrop', lastDrop.rowsRead === 0 ? 0 : round1((100 * lastDrop.rowsRejected) / lastDrop.rowsRead)),
    );
  }
  if (state.lastDropAt !== null) {
    const hours = (now.getTime() - Date.parse(state.lastDropAt)) / 3_600_000;
    points.push(metricPoint('HoursSinceLastDrop', Math.max(0, round1(hours))));
  }
  return cadence === 'daily' ? points : points.filter((p) => HOURLY_METRICS.has(p.name));
}
