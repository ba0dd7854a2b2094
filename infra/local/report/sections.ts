import { allMetricsSection } from './all-metrics';
import { backlogByAgeSection } from './backlog-by-age';
import { backlogByAorSection, ftasOpenByAorSection } from './by-aor';
import { coverageSection } from './coverage';
import { ftasByWeekSection } from './ftas-by-week';
import { headlineSection } from './headline';
import { hearingRemindersSection } from '../report-reminders';
import type { ReportSection } from './html';
import { noticeLatencySection } from './notice-latency';
import { tasksByAorSection } from './tasks-by-aor';
import { backlogTrendSection, ftasOpenTrendSection, tasksOpenTrendSection } from './trends';

/**
 * The report's sections, top to bottom. To add one: write a module in this folder exporting
 * a `ReportSection` (a function from `ProgramReport`, i.e. summary.json's `program`, to
 * HTML; use `chartSection` from ./html.ts for a chart: title, note naming its metric or
 * aggregate, inline SVG from ./charts.ts, data table) and add it to this list. If it needs
 * numbers the report does not carry yet, compute them in shared/domain/program-report.ts
 * (so they land in summary.json too), not here.
 */
export const REPORT_SECTIONS: readonly ReportSection[] = [
  coverageSection,
  headlineSection,
  ftasByWeekSection,
  ftasOpenTrendSection,
  ftasOpenByAorSection,
  noticeLatencySection,
  backlogByAorSection,
  backlogByAgeSection,
  backlogTrendSection,
  tasksByAorSection,
  tasksOpenTrendSection,
  (report) => hearingRemindersSection(report.metrics) ?? '',
  allMetricsSection,
];
