import { Duration } from 'aws-cdk-lib';
import {
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  SingleValueWidget,
  TextWidget,
  TreatMissingData,
  type Alarm,
  type IMetric,
  type Metric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { MetricName } from '../../shared/domain/metrics';
import { BACKLOG_AGE_BUCKETS } from '../../shared/domain/program-metrics';
import {
  ENV,
  METRICS_ALARMS,
  METRICS_NAMESPACE,
  METRICS_SCHEDULES,
  type MetricsScheduleName,
} from '../../shared/runtime/resources';
import { grantTableAccess, TABLE_ACCESS } from '../permissions';
import { cataloguedMetric, perAorSearch } from './catalogued-metrics';
import { functionFolder, PipelineFunction } from './pipeline-function';

export interface ProgramMetricsProps {
  readonly casesTable: ITable;
  readonly alarmTopic: ITopic;
  /** Dead-letter queues (and the ingest failure queue) shown on the dashboard, by label. */
  readonly deadLetterQueues: Readonly<Record<string, IQueue>>;
  /** Overrides of the METRICS_SCHEDULES expressions (e.g. from CDK context). */
  readonly scheduleExpressions?: Partial<Record<MetricsScheduleName, string>>;
}

/** The hearing reminders publish their own metrics (HearingsUpcoming14Days, RemindersSent, FtaRate*). */
const REMINDER_SERVICE = functionFolder('sendHearingReminders');
const HOUR = Duration.hours(1);
const DAY = Duration.days(1);

/**
 * Publishes the program metrics on each METRICS_SCHEDULES expression (an EventBridge rule
 * passes `{ cadence }` to the function, which reads the aggregates from the cases table and
 * writes EMF log lines, so it needs no CloudWatch permission), and shows them to program
 * managers: a CloudWatch dashboard, and alarms to the SNS topic for a late drop, FTAs not
 * notified within 24 h and too many rejected rows in the last drop.
 */
export class ProgramMetrics extends Construct {
  readonly function: PipelineFunction;
  readonly rules: Readonly<Record<MetricsScheduleName, Rule>>;
  readonly dashboard: Dashboard;
  readonly alarms: { readonly lateDrop: Alarm; readonly ftasNotNotified: Alarm; readonly ingestRejections: Alarm };

  constructor(scope: Construct, id: string, props: ProgramMetricsProps) {
    super(scope, id);
    this.function = new PipelineFunction(this, 'Function', {
      name: 'computeMetrics',
      environment: { [ENV.casesTable]: props.casesTable.tableName },
    });
    grantTableAccess(props.casesTable, this.function, TABLE_ACCESS.computeMetrics.cases);
    const rules = {} as Record<MetricsScheduleName, Rule>;
    for (const [name, schedule] of Object.entries(METRICS_SCHEDULES) as [MetricsScheduleName, (typeof METRICS_SCHEDULES)[MetricsScheduleName]][]) {
      rules[name] = new Rule(this, `${name}Schedule`, {
        description: `Docket Watch program metrics (${name})`,
        schedule: Schedule.expression(props.scheduleExpressions?.[name] ?? schedule.expression),
        targets: [new LambdaFunction(this.function, { event: RuleTargetInput.fromObject({ cadence: schedule.cadence }) })],
      });
    }
    this.rules = rules;

    const total = (name: MetricName, period: Duration, label?: string): Metric => cataloguedMetric(name, 'computeMetrics', { statistic: 'Maximum', period, label });
    const perAor = (name: MetricName, period: Duration): IMetric => perAorSearch(name, 'computeMetrics', period);
    const reminders = (name: MetricName, label: string): Metric => cataloguedMetric(name, 'sendHearingReminders', { statistic: 'Maximum', period: DAY, label });
    const remindersPerAor = (name: MetricName): IMetric => perAorSearch(name, 'sendHearingReminders', DAY);
    const alarm = (id: string, metric: Metric, threshold: number, description: string, missing: TreatMissingData): Alarm => {
      const a = metric.createAlarm(this, id, {
        alarmDescription: description,
        threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: missing,
      });
      a.addAlarmAction(new SnsAction(props.alarmTopic));
      return a;
    };
    this.alarms = {
      // Missing data breaches too: no point at all means the metrics job or the drops stopped.
      lateDrop: alarm(
        'LateDropAlarm',
        total('HoursSinceLastDrop', HOUR),
        METRICS_ALARMS.lateDropHours,
        `No EOIR docket drop has landed for more than ${METRICS_ALARMS.lateDropHours} hours`,
        TreatMissingData.BREACHING,
      ),
      ftasNotNotified: alarm(
        'FtasNotNotifiedAlarm',
        total('FtasAwaitingNoticeOver24h', HOUR),
        0,
        'FTAs from a drop that landed more than 24 hours ago have not been emailed to ORR',
        TreatMissingData.NOT_BREACHING,
      ),
      ingestRejections: alarm(
        'IngestRejectionsAlarm',
        total('RowsRejectedShareLastDrop', HOUR),
        METRICS_ALARMS.rejectedRowsSharePercent,
        `More than ${METRICS_ALARMS.rejectedRowsSharePercent}% of the last drop's rows were rejected (see its drop report)`,
        TreatMissingData.NOT_BREACHING,
      ),
    };

    const dlqDepth = Object.entries(props.deadLetterQueues).map(([label, q]) =>
      q.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum', label }),
    );
    this.dashboard = new Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.days(35),
      widgets: [
        [
          new TextWidget({
            markdown:
              '# Docket Watch: UC failures to appear\nFTAs of unaccompanied children found in EOIR drops, ORR notices, the NTA backlog and field-office follow-up (OIG-24-46). Hourly signals on top, daily program numbers below.',
            width: 24,
            height: 2,
          }),
        ],
        [
          new SingleValueWidget({
            title: 'Now',
            metrics: [
              total('FtasOpen', HOUR, 'FTAs open'),
              total('FtasAwaitingNoticeOver24h', HOUR, 'FTAs not emailed after 24 h'),
              total('HoursSinceLastDrop', HOUR, 'Hours since last drop'),
              total('RowsRejectedShareLastDrop', HOUR, '% rows rejected, last drop'),
              total('ReverificationTasksOverdue', HOUR, 'Re-verification tasks overdue'),
            ],
            width: 18,
            height: 4,
          }),
          new AlarmStatusWidget({
            title: 'Alarms',
            alarms: Object.values(this.alarms),
            width: 6,
            height: 4,
          }),
        ],
        [
          new GraphWidget({
            title: 'FTAs: open, new and rescinded (7 days)',
            left: [total('FtasOpen', DAY, 'open'), total('FtasNewLast7Days', DAY, 'new, 7 days'), total('FtasRescindedLast7Days', DAY, 'rescinded, 7 days')],
            width: 12,
          }),
          new GraphWidget({ title: 'FTAs open by AOR', left: [perAor('FtasOpen', DAY)], width: 12 }),
        ],
        [
          new GraphWidget({
            title: 'ORR notices: % within 24 h of the drop',
            left: [total('NotifiedWithin24hShare', DAY, '% within 24 h')],
            leftYAxis: { min: 0, max: 100 },
            width: 8,
          }),
          new GraphWidget({
            title: 'Drop landing to email, median (seconds)',
            left: [total('NoticeLatencyMedian', DAY, 'median')],
            width: 8,
          }),
          new GraphWidget({
            title: 'FTAs not emailed after 24 h',
            left: [total('FtasAwaitingNoticeOver24h', HOUR, 'not emailed')],
            width: 8,
          }),
        ],
        [
          new GraphWidget({
            title: 'NTA backlog by age',
            left: BACKLOG_AGE_BUCKETS.map((b) => total(b.name, DAY, b.name.replace('NtaBacklogAge', ''))),
            stacked: true,
            width: 8,
          }),
          new GraphWidget({ title: 'NTA backlog by AOR', left: [perAor('NtaBacklog', DAY)], width: 8 }),
          new GraphWidget({
            title: 'NTA backlog burn-down (4 weeks)',
            left: [total('NtaBacklogEnteredLast4Weeks', DAY, 'entered'), total('NtaBacklogLeftLast4Weeks', DAY, 'left')],
            right: [total('NtaBacklogWeeksToClear', DAY, 'weeks to clear')],
            width: 8,
          }),
        ],
        [
          new GraphWidget({ title: 'NTAs planned, next 30 days, by AOR', left: [perAor('NtasPlannedNext30Days', DAY)], width: 8 }),
          new GraphWidget({
            title: 'Re-verification tasks',
            left: [total('ReverificationTasksOpen', HOUR, 'open'), total('ReverificationTasksOverdue', HOUR, 'overdue')],
            width: 8,
          }),
          new GraphWidget({ title: 'UC cases unmatched to the roster', left: [total('UcCasesUnmatchedToRoster', DAY, 'unmatched')], width: 8 }),
        ],
        [
          new GraphWidget({
            title: 'Drops: hours since the last one, rows rejected',
            left: [total('HoursSinceLastDrop', HOUR, 'hours since last drop')],
            right: [total('RowsRejectedLastDrop', HOUR, 'rows rejected, last drop')],
            leftAnnotations: [{ value: METRICS_ALARMS.lateDropHours, label: 'late drop' }],
            width: 12,
          }),
          new GraphWidget({ title: 'Dead-letter queues (messages waiting)', left: dlqDepth, width: 12 }),
        ],
        // Hearing reminders (published by send-hearing-reminders): do they prevent FTAs?
        [
          new GraphWidget({
            title: 'Hearing reminders: UC hearings in the next 14 days, reminders sent',
            left: [reminders('HearingsUpcoming14Days', 'hearings, next 14 days')],
            right: [reminders('RemindersSent', 'reminders sent')],
            width: 8,
          }),
          new GraphWidget({ title: 'FTA rate of past UC hearings reminded, by AOR (%)', left: [remindersPerAor('FtaRateReminded')], leftYAxis: { min: 0, max: 100 }, width: 8 }),
          new GraphWidget({ title: 'FTA rate of past UC hearings not reminded, by AOR (%)', left: [remindersPerAor('FtaRateNotReminded')], leftYAxis: { min: 0, max: 100 }, width: 8 }),
        ],
        [
          new GraphWidget({
            title: 'FTA rate by reminder horizon, by AOR (%)',
            left: [
              new MathExpression({
                expression: `SEARCH('{${METRICS_NAMESPACE},Aor,service} MetricName=~"FtaRateReminded[0-9]+Days" service="${REMINDER_SERVICE}"', 'Maximum', ${DAY.toSeconds()})`,
                label: '',
                period: DAY,
              }),
            ],
            leftYAxis: { min: 0, max: 100 },
            width: 24,
          }),
        ],
      ],
    });
  }
}
