import type { ProgramReport } from '../../../shared/domain/program-report';
import { horizontalBars } from './charts';
import { chartSection, dataTable, empty } from './html';

/** Metrics ReverificationTasksOpen and ReverificationTasksOverdue per AOR. */
export function tasksByAorSection(report: ProgramReport): string {
  const rows = report.tasksByAor;
  const open = rows.reduce((a, r) => a + r.open, 0);
  const overdue = rows.reduce((a, r) => a + r.overdue, 0);
  return chartSection({
    id: 'tasks-by-aor',
    title: 'Re-verification tasks by AOR',
    note: `Address re-verification tasks open (blue) and, of those, past their due date (orange), per field office: ${open} open, ${overdue} overdue. Metrics ReverificationTasksOpen and ReverificationTasksOverdue (aggregates AGG#TASK, AGG#TASK_DUE).`,
    chart: rows.length
      ? horizontalBars(
          'tasks-by-aor',
          `${open} open and ${overdue} overdue tasks by AOR`,
          rows.map((r) => ({
            label: r.aor,
            bars: [
              { label: `${r.aor} open`, value: r.open, series: 'open' },
              { label: `${r.aor} overdue`, value: r.overdue, series: 'overdue', fill: '#e76f51' },
            ],
          })),
          'tasks',
        )
      : empty('No re-verification task open.'),
    table: dataTable(`Re-verification tasks by AOR (open ${open}, overdue ${overdue})`, ['AOR', 'open', 'overdue'], rows.map((r) => [r.aor, r.open, r.overdue])),
  });
}
