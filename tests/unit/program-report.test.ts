import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildProgramMetrics, emptyProgramState, type ProgramState } from '../../shared/domain/program-metrics';
import { buildProgramReport, emptyProgramHistory, REPORT_WEEKS, type ProgramHistory } from '../../shared/domain/program-report';
import { latencyOf } from '../helpers/latency';

const NOW = new Date('2026-11-28T12:00:00.000Z'); // a Saturday; its week starts Monday 2026-11-23
const report = (state: Partial<ProgramState>, history: Partial<ProgramHistory>) => {
  const s = { ...emptyProgramState(), ...state };
  return buildProgramReport({ points: buildProgramMetrics(s, NOW), state: s, history: { ...emptyProgramHistory(), ...history }, now: NOW });
};

describe('FTAs by week in the program report', () => {
  // Weeks across three years: 2023 and early 2024 are more than 104 weeks before 2026-11-23.
  const ftaWeeks = [
    { week: '2023-03-06', aor: 'HOU', count: 4 },
    { week: '2024-01-01', aor: 'MIA', count: 7 },
    { week: '2024-11-25', aor: 'HOU', count: 2 }, // the last week before the window
    { week: '2024-11-25', aor: 'MIA', count: 1 },
    { week: '2024-12-02', aor: 'LOS', count: 6 }, // the first week of the window (2026-11-23 - 103 weeks)
    { week: '2026-11-16', aor: 'NONE', count: 5 },
    { week: '2026-11-16', aor: 'HOU', count: -1 }, // a rescission in another shard
    { week: '2027-02-01', aor: 'HOU', count: 3 }, // dated after this week: data to check, still counted
  ];
  const r = report({}, { ftaWeeks });

  it('draws the last 104 weeks one by one and folds every older FTA into one bar', () => {
    expect(r.ftasByWeek.weeks).toHaveLength(REPORT_WEEKS);
    expect(r.ftasByWeek.weeks[0]).toEqual({ week: '2024-12-02', count: 6 });
    expect(r.ftasByWeek.weeks.at(-1)).toEqual({ week: '2026-11-23', count: 0 });
    expect(r.ftasByWeek.weeks.find((w) => w.week === '2026-11-16')?.count).toBe(4);
    expect(r.ftasByWeek.earlier).toEqual({ before: '2024-12-02', count: 14 });
    expect(r.ftasByWeek.later).toEqual({ after: '2026-11-29', count: 3 });
  });

  it('counts every FTA once: earlier + weeks + later = the sum of the counters', () => {
    const drawn = r.ftasByWeek.earlier.count + r.ftasByWeek.weeks.reduce((a, w) => a + w.count, 0) + r.ftasByWeek.later.count;
    expect(drawn).toBe(4 + 7 + 3 + 6 + 4 + 3);
    expect(r.ftasByWeek.total).toBe(27);
  });

  it('starts at the first week holding an FTA when that is within the window', () => {
    const recent = report({}, { ftaWeeks: [{ week: '2026-10-05', aor: 'HOU', count: 2 }] });
    expect(recent.ftasByWeek.weeks.map((w) => w.week)).toEqual(['2026-10-05', '2026-10-12', '2026-10-19', '2026-10-26', '2026-11-02', '2026-11-09', '2026-11-16', '2026-11-23']);
    expect(recent.ftasByWeek.earlier.count).toBe(0);
    expect(recent.coverage.ftaDates).toEqual({ from: '2026-10-05', to: '2026-10-11' });
  });

  it('keeps the total whatever the weeks (property)', () => {
    const week = fc.integer({ min: -400, max: 20 }).map((n) => new Date(Date.parse('2026-11-23T00:00:00Z') + n * 7 * 86_400_000).toISOString().slice(0, 10));
    fc.assert(
      fc.property(fc.array(fc.record({ week, aor: fc.constantFrom('HOU', 'MIA', 'NONE'), count: fc.integer({ min: 0, max: 50 }) })), (rows) => {
        const w = report({}, { ftaWeeks: rows }).ftasByWeek;
        const drawn = w.earlier.count + w.weeks.reduce((a, x) => a + x.count, 0) + w.later.count;
        expect(drawn).toBe(rows.reduce((a, x) => a + x.count, 0));
        expect(w.weeks.length).toBeLessThanOrEqual(REPORT_WEEKS);
      }),
    );
  });
});

describe('trends in the program report', () => {
  it('sums the dated counters day by day and ends at the metric now', () => {
    const r = report(
      { ftasOpenByAor: new Map([['HOU', 3], ['MIA', 1]]) },
      {
        ftaDays: [
          { day: '2026-11-02', aor: 'HOU', new: 2, rescinded: 0 },
          { day: '2026-11-02', aor: 'MIA', new: 1, rescinded: 0 },
          { day: '2026-11-09', aor: 'HOU', new: 2, rescinded: 0 },
          { day: '2026-11-20', aor: 'HOU', new: 0, rescinded: 1 },
        ],
      },
    );
    expect(r.trends.ftasOpen.points).toEqual([
      { date: '2026-11-02', value: 3 },
      { date: '2026-11-09', value: 5 },
      { date: '2026-11-20', value: 4 },
    ]);
    expect(r.trends.ftasOpen.current).toBe(4);
    expect(r.coverage.recorded).toEqual({ from: '2026-11-02', to: '2026-11-20' });
  });

  it('keeps a week whose entries and exits cancel out as a point, and weekly steps for the backlog', () => {
    const r = report(
      { backlog: [{ aor: 'HOU', releasedMonth: '2026-01', open: 2 }] },
      {
        backlogFlow: [
          { week: '2026-10-26', aor: 'HOU', entered: 3, left: 0 },
          { week: '2026-11-02', aor: 'HOU', entered: 1, left: 1 },
          { week: '2026-11-16', aor: 'HOU', entered: 0, left: 1 },
        ],
      },
    );
    expect(r.trends.ntaBacklog).toEqual({
      metric: 'NtaBacklog',
      step: 'week',
      current: 2,
      points: [
        { date: '2026-10-26', value: 3 },
        { date: '2026-11-02', value: 3 },
        { date: '2026-11-16', value: 2 },
      ],
    });
  });

  it('gives a single point when everything happened on one day', () => {
    const r = report({ tasksOpenByAor: new Map([['HOU', 2]]) }, { taskFlow: [{ day: '2026-11-28', aor: 'HOU', opened: 3, closed: 1 }] });
    expect(r.trends.tasksOpen.points).toEqual([{ date: '2026-11-28', value: 2 }]);
  });
});

describe('the rest of the program report', () => {
  const r = report(
    {
      ftasOpenByAor: new Map([['HOU', 40], ['MIA', 12], ['NONE', 2]]),
      backlog: [
        { aor: 'HOU', releasedMonth: '2025-01', open: 1200 },
        { aor: 'LOS', releasedMonth: '2026-09', open: 300 },
        { aor: 'LOS', releasedMonth: '2023-02', open: 5 },
      ],
      tasksOpenByAor: new Map([['HOU', 5], ['MIA', 2], ['NONE', 1]]),
      tasksDue: [
        { due: '2026-11-20', aor: 'MIA', open: 2 },
        { due: '2026-12-20', aor: 'HOU', open: 5 },
      ],
      notices: [
        {
          day: '2026-11-20',
          dropId: 'd',
          landedAt: '2026-11-20T00:00:00Z',
          ftas: 10,
          notified: 10,
          within24h: 9,
          latency: latencyOf([60, 300, 600, 1200, 1800, 2400, 3000, 3 * 3600, 6 * 3600, 30 * 3600]),
        },
      ],
      lastDropAt: '2026-11-27T06:00:00.000Z',
    },
    {},
  );

  it('reads open FTAs and the backlog per AOR from the metrics, largest first, UNKNOWN for no AOR', () => {
    expect(r.ftasOpenByAor).toEqual([
      { aor: 'HOU', value: 40 },
      { aor: 'MIA', value: 12 },
      { aor: 'UNKNOWN', value: 2 },
    ]);
    expect(r.backlogByAor).toEqual([
      { aor: 'HOU', value: 1200 },
      { aor: 'LOS', value: 305 },
    ]);
  });

  it('bands the backlog by age since release', () => {
    expect(r.backlogByAge.map((b) => [b.label, b.value])).toEqual([
      ['0-90 days', 300],
      ['91-180 days', 0],
      ['181-365 days', 0],
      ['1-2 years', 1200],
      ['over 2 years', 5],
    ]);
  });

  it('puts open and overdue tasks side by side per AOR', () => {
    expect(r.tasksByAor).toEqual([
      { aor: 'HOU', open: 5, overdue: 0 },
      { aor: 'MIA', open: 2, overdue: 2 },
      { aor: 'UNKNOWN', open: 1, overdue: 0 },
    ]);
  });

  it('gives the latency distribution and percentiles within 10% of the emails', () => {
    const n = r.noticeLatency;
    expect(n.emails).toBe(10);
    expect(n.groups.map((g) => g.count)).toEqual([3, 4, 1, 1, 0, 1, 0, 0, 0]);
    expect(n.groups.filter((g) => !g.withinTarget).map((g) => g.label)).toEqual(['≤2 d', '≤3 d', '≤7 d', '>7 d']);
    // Sorted: 60 300 600 1200 1800 | 2400 3000 10800 21600 108000 (seconds).
    expect(n.percentilesSeconds.p50).toBeGreaterThanOrEqual(1800 * 0.9);
    expect(n.percentilesSeconds.p50).toBeLessThanOrEqual(1800 * 1.1);
    expect(n.percentilesSeconds.p90).toBeGreaterThanOrEqual(21600 * 0.9);
    expect(n.percentilesSeconds.p90).toBeLessThanOrEqual(21600 * 1.1);
    expect(n.percentilesSeconds.p95).toBeGreaterThanOrEqual(108000 * 0.9);
    expect(n.percentilesSeconds.p95).toBeLessThanOrEqual(108000 * 1.1);
    expect(n.within24hShare).toBe(90);
  });

  it('says which dates it covers', () => {
    expect(r.coverage).toEqual({
      ftaDates: null,
      recorded: null,
      lastDropAt: '2026-11-27T06:00:00.000Z',
      noticeWindow: { from: '2026-10-30', to: '2026-11-28' },
    });
  });
});
