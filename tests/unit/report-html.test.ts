import { describe, expect, it } from 'vitest';
import { renderProgramReport } from '../../infra/local/report-html';
import { buildProgramMetrics, emptyProgramState, type ProgramState } from '../../shared/domain/program-metrics';
import { latencyOf } from '../helpers/latency';

const NOW = new Date('2026-11-28T12:00:00.000Z');
const STATE: ProgramState = {
  ...emptyProgramState(),
  ftasOpenByAor: new Map([['HOU', 40], ['MIA', 12], ['NONE', 2]]),
  ftaWeeks: [
    { week: '2026-10-05', aor: 'HOU', count: 5 },
    { week: '2026-11-16', aor: 'MIA', count: 9 },
  ],
  notices: [{ day: '2026-11-20', dropId: 'd', landedAt: '2026-11-20T00:00:00Z', ftas: 10, notified: 10, within24h: 9, latency: latencyOf([60, 300, 600, 1200, 1800, 2400, 3000, 3 * 3600, 6 * 3600, 30 * 3600]) }],
  backlog: [
    { aor: 'HOU', releasedMonth: '2025-01', open: 1200 },
    { aor: 'LOS', releasedMonth: '2026-09', open: 300 },
  ],
};

describe('the program report page', () => {
  const html = renderProgramReport({ generatedAt: NOW.toISOString(), state: STATE, points: buildProgramMetrics(STATE, NOW) });

  it('draws the four charts as inline SVG, with no script, stylesheet link or remote address', () => {
    expect(html.match(/<svg /g)).toHaveLength(4);
    expect(html).not.toMatch(/<script|<link|<img|@import|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it('puts the largest AOR backlog first and names UNKNOWN for FTAs with no AOR', () => {
    expect(html.indexOf('>HOU<')).toBeLessThan(html.indexOf('>LOS<'));
    expect(html).toContain('>UNKNOWN<');
    expect(html).toContain('HOU: 1200 UCs');
  });

  it('shows every week from the first FTA to this one, and the notice share in a tile', () => {
    expect(html).toContain('2026-10-05: 5 FTAs');
    expect(html).toContain('2026-10-12: 0 FTAs');
    expect(html).toContain('2026-11-23: 0 FTAs');
    expect(html).toContain('90%');
  });

  it('escapes what it prints', () => {
    const odd = renderProgramReport({
      generatedAt: NOW.toISOString(),
      state: { ...emptyProgramState(), ftasOpenByAor: new Map([['<b>', 1]]) },
      points: [],
    });
    expect(odd).not.toContain('<b>');
    expect(odd).toContain('&#60;b&#62;');
  });
});
