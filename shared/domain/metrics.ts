/**
 * Every metric Docket Watch publishes (CloudWatch namespace METRICS_NAMESPACE, through EMF),
 * in one typed catalogue: the emitters, the CDK dashboard and alarms and the local report
 * name metrics by `MetricName`, so a misspelt name does not compile. Adding a metric means
 * a row here; tests/infra/metrics-catalogue.test.ts checks that every metric a dashboard
 * or alarm names is here and that every row is emitted by the functions it lists.
 *
 * Dimensions: every point carries `service` (the emitting function's folder, set by
 * Powertools); a per-AOR point also carries `Aor` (an AOR code or UNKNOWN, never an id or
 * a name). `byAor` says which of the two a metric is published with: `never` (total only),
 * `also` (the total and one point per AOR) or `only` (per AOR, no total).
 */

export type MetricUnit = 'Count' | 'Hours' | 'Percent' | 'Seconds';

/** The functions (config names) that publish metrics. */
export type MetricEmitter = 'computeMetrics' | 'ingestDocket' | 'ingestDropChunk' | 'reconcileOpla' | 'sendHearingReminders' | 'recordSesEvents';

/**
 * Where a person sees the metric: the CloudWatch dashboard, an alarm (both checked against
 * the synthesized template), the local HTML report of `npm start` (the metric, or the
 * figure it publishes: every compute-metrics point is in its "every metric" table).
 */
export type MetricView = 'dashboard' | 'alarm' | 'report';

export interface MetricSpec {
  readonly unit: MetricUnit;
  readonly byAor: 'never' | 'also' | 'only';
  readonly description: string;
  readonly emittedBy: readonly MetricEmitter[];
  readonly shownIn: readonly MetricView[];
}

const PROGRAM = ['computeMetrics'] as const;
const AFTER_DROP = ['ingestDocket', 'ingestDropChunk'] as const;
const RECONCILIATION = ['reconcileOpla'] as const;
const REMINDERS = ['sendHearingReminders'] as const;
const SES_EVENTS = ['recordSesEvents'] as const;

export const METRICS = {
  // Program metrics (compute-metrics, from the aggregates; hourly ones in HOURLY_METRICS).
  FtasOpen: { unit: 'Count', byAor: 'also', description: 'FTAs recorded and not rescinded', emittedBy: PROGRAM, shownIn: ['dashboard', 'report'] },
  FtasRescinded: { unit: 'Count', byAor: 'also', description: 'FTAs rescinded by a later drop, ever', emittedBy: PROGRAM, shownIn: ['report'] },
  FtasNewLast7Days: { unit: 'Count', byAor: 'also', description: 'FTAs recorded in the last 7 UTC days', emittedBy: PROGRAM, shownIn: ['dashboard', 'report'] },
  FtasRescindedLast7Days: { unit: 'Count', byAor: 'also', description: 'FTAs rescinded in the last 7 UTC days', emittedBy: PROGRAM, shownIn: ['dashboard', 'report'] },
  FtasAwaitingNoticeOver24h: {
    unit: 'Count',
    byAor: 'never',
    description: 'FTAs of drops that landed over 24 h ago not yet emailed to ORR (should be 0)',
    emittedBy: PROGRAM,
    shownIn: ['dashboard', 'alarm', 'report'],
  },
  NotifiedWithin24hShare: {
    unit: 'Percent',
    byAor: 'never',
    description: 'Share of FTAs of drops whose 24 h window closed that were emailed within 24 h of the drop landing',
    emittedBy: PROGRAM,
    shownIn: ['dashboard', 'report'],
  },
  NoticeLatencyMedian: { unit: 'Seconds', byAor: 'never', description: 'Median time from drop landing to the FTA email, last 30 days', emittedBy: PROGRAM, shownIn: ['dashboard', 'report'] },
  NtaBacklog: { unit: 'Count', byAor: 'also', description: 'Roster UCs never served an NTA and with no EOIR case', emittedBy: PROGRAM, shownIn: ['dashboard', 'report'] },
  NtaBacklogAge0To90Days: { unit: 'Count', byAor: 'never', description: 'NTA backlog released by ORR up to 90 days ago', emittedBy: PROGRAM, shownIn: ['dashboard', 'report'] },
  NtaBacklogAge91To180Days: { unit: 'Count', byAor: 'never', description: 'NTA backlog released 91 to 180 days ago', emittedBy: PROGRAM, shownIn: ['dashboard', 'report'] },
  NtaBacklogAge181To365Days: { unit: 'Count', byAor: 'never', description: 'NTA backlog released 181 to 365 days ago', emittedBy: PROGRAM, shownIn: ['dashboard', 'report'] },
  NtaBacklogAge1To2Years: { unit: 'Count', byAor: 'never', description: 'NTA backlog released 1 to 2 years ago', emittedBy: PROGRAM, shownIn: ['dashboard', 'report'] },
  NtaBacklogAgeOver2Years: { unit: 'Count', byAor: 'never', description: 'NTA backlog released over 2 years ago', emittedBy: PROGRAM, shownIn: ['dashboard', 'report'] },
  NtaBacklogEnteredLast4Weeks: { unit: 'Count', byAor: 'never', description: 'UCs that entered the NTA backlog in the last 4 full weeks', emittedBy: PROGRAM, shownIn: ['dashboard', 'report'] },
  NtaBacklogLeftLast4Weeks: { unit: 'Count', byAor: 'never', description: 'UCs that left the NTA backlog in the last 4 full weeks', emittedBy: PROGRAM, shownIn: ['dashboard', 'report'] },
  NtaBacklogWeeksToClear: {
    unit: 'Count',
    byAor: 'never',
    description: 'Weeks to clear the NTA backlog at the last 4 weeks\' net rate (published only while it shrinks)',
    emittedBy: PROGRAM,
    shownIn: ['dashboard', 'report'],
  },
  NtasPlannedNext30Days: { unit: 'Count', byAor: 'also', description: 'NTAs planned for the next 30 days', emittedBy: PROGRAM, shownIn: ['dashboard', 'report'] },
  ReverificationTasksOpen: { unit: 'Count', byAor: 'also', description: 'Address re-verification tasks open', emittedBy: PROGRAM, shownIn: ['dashboard', 'report'] },
  ReverificationTasksOverdue: { unit: 'Count', byAor: 'also', description: 'Open re-verification tasks past their due day', emittedBy: PROGRAM, shownIn: ['dashboard', 'report'] },
  UcCasesUnmatchedToRoster: { unit: 'Count', byAor: 'also', description: 'UC cases in EOIR data matching no roster UC', emittedBy: PROGRAM, shownIn: ['dashboard', 'report'] },
  RowsRejectedLastDrop: { unit: 'Count', byAor: 'never', description: 'Rows of the last drop rejected (its drop report says why)', emittedBy: PROGRAM, shownIn: ['dashboard', 'report'] },
  RowsRejectedShareLastDrop: { unit: 'Percent', byAor: 'never', description: 'Share of the last drop\'s rows rejected', emittedBy: PROGRAM, shownIn: ['dashboard', 'alarm', 'report'] },
  // EMF has no hour unit: published with unit None (powertools-metrics-sink.ts).
  HoursSinceLastDrop: { unit: 'Hours', byAor: 'never', description: 'Hours since the last EOIR drop landed', emittedBy: PROGRAM, shownIn: ['dashboard', 'alarm', 'report'] },

  // After each drop (the ingest, or the chunk worker that finishes a fanned-out drop).
  DropsFailed: { unit: 'Count', byAor: 'never', description: '1 when nothing in a drop could be read', emittedBy: AFTER_DROP, shownIn: ['alarm'] },
  CountShortfallTables: { unit: 'Count', byAor: 'never', description: 'Tables of a drop read short of their Count.txt row count', emittedBy: AFTER_DROP, shownIn: [] },
  CountShortfallRows: { unit: 'Count', byAor: 'never', description: 'Rows missing against Count.txt, summed over a drop\'s tables', emittedBy: AFTER_DROP, shownIn: ['alarm'] },

  // OPLA reconciliation.
  FtasMissingFromOpla: { unit: 'Count', byAor: 'also', description: 'Open DOJ FTAs OPLA\'s FTA list lacks', emittedBy: RECONCILIATION, shownIn: ['dashboard', 'alarm', 'report'] },
  OplaEntriesUnsupported: { unit: 'Count', byAor: 'also', description: 'OPLA entries no open DOJ FTA supports', emittedBy: RECONCILIATION, shownIn: ['dashboard', 'report'] },
  OplaEntriesRescindedInDoj: { unit: 'Count', byAor: 'never', description: 'OPLA entries whose DOJ FTA was rescinded', emittedBy: RECONCILIATION, shownIn: ['dashboard', 'report'] },

  // Hearing reminders (FtaRateReminded<h>Days, one per reminder horizon, is the family below).
  HearingsUpcoming14Days: { unit: 'Count', byAor: 'never', description: 'UC hearings in the next 14 days', emittedBy: REMINDERS, shownIn: ['dashboard', 'report'] },
  RemindersSent: { unit: 'Count', byAor: 'never', description: 'Hearing reminders sent by the run', emittedBy: REMINDERS, shownIn: ['dashboard', 'report'] },
  FtaRateReminded: { unit: 'Percent', byAor: 'only', description: 'FTA rate of past UC hearings (30 days) that were reminded', emittedBy: REMINDERS, shownIn: ['dashboard', 'report'] },
  FtaRateNotReminded: { unit: 'Percent', byAor: 'only', description: 'FTA rate of past UC hearings (30 days) not reminded', emittedBy: REMINDERS, shownIn: ['dashboard', 'report'] },

  // SES events of the notices' configuration set.
  NoticeBounced: { unit: 'Count', byAor: 'never', description: 'ORR notices that bounced', emittedBy: SES_EVENTS, shownIn: ['alarm'] },
  NoticeComplained: { unit: 'Count', byAor: 'never', description: 'ORR notices that drew a complaint', emittedBy: SES_EVENTS, shownIn: ['alarm'] },
} as const satisfies Record<string, MetricSpec>;

/**
 * `FtaRateReminded<h>Days`: the FTA rate of past UC hearings whose last reminder went `h`
 * days ahead, one metric per configured reminder horizon (per AOR only, percent, from the
 * reminder run; on the dashboard by a SEARCH on this pattern, and in the report).
 */
export const REMINDER_HORIZON_RATE = {
  pattern: /^FtaRateReminded\d+Days$/,
  unit: 'Percent',
  byAor: 'only',
  emittedBy: REMINDERS,
  shownIn: ['dashboard', 'report'],
} as const;

export type HorizonRateMetricName = `FtaRateReminded${number}Days`;
export type CataloguedMetricName = keyof typeof METRICS;
export type MetricName = CataloguedMetricName | HorizonRateMetricName;

export const horizonRateMetric = (days: number): HorizonRateMetricName => `FtaRateReminded${days}Days`;

/** The catalogue row of `name` (the horizon family's for `FtaRateReminded<h>Days`); undefined for a name not catalogued. */
export function metricSpec(name: string): Pick<MetricSpec, 'unit' | 'byAor' | 'emittedBy' | 'shownIn'> | undefined {
  if (Object.hasOwn(METRICS, name)) return METRICS[name as CataloguedMetricName];
  return REMINDER_HORIZON_RATE.pattern.test(name) ? REMINDER_HORIZON_RATE : undefined;
}

/** What the SES events function counts (one point per bounce or complaint); the notifier alarms on both. */
export const SES_EVENT_METRICS = { bounced: 'NoticeBounced', complained: 'NoticeComplained' } as const satisfies Record<string, MetricName>;

export interface MetricPoint {
  readonly name: MetricName;
  readonly unit: MetricUnit;
  readonly value: number;
  /** The only dimension besides `service`: the AOR (25 values plus UNKNOWN). */
  readonly aor?: string;
}

/** One point of a catalogued metric, in the catalogue's unit. */
export function metricPoint(name: MetricName, value: number, aor?: string): MetricPoint {
  const unit = (metricSpec(name) ?? REMINDER_HORIZON_RATE).unit;
  return aor === undefined ? { name, unit, value } : { name, unit, value, aor };
}
