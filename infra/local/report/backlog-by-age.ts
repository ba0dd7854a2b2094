import type { ProgramReport } from '../../../shared/domain/program-report';
import { columns } from './charts';
import { chartSection, dataTable, empty } from './html';

/** Metrics NtaBacklogAge*: the backlog by time since ORR released the UC. */
export function backlogByAgeSection(report: ProgramReport): string {
  const rows = report.backlogByAge;
  const total = rows.reduce((a, r) => a + r.value, 0);
  return chartSection({
    id: 'backlog-by-age',
    title: 'NTA backlog by age',
    note: 'UCs waiting for a Notice to Appear, by time since ORR released them (from the 1st of the release month). Metrics NtaBacklogAge0To90Days ... NtaBacklogAgeOver2Years (aggregate AGG#BACKLOG).',
    chart: total > 0 ? columns('backlog-by-age', `${total} UCs in the backlog by age`, rows.map((r) => ({ label: r.label, value: r.value })), 'UCs') : empty('No backlog data yet: the UC roster has not been loaded.'),
    table: dataTable(`NTA backlog by age (total ${total})`, ['age', 'metric', 'UCs'], rows.map((r) => [r.label, r.band, r.value])),
  });
}
