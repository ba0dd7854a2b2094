import type { AorCount, ProgramReport } from '../../../shared/domain/program-report';
import { horizontalBars } from './charts';
import { chartSection, dataTable, empty } from './html';

function aorSection(id: string, title: string, note: string, rows: readonly AorCount[], unit: string, none: string): string {
  const total = rows.reduce((a, r) => a + r.value, 0);
  return chartSection({
    id,
    title,
    note,
    chart: rows.length
      ? horizontalBars(id, `${total} ${unit} by AOR`, rows.map((r) => ({ label: r.aor, bars: [{ label: r.aor, value: r.value }] })), unit)
      : empty(none),
    table: dataTable(`${title} (total ${total})`, ['AOR', unit], rows.map((r) => [r.aor, r.value])),
  });
}

/** Metric NtaBacklog per AOR. */
export const backlogByAorSection = (report: ProgramReport): string =>
  aorSection(
    'backlog-by-aor',
    'NTA backlog by AOR',
    'UCs released by ORR with no Notice to Appear served and no EOIR case, per ICE field office. Metric NtaBacklog (aggregate AGG#BACKLOG).',
    report.backlogByAor,
    'UCs',
    'No backlog data yet: the UC roster has not been loaded.',
  );

/** Metric FtasOpen per AOR. */
export const ftasOpenByAorSection = (report: ProgramReport): string =>
  aorSection(
    'ftas-by-aor',
    'Open FTAs by AOR',
    'Failures to appear of UC cases, not rescinded, per field office (court to AOR; UNKNOWN: a court with no AOR). Metric FtasOpen (aggregate AGG#FTA).',
    report.ftasOpenByAor,
    'FTAs',
    'No FTA recorded yet.',
  );
