import { describe, expect, it } from 'vitest';
import { renderProgramReport } from '../../infra/local/report-html';
import { buildProgramMetrics, emptyProgramState, type ProgramState } from '../../shared/domain/program-metrics';
import { buildProgramReport, emptyProgramHistory, type ProgramHistory } from '../../shared/domain/program-report';
import { latencyOf } from '../helpers/latency';

const NOW = new Date('2026-11-28T12:00:00.000Z');
const STATE: ProgramState = {
  ...emptyProgramState(),
  ftasOpenByAor: new Map([['HOU', 40], ['MIA', 12], ['NONE', 2]]),
  notices: [{ day: '2026-11-20', dropId: 'd', landedAt: '2026-11-20T00:00:00Z', ftas: 10, notified: 10, within24h: 9, latency: latencyOf([60, 300, 600, 1200, 1800, 2400, 3000, 3 * 3600, 6 * 3600, 30 * 3600]) }],
  backlog: [
    { aor: 'HOU', releasedMonth: '2025-01', open: 1200 },
    { aor: 'LOS', releasedMonth: '2026-09', open: 300 },
  ],
  tasksOpenByAor: new Map([['HOU', 3]]),
};
const HISTORY: ProgramHistory = {
  ...emptyProgramHistory(),
  ftaWeeks: [
    { week: '2023-05-01', aor: 'HOU', count: 10 },
    { week: '2026-10-05', aor: 'HOU', count: 35 },
    { week: '2026-11-16', aor: 'MIA', count: 9 },
  ],
  ftaDays: [
    { day: '2026-11-02', aor: 'HOU', new: 50, rescinded: 0 },
    { day: '2026-11-20', aor: 'MIA', new: 4, rescinded: 0 },
  ],
  taskFlow: [{ day: '2026-11-20', aor: 'HOU', opened: 3, closed: 0 }],
};
const render = (state: ProgramState, history: ProgramHistory): string =>
  renderProgramReport(buildProgramReport({ points: buildProgramMetrics(state, NOW), state, history, now: NOW }));

/** The `<section data-chart="id">` of a page. */
const section = (html: string, id: string): string => {
  const start = html.indexOf(`data-chart="${id}"`);
  expect(start).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf('</section>', start));
};

describe('the program report page', () => {
  const html = render(STATE, HISTORY);

  it('is one self-contained page: inline SVG, no script, stylesheet link or remote address', () => {
    expect(html.match(/<svg /g)?.length).toBeGreaterThanOrEqual(6);
    expect(html).not.toMatch(/<script|<link|<img|@import|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it('gives every chart a heading the SVG is labelled by, a title, and a data table', () => {
    const ids = [...html.matchAll(/data-chart="([^"]+)"/g)].map((m) => m[1]!);
    expect(ids).toEqual([
      'ftas-by-week',
      'trend-ftas-open',
      'ftas-by-aor',
      'notice-latency',
      'backlog-by-aor',
      'backlog-by-age',
      'trend-nta-backlog',
      'tasks-by-aor',
      'trend-tasks-open',
    ]);
    for (const id of ids) {
      const s = section(html, id);
      expect(s).toContain(`<h2 id="${id}-title">`);
      expect(s).toContain('<table>');
      // A chart, or a sentence saying why there is none.
      expect(s).toMatch(new RegExp(`<svg role="img" aria-labelledby="${id}-title ${id}-svg"[^>]*><title id="${id}-svg">|<div class="empty">`));
    }
  });

  it('folds the FTAs older than 104 weeks into one bar instead of dropping them', () => {
    const s = section(html, 'ftas-by-week');
    expect(s).toContain('data-label="before 2024-12-02" data-value="10"');
    const bars = [...s.matchAll(/<rect class="bar[^"]*" data-label="[^"]*" data-value="(-?\d+)"/g)].map((m) => Number(m[1]));
    expect(bars.reduce((a, b) => a + b, 0)).toBe(54);
    expect(s).toContain('54 in all');
  });

  it('puts the largest AOR first and names UNKNOWN for FTAs with no AOR', () => {
    const s = section(html, 'ftas-by-aor');
    expect(s.indexOf('data-label="HOU"')).toBeLessThan(s.indexOf('data-label="MIA"'));
    expect(s).toContain('data-label="UNKNOWN" data-value="2"');
  });

  it('draws a line for a trend with two points and says so when there is only one', () => {
    const ftas = section(html, 'trend-ftas-open');
    expect(ftas).toContain('<polyline');
    expect(ftas).toContain('data-date="2026-11-20" data-value="54"');
    const tasks = section(html, 'trend-tasks-open');
    expect(tasks).not.toContain('<polyline');
    expect(tasks).toContain('Only one point in time so far');
    expect(section(html, 'trend-nta-backlog')).toContain('No dated history yet (1,500 now)');
  });

  it('prints the latency percentiles and the share emailed within 24 h', () => {
    const s = section(html, 'notice-latency');
    expect(s).toMatch(/median \d+ min, 90th percentile [\d.]+ h, 95th [\d.]+ h/);
    expect(s).toContain('90% emailed within 24 h');
  });

  it('says which dates it covers', () => {
    expect(html).toContain('1 May 2023 to 22 Nov 2026');
    expect(html).toContain('2 Nov 2026 to 20 Nov 2026');
  });

  it('escapes what it prints', () => {
    const odd = render({ ...emptyProgramState(), ftasOpenByAor: new Map([['<b>', 1]]) }, emptyProgramHistory());
    expect(odd).not.toContain('<b>');
    expect(odd).toContain('&#60;b&#62;');
  });
});
