import { Duration, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, GraphWidget, MathExpression, TreatMissingData, type Dashboard, type Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Grant } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { MetricName } from '../../shared/domain/metrics';
import { ENV, OPLA_RECONCILIATION } from '../../shared/runtime/resources';
import { cataloguedMetric, perAorSearch } from './catalogued-metrics';
import type { PipelineFunction } from './pipeline-function';
import { s3TriggeredFunction } from './s3-triggered-function';

export interface OplaReconciliationProps {
  readonly dropBucket: IBucket;
  readonly casesTable: ITable;
  /** DocketIngest.notificationBucket: one notification resource for the bucket. */
  readonly notificationBucket: IBucket;
  readonly alarmTopic: ITopic;
  /** Encrypts the failure queue (it holds S3 events: keys, no row contents). */
  readonly encryptionKey?: IKey;
  /** The SES-verified sender. */
  readonly mailFrom: string;
  /** The notifier's configuration set (TLS required, SES events recorded against the ledger). */
  readonly configurationSetName: string;
  /** SES_MESSAGE_ID_DOMAIN, as the notifier gets it. */
  readonly sesMessageIdDomain: string;
  /** AOR -> the OPLA and ERO addresses that get that AOR's reconciliation. */
  readonly recipients?: Readonly<Record<string, readonly string[]>>;
  /** The program dashboard: the reconciliation's widgets are added to it. */
  readonly dashboard: Dashboard;
}

const DAY = Duration.days(1);

/**
 * DOJ's FTAs against OPLA's FTA list. One function, two S3 notifications on the drop bucket:
 * an OPLA export landing under `opla/` (ingested, then reconciled) and a finished drop's
 * `reports/drops/.../report.json` (reconciled). It writes the report under
 * `reports/reconciliation/`, emails each AOR's OPLA and ERO addresses, and publishes
 * FtasMissingFromOpla and OplaEntriesUnsupported (per AOR, and in total), shown on the
 * program dashboard, with an alarm when the gap grows. An event that failed after Lambda's
 * retries waits in an alarmed failure queue.
 */
export class OplaReconciliation extends Construct {
  readonly function: PipelineFunction;
  readonly failures: Queue;
  readonly gapGrowingAlarm: Alarm;

  constructor(scope: Construct, id: string, props: OplaReconciliationProps) {
    super(scope, id);
    ({ function: this.function, failures: this.failures } = s3TriggeredFunction(this, {
      name: 'reconcileOpla',
      ...props,
      failureDescription: 'An OPLA export or a reconciliation failed after every retry; its S3 event waits in the failure queue',
      triggers: [
        // Prefix only: an export saved as .CSV is read too.
        { prefix: OPLA_RECONCILIATION.prefix },
        // Our own key (the drop's finish writes report.json), so the suffix's case is known.
        { prefix: OPLA_RECONCILIATION.dropReportPrefix, suffix: OPLA_RECONCILIATION.dropReportSuffix },
      ],
      reads: [OPLA_RECONCILIATION.prefix],
      writes: [OPLA_RECONCILIATION.quarantinePrefix, OPLA_RECONCILIATION.ingestReportPrefix, OPLA_RECONCILIATION.reportPrefix],
      environment: {
        [ENV.mailFrom]: props.mailFrom,
        [ENV.sesConfigurationSet]: props.configurationSetName,
        [ENV.sesMessageIdDomain]: props.sesMessageIdDomain,
        [ENV.oplaReconciliationRecipients]: JSON.stringify(props.recipients ?? {}),
      },
    }));

    // As the notifier: only as mailFrom, only through the configuration set, only to the
    // configured addresses. GetSendQuota paces the sends.
    const to = [...new Set(Object.values(props.recipients ?? {}).flat())];
    Grant.addToPrincipal({ grantee: this.function, actions: ['ses:GetSendQuota'], resourceArns: ['*'] });
    if (to.length > 0) {
      Grant.addToPrincipal({
        grantee: this.function,
        actions: ['ses:SendRawEmail'],
        resourceArns: [
          Stack.of(this).formatArn({ service: 'ses', resource: 'identity', resourceName: '*' }),
          Stack.of(this).formatArn({ service: 'ses', resource: 'configuration-set', resourceName: props.configurationSetName }),
        ],
        conditions: { StringEquals: { 'ses:FromAddress': props.mailFrom }, 'ForAllValues:StringEquals': { 'ses:Recipients': to } },
      });
    }

    const total = (name: MetricName, label: string): Metric => cataloguedMetric(name, 'reconcileOpla', { statistic: 'Maximum', period: DAY, label });
    const perAor = (name: MetricName): MathExpression => perAorSearch(name, 'reconcileOpla', DAY);
    // "The gap grows": the gap is a level (OIG found about 4,000), so a threshold on it would
    // stay in alarm for as long as OPLA has not caught up, and would say nothing new when it
    // widens. DIFF of the daily maximum is the change from one day's reconciliations to the
    // previous day's: above 0 means more DOJ FTAs are missing from OPLA than the day before.
    // A day without a reconciliation has no point (not breaching).
    this.gapGrowingAlarm = new Alarm(this, 'GapGrowingAlarm', {
      alarmDescription: 'More DOJ FTAs are missing from OPLA\'s FTA list than the day before (see reports/reconciliation/ in the drop bucket)',
      metric: new MathExpression({ expression: 'DIFF(gap)', usingMetrics: { gap: total('FtasMissingFromOpla', 'missing from OPLA') }, period: DAY, label: 'change in FTAs missing from OPLA' }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.gapGrowingAlarm.addAlarmAction(new SnsAction(props.alarmTopic));

    props.dashboard.addWidgets(
      new GraphWidget({ title: 'DOJ FTAs missing from OPLA, by AOR', left: [perAor('FtasMissingFromOpla')], width: 8 }),
      new GraphWidget({ title: 'OPLA entries no open DOJ FTA supports, by AOR', left: [perAor('OplaEntriesUnsupported')], width: 8 }),
      new GraphWidget({
        title: 'OPLA reconciliation: totals',
        left: [total('FtasMissingFromOpla', 'missing from OPLA'), total('OplaEntriesUnsupported', 'unsupported'), total('OplaEntriesRescindedInDoj', 'rescinded in DOJ')],
        width: 8,
      }),
    );
  }
}
