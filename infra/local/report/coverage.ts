import type { ProgramReport } from '../../../shared/domain/program-report';
import { esc, longDate } from './html';

/** The date range the report covers: FTA dates, days the pipeline recorded changes, the last drop. */
export function coverageSection(report: ProgramReport): string {
  const c = report.coverage;
  const range = (r: { from: string; to: string } | null): string => (r === null ? 'none yet' : `${longDate(r.from)} to ${longDate(r.to)}`);
  const rows: [string, string, string][] = [
    ['fta-dates', 'FTA dates (order or missed hearing)', range(c.ftaDates)],
    ['recorded', 'Recorded by the pipeline', range(c.recorded)],
    ['last-drop', 'Last EOIR drop landed', c.lastDropAt === null ? 'none yet' : `${c.lastDropAt.replace('T', ' ').slice(0, 16)} UTC`],
    ['notice-window', 'Notification latency window', range(c.noticeWindow)],
  ];
  return `<section class="coverage wide" data-section="coverage" aria-labelledby="coverage-title"><h2 id="coverage-title">Period covered</h2><dl>${rows
    .map(([key, term, value]) => `<div data-range="${key}"><dt>${esc(term)}</dt><dd>${esc(value)}</dd></div>`)
    .join('')}</dl></section>`;
}
