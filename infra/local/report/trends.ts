import type { ProgramReport, Trend } from '../../../shared/domain/program-report';
import { dateLine } from './charts';
import { chartSection, dataTable, empty, fmt, longDate } from './html';

/**
 * A count over time: the running sum of a dated aggregate counter, one point per day (week)
 * it moved. With fewer than two points it says so instead of drawing a line; when the last
 * point does not equal the metric now, it says that too.
 */
function trendSection(id: string, title: string, what: string, source: string, trend: Trend, unit: string): string {
  const pts = trend.points;
  const stepName = trend.step === 'day' ? 'day' : 'week';
  const last = pts[pts.length - 1];
  const notes: string[] = [`${what}, at the end of each ${stepName} it changed. ${source}; ends at the ${trend.metric} metric (${fmt(trend.current)} now).`];
  if (pts.length === 1 && last) {
    notes.push(
      `Only one point in time so far (${trend.step === 'week' ? 'week of ' : ''}${longDate(last.date)}: ${fmt(last.value)}): a trend needs changes recorded on two different ${stepName}s, so no line is drawn.`,
    );
  }
  if (last && last.value !== trend.current) {
    notes.push(`The dated counter ends at ${fmt(last.value)}, not ${fmt(trend.current)}: changes made before it was kept are missing from the line.`);
  }
  return chartSection({
    id,
    title,
    note: notes.join(' '),
    chart: pts.length === 0 ? empty(trend.current > 0 ? `No dated history yet (${fmt(trend.current)} now).` : 'Nothing recorded yet.') : dateLine(id, `${title}: ${pts.length} point(s)`, pts, unit),
    table: dataTable(`${title} (${pts.length} point(s))`, [trend.step === 'day' ? 'day' : 'week starting', unit], pts.map((p) => [p.date, p.value])),
  });
}

export const ftasOpenTrendSection = (report: ProgramReport): string =>
  trendSection('trend-ftas-open', 'Open FTAs over time', 'FTAs recorded minus FTAs rescinded, summed from the first day', 'Aggregate AGG#FTA_DAY (new, rescinded)', report.trends.ftasOpen, 'FTAs');

export const backlogTrendSection = (report: ProgramReport): string =>
  trendSection(
    'trend-nta-backlog',
    'NTA backlog over time',
    'UCs that entered the backlog minus those that left it, summed from the first week',
    'Aggregate AGG#BACKLOG_FLOW (entered, left)',
    report.trends.ntaBacklog,
    'UCs',
  );

export const tasksOpenTrendSection = (report: ProgramReport): string =>
  trendSection(
    'trend-tasks-open',
    'Open re-verification tasks over time',
    'Tasks opened minus tasks closed, summed from the first day',
    'Aggregate AGG#TASK_FLOW (opened, closed)',
    report.trends.tasksOpen,
    'tasks',
  );
