import type { MetricName } from '../../../shared/domain/metrics';
import { metricTotal, type ProgramReport } from '../../../shared/domain/program-report';
import { esc, fmt, humanDuration } from './html';

/** The headline tiles: the metrics an alarm or a manager looks at first, as published. */
export function headlineSection(report: ProgramReport): string {
  const points = report.metrics;
  const has = (name: MetricName): boolean => points.some((p) => p.name === name && p.aor === undefined);
  const total = (name: MetricName): number | undefined => (has(name) ? metricTotal(points, name) : undefined);
  const median = total('NoticeLatencyMedian');
  const tiles: [string, string, string][] = [
    ['FTAs open', fmt(total('FtasOpen')), `${fmt(total('FtasNewLast7Days'))} new, ${fmt(total('FtasRescindedLast7Days'))} rescinded in 7 days`],
    ['Emailed to ORR within 24 h', fmt(total('NotifiedWithin24hShare'), '%'), `median ${humanDuration(median ?? null)} from drop to email`],
    ['FTAs not emailed after 24 h', fmt(total('FtasAwaitingNoticeOver24h')), 'should be 0'],
    ['NTA backlog', fmt(total('NtaBacklog')), `${fmt(total('NtasPlannedNext30Days'))} NTAs planned in the next 30 days`],
    ['Re-verification tasks', fmt(total('ReverificationTasksOpen')), `${fmt(total('ReverificationTasksOverdue'))} overdue`],
    ['Last drop', `${fmt(total('HoursSinceLastDrop'))} h ago`, `${fmt(total('RowsRejectedLastDrop'))} rows rejected (${fmt(total('RowsRejectedShareLastDrop'), '%')})`],
    ['UC cases not on the roster', fmt(total('UcCasesUnmatchedToRoster')), 'to match by hand'],
  ];
  return `<div class="tiles wide">${tiles
    .map(([t, v, s]) => `<div class="tile"><h2>${esc(t)}</h2><div class="v">${esc(v)}</div><div class="s">${esc(s)}</div></div>`)
    .join('')}</div>`;
}
