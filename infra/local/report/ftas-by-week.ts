import { REPORT_WEEKS, type ProgramReport } from '../../../shared/domain/program-report';
import { columns, type Bar } from './charts';
import { chartSection, dataTable, empty, longDate, shortDate } from './html';

const FOLDED = '#8d99ae';

/**
 * Open FTAs by the week of their date (AGG#FTA_WEEK, whole history): the last REPORT_WEEKS
 * weeks one by one, every older FTA in one "before" bar (and any dated after this week in
 * one "after" bar), so the bars always add up to every open FTA.
 */
export function ftasByWeekSection(report: ProgramReport): string {
  const w = report.ftasByWeek;
  const bars: Bar[] = [
    ...(w.earlier.count !== 0 ? [{ label: `before ${w.earlier.before}`, tick: `< ${shortDate(w.earlier.before)}`, value: w.earlier.count, fill: FOLDED, series: 'folded' }] : []),
    ...w.weeks.map((x) => ({ label: x.week, value: x.count })),
    ...(w.later.count !== 0 ? [{ label: `after ${w.later.after}`, tick: `> ${shortDate(w.later.after)}`, value: w.later.count, fill: FOLDED, series: 'folded' }] : []),
  ];
  const folded =
    w.earlier.count !== 0 ? ` The grey bar folds the ${w.earlier.count.toLocaleString('en-US')} FTA${w.earlier.count === 1 ? '' : 's'} dated before ${longDate(w.earlier.before)} into one.` : '';
  return chartSection({
    id: 'ftas-by-week',
    title: 'FTAs by week',
    note: `Open failures to appear (rescinded ones removed) per week of the order or missed hearing, ${w.total.toLocaleString('en-US')} in all; the last ${REPORT_WEEKS} weeks one by one.${folded} Aggregate AGG#FTA_WEEK; the total is the FtasOpen metric.`,
    chart: w.total !== 0 || bars.some((b) => b.value !== 0) ? columns('ftas-by-week', `${w.total} open FTAs by week of their date`, bars, 'FTAs', 1100) : empty('No FTA recorded yet.'),
    table: dataTable('Open FTAs by week (week starting Monday)', ['week', 'FTAs'], bars.map((b) => [b.label, b.value])),
    wide: true,
  });
}
