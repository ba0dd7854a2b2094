import type { MetricName, MetricPoint } from './metrics';
import {
  histogramQuantileSeconds,
  latencyDisplayGroups,
  mergedLatency,
  NOTICE_LATENCY_DISPLAY_MINUTES,
  NOTICE_LATENCY_LABELS,
  NOTICE_TARGET_HOURS,
} from './notice-latency';
import {
  addDays,
  BACKLOG_AGE_BUCKETS,
  metricRanges,
  utcDay,
  weekOf,
  type BacklogFlowRow,
  type FtaDayRow,
  type FtaWeekRow,
  type ProgramState,
} from './program-metrics';

/**
 * The program report's numbers (`out/summary.json` `program`, drawn by `out/report.html`).
 *
 * One source of truth with the CloudWatch metrics: every "now" number (open FTAs, backlog,
 * tasks, per AOR, by age) is read from the metric points the metrics job published, and
 * everything over time is read from the same aggregate items the job reads, whole history
 * instead of the job's windows. Pure: the clock is a parameter.
 */

/** AGG#TASK_FLOW: re-verification tasks opened and closed on one UTC day, per AOR. */
export interface TaskFlowRow {
  readonly day: string;
  readonly aor: string;
  readonly opened: number;
  readonly closed: number;
}

/**
 * The dated counters over their whole history (the local report reads them; the metrics job
 * does not): AGG#FTA_DAY, AGG#FTA_WEEK, AGG#BACKLOG_FLOW, AGG#TASK_FLOW.
 */
export interface ProgramHistory {
  readonly ftaDays: readonly FtaDayRow[];
  readonly ftaWeeks: readonly FtaWeekRow[];
  readonly backlogFlow: readonly BacklogFlowRow[];
  readonly taskFlow: readonly TaskFlowRow[];
}

export const emptyProgramHistory = (): ProgramHistory => ({ ftaDays: [], ftaWeeks: [], backlogFlow: [], taskFlow: [] });

/** Weeks the "FTAs by week" chart draws one by one; earlier weeks are folded into one bar. */
export const REPORT_WEEKS = 104;

export interface DayRange {
  /** YYYY-MM-DD, inclusive. */
  readonly from: string;
  readonly to: string;
}

export interface AorCount {
  /** AOR code, or UNKNOWN (the metric's dimension for a court with no AOR). */
  readonly aor: string;
  readonly value: number;
}

export interface TrendPoint {
  /** A UTC day (step 'day'), or the Monday of a week (step 'week'). */
  readonly date: string;
  /** The count at the end of that day or week. */
  readonly value: number;
}

export interface Trend {
  /** The metric the trend ends at (its total now). */
  readonly metric: string;
  readonly step: 'day' | 'week';
  /**
   * One point per day (week) the counter moved, the count at its end: the running sum of
   * the dated counter from its first day. Fewer than two points is no trend yet.
   */
  readonly points: readonly TrendPoint[];
  /** The metric's total now (from the published points). */
  readonly current: number;
}

export interface ProgramReport {
  /** ISO time the report was computed. */
  readonly generatedAt: string;
  /** The date range the report covers. */
  readonly coverage: {
    /** Monday of the first to Sunday of the last week holding an open FTA (its order or missed-hearing date); null with none. */
    readonly ftaDates: DayRange | null;
    /** First and last UTC day the pipeline recorded a change (FTA, backlog entry, task); null with none. */
    readonly recorded: DayRange | null;
    /** When the last drop landed (ISO); null before any drop. */
    readonly lastDropAt: string | null;
    /** The notification latency's window (days the FTAs were recorded). */
    readonly noticeWindow: DayRange;
  };
  /**
   * Open FTAs by the week of their date: REPORT_WEEKS weeks up to this one (from the first
   * week holding an FTA when that is later), every FTA before them in `earlier`, any dated
   * after this week in `later`; `total` = the sum of all three = every open FTA.
   */
  readonly ftasByWeek: {
    readonly weeks: readonly { readonly week: string; readonly count: number }[];
    readonly earlier: { readonly before: string; readonly count: number };
    readonly later: { readonly after: string; readonly count: number };
    readonly total: number;
  };
  /** Metric FtasOpen per AOR, largest first (AORs with none left out). */
  readonly ftasOpenByAor: readonly AorCount[];
  /** Metric NtaBacklog per AOR, largest first. */
  readonly backlogByAor: readonly AorCount[];
  /** Metrics NtaBacklogAge*: UCs in the backlog by time since ORR released them. */
  readonly backlogByAge: readonly { readonly band: string; readonly label: string; readonly value: number }[];
  /** Metrics ReverificationTasksOpen and ReverificationTasksOverdue per AOR, most open first. */
  readonly tasksByAor: readonly { readonly aor: string; readonly open: number; readonly overdue: number }[];
  readonly trends: { readonly ftasOpen: Trend; readonly ntaBacklog: Trend; readonly tasksOpen: Trend };
  /** First emails to ORR of the FTAs recorded in `window`: drop landing to email sent. */
  readonly noticeLatency: {
    readonly window: DayRange;
    readonly emails: number;
    readonly groups: readonly { readonly label: string; readonly count: number; readonly withinTarget: boolean }[];
    /** Read from the latency histogram (within 10%); null with no email. */
    readonly percentilesSeconds: { readonly p50: number | null; readonly p90: number | null; readonly p95: number | null };
    /** Metric NotifiedWithin24hShare (percent of FTAs whose 24 h has passed); null before any. */
    readonly within24hShare: number | null;
  };
  /** Every metric point as the job published it. */
  readonly metrics: readonly MetricPoint[];
}

export const BACKLOG_AGE_LABELS: Readonly<Record<(typeof BACKLOG_AGE_BUCKETS)[number]['name'], string>> = {
  NtaBacklogAge0To90Days: '0-90 days',
  NtaBacklogAge91To180Days: '91-180 days',
  NtaBacklogAge181To365Days: '181-365 days',
  NtaBacklogAge1To2Years: '1-2 years',
  NtaBacklogAgeOver2Years: 'over 2 years',
};

/** The total of a published metric (its point with no AOR); 0 when it was not published. */
export const metricTotal = (points: readonly MetricPoint[], name: MetricName): number =>
  points.find((p) => p.name === name && p.aor === undefined)?.value ?? 0;

function perAor(points: readonly MetricPoint[], name: MetricName): Map<string, number> {
  const byAor = new Map<string, number>();
  for (const p of points) if (p.name === name && p.aor !== undefined) byAor.set(p.aor, p.value);
  return byAor;
}

const largestFirst = (byAor: ReadonlyMap<string, number>): AorCount[] =>
  [...byAor]
    .filter(([, value]) => value > 0)
    .map(([aor, value]) => ({ aor, value }))
    .sort((a, b) => b.value - a.value || a.aor.localeCompare(b.aor));

/** The running sum of per-date changes, one point per date that has a change. */
function runningSum(metric: MetricName, step: Trend['step'], changes: readonly { date: string; delta: number; moved: boolean }[], current: number): Trend {
  const byDate = new Map<string, { delta: number; moved: boolean }>();
  for (const c of changes) {
    const e = byDate.get(c.date) ?? { delta: 0, moved: false };
    byDate.set(c.date, { delta: e.delta + c.delta, moved: e.moved || c.moved });
  }
  let value = 0;
  const points: TrendPoint[] = [];
  for (const [date, e] of [...byDate].sort(([a], [b]) => a.localeCompare(b))) {
    value += e.delta;
    if (e.moved) points.push({ date, value });
  }
  return { metric, step, points, current };
}

function ftasByWeek(rows: readonly FtaWeekRow[], thisWeek: string): ProgramReport['ftasByWeek'] {
  const byWeek = new Map<string, number>();
  for (const r of rows) byWeek.set(r.week, (byWeek.get(r.week) ?? 0) + r.count);
  const withFtas = [...byWeek].filter(([, n]) => n !== 0).map(([w]) => w).sort();
  const windowStart = addDays(thisWeek, -7 * (REPORT_WEEKS - 1));
  const firstPast = withFtas.find((w) => w <= thisWeek);
  const start = firstPast === undefined ? thisWeek : firstPast < windowStart ? windowStart : firstPast;
  const weeks: { week: string; count: number }[] = [];
  if (withFtas.length > 0) for (let w = start; w <= thisWeek; w = addDays(w, 7)) weeks.push({ week: w, count: byWeek.get(w) ?? 0 });
  let earlier = 0;
  let later = 0;
  let total = 0;
  for (const [w, n] of byWeek) {
    total += n;
    if (w < start) earlier += n;
    else if (w > thisWeek) later += n;
  }
  return { weeks, earlier: { before: start, count: earlier }, later: { after: addDays(thisWeek, 6), count: later }, total };
}

function span(days: readonly string[]): DayRange | null {
  if (days.length === 0) return null;
  const sorted = [...days].sort();
  return { from: sorted[0]!, to: sorted[sorted.length - 1]! };
}

/**
 * The report's numbers from the published metric points (`points`), the job's aggregate
 * read (`state`, for the latency histogram) and the dated counters' whole history
 * (`history`), at `now`.
 */
export function buildProgramReport(input: {
  readonly points: readonly MetricPoint[];
  readonly state: ProgramState;
  readonly history: ProgramHistory;
  readonly now: Date;
}): ProgramReport {
  const { points, state, history, now } = input;
  const thisWeek = weekOf(utcDay(now));
  const byWeek = ftasByWeek(history.ftaWeeks, thisWeek);

  const open = perAor(points, 'ReverificationTasksOpen');
  const overdue = perAor(points, 'ReverificationTasksOverdue');
  const tasksByAor = [...new Set([...open.keys(), ...overdue.keys()])]
    .map((aor) => ({ aor, open: open.get(aor) ?? 0, overdue: overdue.get(aor) ?? 0 }))
    .filter((t) => t.open > 0 || t.overdue > 0)
    .sort((a, b) => b.open - a.open || b.overdue - a.overdue || a.aor.localeCompare(b.aor));

  const latency = mergedLatency(state.notices);
  const groups = latencyDisplayGroups(latency);
  const noticeWindow = metricRanges(now).noticeDays;
  const share = points.find((p) => p.name === 'NotifiedWithin24hShare' && p.aor === undefined)?.value ?? null;

  const weekTotals = new Map<string, number>();
  for (const w of history.ftaWeeks) weekTotals.set(w.week, (weekTotals.get(w.week) ?? 0) + w.count);
  const ftaWeekSpan = span([...weekTotals].filter(([, n]) => n !== 0).map(([w]) => w));
  const recordedDays = [
    ...history.ftaDays.filter((d) => d.new !== 0 || d.rescinded !== 0).map((d) => d.day),
    ...history.taskFlow.filter((t) => t.opened !== 0 || t.closed !== 0).map((t) => t.day),
    // A backlog week is known by its Monday only: its first day stands for it.
    ...history.backlogFlow.filter((f) => f.entered !== 0 || f.left !== 0).map((f) => f.week),
  ];

  return {
    generatedAt: now.toISOString(),
    coverage: {
      ftaDates: ftaWeekSpan === null ? null : { from: ftaWeekSpan.from, to: addDays(ftaWeekSpan.to, 6) },
      recorded: span(recordedDays),
      lastDropAt: state.lastDropAt,
      noticeWindow,
    },
    ftasByWeek: byWeek,
    ftasOpenByAor: largestFirst(perAor(points, 'FtasOpen')),
    backlogByAor: largestFirst(perAor(points, 'NtaBacklog')),
    backlogByAge: BACKLOG_AGE_BUCKETS.map((b) => ({ band: b.name, label: BACKLOG_AGE_LABELS[b.name], value: metricTotal(points, b.name) })),
    tasksByAor,
    trends: {
      ftasOpen: runningSum(
        'FtasOpen',
        'day',
        history.ftaDays.map((d) => ({ date: d.day, delta: d.new - d.rescinded, moved: d.new !== 0 || d.rescinded !== 0 })),
        metricTotal(points, 'FtasOpen'),
      ),
      ntaBacklog: runningSum(
        'NtaBacklog',
        'week',
        history.backlogFlow.map((f) => ({ date: f.week, delta: f.entered - f.left, moved: f.entered !== 0 || f.left !== 0 })),
        metricTotal(points, 'NtaBacklog'),
      ),
      tasksOpen: runningSum(
        'ReverificationTasksOpen',
        'day',
        history.taskFlow.map((t) => ({ date: t.day, delta: t.opened - t.closed, moved: t.opened !== 0 || t.closed !== 0 })),
        metricTotal(points, 'ReverificationTasksOpen'),
      ),
    },
    noticeLatency: {
      window: noticeWindow,
      emails: latency.reduce((a, b) => a + b, 0),
      groups: NOTICE_LATENCY_LABELS.map((label, i) => ({
        label,
        count: groups[i] ?? 0,
        withinTarget: (NOTICE_LATENCY_DISPLAY_MINUTES[i] ?? Infinity) <= NOTICE_TARGET_HOURS * 60,
      })),
      percentilesSeconds: {
        p50: histogramQuantileSeconds(latency, 0.5),
        p90: histogramQuantileSeconds(latency, 0.9),
        p95: histogramQuantileSeconds(latency, 0.95),
      },
      within24hShare: share,
    },
    metrics: points,
  };
}
