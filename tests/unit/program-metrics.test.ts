import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  latencyBucketLowerSeconds,
  latencyBucketUpperSeconds,
  latencyDisplayGroups,
  backlogAgeBucket,
  buildProgramMetrics,
  emptyProgramState,
  histogramMedianSeconds,
  metricRanges,
  noticeLatencyBucket,
  weekOf,
  type MetricPoint,
  type NoticeDropRow,
  type ProgramState,
} from '../../shared/domain/program-metrics';
import { noticeSentAggregateUpdate } from '../../shared/adapters/cases-table/program-aggregates';
import { latencyOf } from '../helpers/latency';

const NOW = new Date('2026-11-28T12:00:00.000Z'); // a Saturday
const value = (points: readonly MetricPoint[], name: string, aor?: string): number | undefined =>
  points.find((p) => p.name === name && p.aor === aor)?.value;
const state = (over: Partial<ProgramState>): ProgramState => ({ ...emptyProgramState(), ...over });
const latency = latencyOf;
/** The middle observation(s): one for an odd count, the two around the middle for an even one. */
const middle = (values: readonly number[]): [number, number] => {
  const sorted = [...values].sort((a, b) => a - b);
  return [sorted[Math.ceil(sorted.length / 2) - 1] ?? 0, sorted[Math.floor(sorted.length / 2)] ?? 0];
};
const notice = (over: Partial<NoticeDropRow>): NoticeDropRow => ({
  day: '2026-11-20',
  dropId: 'd1',
  landedAt: '2026-11-20T08:00:00.000Z',
  ftas: 0,
  notified: 0,
  within24h: 0,
  latency: latency(),
  ...over,
});

describe('metric windows (fixed clock)', () => {
  it('finds the UTC Monday of a week', () => {
    expect(weekOf('2026-11-28')).toBe('2026-11-23');
    expect(weekOf('2026-11-23')).toBe('2026-11-23');
    expect(weekOf('2026-11-22')).toBe('2026-11-16');
  });

  it('reads the last 7 days of new FTAs, the next 30 days of plans and overdue tasks due before today', () => {
    const r = metricRanges(NOW);
    expect(r.ftaDays).toEqual({ from: '2026-11-22', to: '2026-11-28' });
    expect(r.plannedDays).toEqual({ from: '2026-11-28', to: '2026-12-27' });
    expect(r.overdueDays.to).toBe('2026-11-27');
    expect(r.backlogFlowWeeks).toEqual({ from: '2026-10-26', to: '2026-11-16' });
  });
});

describe('FTA metrics', () => {
  it('counts open and rescinded FTAs per AOR and new or rescinded ones in the last 7 days only', () => {
    const points = buildProgramMetrics(
      state({
        ftasOpenByAor: new Map([['HOU', 4], ['ATL', 1]]),
        ftasRescindedByAor: new Map([['HOU', 1]]),
        ftaDays: [
          { day: '2026-11-28', aor: 'HOU', new: 2, rescinded: 1 },
          { day: '2026-11-22', aor: 'ATL', new: 1, rescinded: 0 },
          { day: '2026-11-21', aor: 'HOU', new: 9, rescinded: 9 }, // 8 days ago: outside
        ],
      }),
      NOW,
    );
    expect(value(points, 'FtasOpen')).toBe(5);
    expect(value(points, 'FtasRescinded')).toBe(1);
    expect(value(points, 'FtasRescinded', 'HOU')).toBe(1);
    expect(value(points, 'FtasNewLast7Days')).toBe(3);
    expect(value(points, 'FtasNewLast7Days', 'ATL')).toBe(1);
    expect(value(points, 'FtasRescindedLast7Days')).toBe(1);
  });

  it('merges the NONE AOR into the UNKNOWN dimension value', () => {
    const points = buildProgramMetrics(state({ ftasOpenByAor: new Map([['NONE', 2]]) }), NOW);
    expect(value(points, 'FtasOpen', 'UNKNOWN')).toBe(2);
  });
});

describe('ORR notice metrics', () => {
  it('puts each latency in the log-scale bucket whose bounds hold it', () => {
    expect(noticeLatencyBucket(0)).toBe(0);
    expect(noticeLatencyBucket(1000)).toBe(0);
    expect(noticeLatencyBucket(1001)).toBe(1);
    expect(noticeLatencyBucket(365 * 86_400_000)).toBe(160);
    fc.assert(
      fc.property(fc.integer({ min: 1001, max: 40 * 86_400_000 }), (ms) => {
        const i = noticeLatencyBucket(ms);
        expect(latencyBucketLowerSeconds(i)).toBeLessThan(ms / 1000);
        expect(latencyBucketUpperSeconds(i)).toBeGreaterThanOrEqual(ms / 1000);
        // Each bucket is at most 10% wider than its lower bound.
        expect(latencyBucketUpperSeconds(i)).toBeLessThanOrEqual(latencyBucketLowerSeconds(i) * 1.1 + 1e-6);
      }),
    );
  });

  it('reads the median from the histogram within 10% of the middle observations', () => {
    expect(histogramMedianSeconds(latency())).toBeNull();
    // Seconds (a local run), minutes and days all keep their resolution.
    expect(histogramMedianSeconds(latency([4, 5, 6]))).toBeGreaterThanOrEqual(Math.floor(5 * 0.9));
    expect(histogramMedianSeconds(latency([4, 5, 6]))).toBeLessThanOrEqual(Math.ceil(5 * 1.1));
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 2, max: 30 * 86_400 }), { minLength: 1, maxLength: 200 }), (seconds) => {
        const median = histogramMedianSeconds(latency(seconds)) ?? Number.NaN;
        const [low, high] = middle(seconds);
        // Between the middle observations, give or take 10% (and the 1 s rounding).
        expect(median).toBeGreaterThanOrEqual(low * 0.9 - 1);
        expect(median).toBeLessThanOrEqual(high * 1.1 + 1);
      }),
    );
  });

  it('folds the fine histogram into the report chart groups', () => {
    // 10 min, 50 min, 30 h, 10 d: one each in the <=15 min, <=1 h, <=2 d and >7 d groups.
    expect(latencyDisplayGroups(latency([600, 3000, 30 * 3600, 10 * 86_400]))).toEqual([1, 1, 0, 0, 0, 1, 0, 0, 1]);
  });

  it('shares FTAs emailed within 24 h among drops whose 24 h have passed, and counts those still waiting', () => {
    const points = buildProgramMetrics(
      state({
        notices: [
          notice({ ftas: 10, notified: 9, within24h: 8, latency: latency([1200, 1500, 1800, 2100, 2400, 2700, 3000, 3300, 30 * 3600]) }),
          // Landed 2 hours ago: its 24 h are still running, so it counts in neither.
          notice({ day: '2026-11-28', dropId: 'd2', landedAt: '2026-11-28T10:00:00.000Z', ftas: 5, notified: 1, within24h: 1, latency: latency([60]) }),
        ],
      }),
      NOW,
    );
    expect(value(points, 'NotifiedWithin24hShare')).toBe(80);
    expect(value(points, 'FtasAwaitingNoticeOver24h')).toBe(1);
    // The median covers every email sent (10): between 35 and 40 min, 37.5 min, within 10%.
    const median = value(points, 'NoticeLatencyMedian') ?? 0;
    expect(Math.abs(median - 2250)).toBeLessThanOrEqual(226);
  });

  it('publishes no share and no median before any notice was measured', () => {
    const points = buildProgramMetrics(emptyProgramState(), NOW);
    expect(value(points, 'NotifiedWithin24hShare')).toBeUndefined();
    expect(value(points, 'NoticeLatencyMedian')).toBeUndefined();
    expect(value(points, 'FtasAwaitingNoticeOver24h')).toBe(0);
  });

  it('the notifier counts an email within 24 h of the drop in its latency bucket', () => {
    const update = noticeSentAggregateUpdate('t', {
      ftaId: 'IA-1',
      dropId: 'd1',
      recordedAt: '2026-11-20T08:05:00.000Z',
      landedAt: '2026-11-20T08:00:00.000Z',
      sentAt: '2026-11-20T08:30:00.000Z',
    });
    expect(update.Key.pk).toBe('AGG#NOTICE');
    expect(update.Key.sk).toMatch(/^DAY#2026-11-20#DROP#d1#[0-7]$/);
    const adds = Object.fromEntries(
      Object.entries(update.ExpressionAttributeNames ?? {})
        .filter(([k]) => k.startsWith('#a'))
        .map(([k, field]) => [field, update.ExpressionAttributeValues[`:${k.slice(1)}`]]),
    );
    expect(adds).toEqual({ notified: 1, within24h: 1, [`lg${noticeLatencyBucket(30 * 60_000)}`]: 1 });
  });
});

describe('NTA backlog metrics', () => {
  it('sizes the backlog per AOR, ages it from the ORR release month, and estimates weeks to clear', () => {
    const points = buildProgramMetrics(
      state({
        backlog: [
          { aor: 'HOU', releasedMonth: '2026-10', open: 3 }, // ~58 days
          { aor: 'HOU', releasedMonth: '2026-03', open: 2 }, // ~272 days
          { aor: 'MIA', releasedMonth: '2023-01', open: 5 }, // > 2 years
        ],
        backlogFlow: [
          { week: '2026-11-16', aor: 'HOU', entered: 1, left: 5 },
          { week: '2026-11-02', aor: 'MIA', entered: 1, left: 1 },
          { week: '2026-11-23', aor: 'HOU', entered: 0, left: 50 }, // this week: not complete, ignored
        ],
      }),
      NOW,
    );
    expect(value(points, 'NtaBacklog')).toBe(10);
    expect(value(points, 'NtaBacklog', 'HOU')).toBe(5);
    expect(value(points, 'NtaBacklogAge0To90Days')).toBe(3);
    expect(value(points, 'NtaBacklogAge181To365Days')).toBe(2);
    expect(value(points, 'NtaBacklogAgeOver2Years')).toBe(5);
    expect(value(points, 'NtaBacklogAge91To180Days')).toBe(0);
    expect(value(points, 'NtaBacklogEnteredLast4Weeks')).toBe(2);
    expect(value(points, 'NtaBacklogLeftLast4Weeks')).toBe(6);
    // net burn (6 - 2) / 4 weeks = 1 a week; 10 left -> 10 weeks.
    expect(value(points, 'NtaBacklogWeeksToClear')).toBe(10);
  });

  it('publishes no weeks-to-clear while the backlog grows', () => {
    const points = buildProgramMetrics(state({ backlogFlow: [{ week: '2026-11-16', aor: 'HOU', entered: 3, left: 1 }] }), NOW);
    expect(value(points, 'NtaBacklogWeeksToClear')).toBeUndefined();
    expect(backlogAgeBucket('2026-11', NOW)).toBe('NtaBacklogAge0To90Days');
  });

  it('counts NTAs planned from today through the next 30 days per AOR', () => {
    const points = buildProgramMetrics(
      state({
        planned: [
          { day: '2026-11-28', aor: 'HOU', planned: 2 },
          { day: '2026-12-27', aor: 'ATL', planned: 1 },
          { day: '2026-12-28', aor: 'ATL', planned: 7 }, // day 31
        ],
      }),
      NOW,
    );
    expect(value(points, 'NtasPlannedNext30Days')).toBe(3);
    expect(value(points, 'NtasPlannedNext30Days', 'ATL')).toBe(1);
  });
});

describe('tasks, roster and drops', () => {
  it('counts re-verification tasks due before today as overdue', () => {
    const points = buildProgramMetrics(
      state({
        tasksOpenByAor: new Map([['HOU', 3]]),
        tasksDue: [
          { due: '2026-11-27', aor: 'HOU', open: 1 },
          { due: '2026-11-28', aor: 'HOU', open: 2 }, // due today: not overdue yet
        ],
      }),
      NOW,
    );
    expect(value(points, 'ReverificationTasksOpen')).toBe(3);
    expect(value(points, 'ReverificationTasksOverdue')).toBe(1);
    expect(value(points, 'ReverificationTasksOverdue', 'HOU')).toBe(1);
  });

  it('counts UC cases unmatched to the roster per AOR', () => {
    const points = buildProgramMetrics(state({ unmatchedByAor: new Map([['PHO', 4], ['NONE', 1]]) }), NOW);
    expect(value(points, 'UcCasesUnmatchedToRoster')).toBe(5);
    expect(value(points, 'UcCasesUnmatchedToRoster', 'PHO')).toBe(4);
  });

  it('reports the rows rejected by the last drop, as a count and a share, and the hours since it', () => {
    const points = buildProgramMetrics(
      state({
        drops: [
          { dropId: 'd2', landedAt: '2026-11-27T12:00:00.000Z', rowsRead: 200, rowsRejected: 3, ftasNew: 1, ftasRescinded: 0 },
          { dropId: 'd1', landedAt: '2026-11-26T12:00:00.000Z', rowsRead: 100, rowsRejected: 50, ftasNew: 1, ftasRescinded: 0 },
        ],
        lastDropAt: '2026-11-27T00:30:00.000Z',
      }),
      NOW,
      'hourly',
    );
    expect(value(points, 'RowsRejectedLastDrop')).toBe(3);
    expect(value(points, 'RowsRejectedShareLastDrop')).toBe(1.5);
    expect(value(points, 'HoursSinceLastDrop')).toBe(35.5);
  });

  it('publishes only the alarm signals hourly and every metric daily', () => {
    const hourly = new Set(buildProgramMetrics(emptyProgramState(), NOW, 'hourly').map((p) => p.name));
    const daily = new Set(buildProgramMetrics(emptyProgramState(), NOW, 'daily').map((p) => p.name));
    expect([...hourly].every((n) => daily.has(n))).toBe(true);
    expect(hourly.has('FtasAwaitingNoticeOver24h')).toBe(true);
    expect(hourly.has('NtaBacklog')).toBe(false);
    expect(daily.has('NtaBacklog')).toBe(true);
  });
});

describe('aggregate deltas in one transaction', () => {
  it('sums the moves of one item, leaves out items whose moves cancel, and keeps each item once', async () => {
    const { combineAggregateDeltas, ntaPlanAggregateDelta, backlogAggregateDeltas } = await import('../../shared/adapters/cases-table/program-aggregates');
    const updates = combineAggregateDeltas('cases', [
      // Two UCs swap days (nets to zero), a third moves from 12-01 to 12-02.
      ntaPlanAggregateDelta({ aor: 'HOU', day: '2026-12-01', delta: -1 }),
      ntaPlanAggregateDelta({ aor: 'HOU', day: '2026-12-02', delta: 1 }),
      ntaPlanAggregateDelta({ aor: 'HOU', day: '2026-12-02', delta: -1 }),
      ntaPlanAggregateDelta({ aor: 'HOU', day: '2026-12-01', delta: 1 }),
      ntaPlanAggregateDelta({ aor: 'HOU', day: '2026-12-01', delta: -1 }),
      ntaPlanAggregateDelta({ aor: 'HOU', day: '2026-12-02', delta: 1 }),
      ...backlogAggregateDeltas({ aor: null, releasedOn: '2024-05-20', at: '2026-11-27T12:00:00Z', delta: 1 }),
      ...backlogAggregateDeltas({ aor: null, releasedOn: '2024-05-02', at: '2026-11-27T13:00:00Z', delta: 1 }),
    ]);
    expect(updates.map((u) => [u.Key.sk, u.ExpressionAttributeValues[':a0']])).toEqual([
      ['DAY#2026-12-01#AOR#HOU', -1],
      ['DAY#2026-12-02#AOR#HOU', 1],
      ['AOR#NONE#RELEASED#2024-05', 2],
      ['WEEK#2026-11-23#AOR#NONE', 2],
    ]);
    expect(new Set(updates.map((u) => `${u.Key.pk}|${u.Key.sk}`)).size).toBe(updates.length);
  });
});
