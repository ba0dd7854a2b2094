import { NOTICE_TARGET_HOURS } from '../../../shared/domain/notice-latency';
import type { ProgramReport } from '../../../shared/domain/program-report';
import { columns } from './charts';
import { chartSection, dataTable, empty, fmt, humanDuration, longDate } from './html';

/** The notice latency histogram (AGG#NOTICE, the metrics job's 30-day window) with its percentiles. */
export function noticeLatencySection(report: ProgramReport): string {
  const n = report.noticeLatency;
  const p = n.percentilesSeconds;
  return chartSection({
    id: 'notice-latency',
    title: 'Notification latency',
    note: `Time from the drop landing to the first email to ORR, for the ${fmt(n.emails)} FTAs recorded ${longDate(n.window.from)} to ${longDate(
      n.window.to,
    )}: median ${humanDuration(p.p50)}, 90th percentile ${humanDuration(p.p90)}, 95th ${humanDuration(p.p95)} (within 10%); ${fmt(
      n.within24hShare,
      '%',
    )} emailed within ${NOTICE_TARGET_HOURS} h. Target: within ${NOTICE_TARGET_HOURS} h; later emails in orange. Aggregate AGG#NOTICE (metrics NoticeLatencyMedian, NotifiedWithin24hShare).`,
    chart:
      n.emails > 0
        ? columns(
            'notice-latency',
            `${n.emails} first emails by time from drop to email`,
            n.groups.map((g) => ({ label: g.label, value: g.count, ...(g.withinTarget ? {} : { fill: '#e76f51' }) })),
            'emails',
          )
        : empty('No notice timings recorded yet.'),
    table: dataTable(
      `Notification latency (${n.emails} emails; median ${humanDuration(p.p50)}, p90 ${humanDuration(p.p90)}, p95 ${humanDuration(p.p95)})`,
      ['drop to email', 'emails'],
      n.groups.map((g) => [g.label, g.count]),
    ),
  });
}
