import { CrossStackReferences, ReferenceStrength, Stack, type StackProps } from 'aws-cdk-lib';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { buildsPiiKeys } from '../../shared/runtime/config';
import { grantPiiKeySecret } from '../permissions';
import { PipelineFunction } from '../constructs/pipeline-function';
import { DocketIngest } from '../constructs/docket-ingest';
import { NtaScheduler } from '../constructs/nta-scheduler';
import { OplaReconciliation } from '../constructs/opla-reconciliation';
import { OrrNotifier } from '../constructs/orr-notifier';
import { ProgramMetrics } from '../constructs/program-metrics';
import type { MetricsScheduleName } from '../../shared/runtime/resources';
import { RosterIngest } from '../constructs/roster-ingest';
import { WorkListReturns } from '../constructs/work-list-returns';
import type { DocketWatchData } from './data-stack';

export interface PipelineStackProps extends StackProps {
  readonly data: DocketWatchData;
  /** Where FTA notices are emailed. */
  readonly orrInbox: string;
  /** The SES-verified sender of the notices. */
  readonly mailFrom: string;
  /** Subscribed to the alarm topic when given. */
  readonly alarmEmail?: string;
  /** Overrides of the metrics schedule expressions (METRICS_SCHEDULES). */
  readonly metricsSchedules?: Partial<Record<MetricsScheduleName, string>>;
  /** AOR -> Field Office Juvenile Coordinator address, copied on that AOR's ORR notices. */
  readonly juvenileCoordinators?: Readonly<Record<string, string>>;
  /** Recipients of the optional daily ORR digest. */
  readonly digestRecipients?: readonly { address: string; aors?: readonly string[] }[];
  /** AOR -> OPLA and ERO addresses that get that AOR's OPLA reconciliation email. */
  readonly oplaReconciliationRecipients?: Readonly<Record<string, readonly string[]>>;
}

/**
 * Docket Watch's stateless side: every function of shared/runtime/config.ts (FunctionName)
 * with its trigger (S3 notifications on the drop bucket, the FTA fan-out and drop chunk
 * queues, EventBridge schedules, SES events), their grants, the alarms and the dashboard.
 */
export class PipelineStack extends Stack {
  readonly alarmTopic: Topic;
  readonly ingest: DocketIngest;
  readonly notifier: OrrNotifier;
  readonly scheduler: NtaScheduler;
  readonly metrics: ProgramMetrics;
  readonly roster: RosterIngest;
  readonly returns: WorkListReturns;
  readonly reconciliation: OplaReconciliation;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    // Exports/imports: the data stack cannot be deleted while this stack still uses it.
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);
    const { data } = props;
    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: 'Docket Watch alarms',
      enforceSSL: true,
      masterKey: data.dataKey,
    });
    if (props.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));

    this.ingest = new DocketIngest(this, 'DocketIngest', {
      dropBucket: data.dropBucket,
      casesTable: data.casesTable,
      queues: data.queues,
      alarmTopic: this.alarmTopic,
      encryptionKey: data.dataKey,
    });
    this.notifier = new OrrNotifier(this, 'OrrNotifier', {
      casesTable: data.casesTable,
      idempotencyTable: data.idempotencyTable,
      queue: data.queues.orrNotices,
      orrInbox: props.orrInbox,
      mailFrom: props.mailFrom,
      alarmTopic: this.alarmTopic,
      juvenileCoordinators: props.juvenileCoordinators,
      digestRecipients: props.digestRecipients,
    });
    this.scheduler = new NtaScheduler(this, 'NtaScheduler', {
      casesTable: data.casesTable,
      dropBucket: data.dropBucket,
      queue: data.queues.ntaSchedule,
      alarmTopic: this.alarmTopic,
    });
    this.roster = new RosterIngest(this, 'RosterIngest', {
      dropBucket: data.dropBucket,
      casesTable: data.casesTable,
      queues: data.queues,
      notificationBucket: this.ingest.notificationBucket,
      orrNotices: data.queues.orrNotices,
      alarmTopic: this.alarmTopic,
      encryptionKey: data.dataKey,
    });
    this.returns = new WorkListReturns(this, 'WorkListReturns', {
      dropBucket: data.dropBucket,
      casesTable: data.casesTable,
      notificationBucket: this.ingest.notificationBucket,
      alarmTopic: this.alarmTopic,
      encryptionKey: data.dataKey,
    });
    this.metrics = new ProgramMetrics(this, 'ProgramMetrics', {
      casesTable: data.casesTable,
      alarmTopic: this.alarmTopic,
      deadLetterQueues: {
        'ORR notices DLQ': data.queues.orrNotices.deadLetterQueue,
        'NTA schedule DLQ': data.queues.ntaSchedule.deadLetterQueue,
        'Ingest failures': this.ingest.failures,
        'Roster ingest failures': this.roster.failures,
        'Work-list return failures': this.returns.failures,
        'Drop chunks DLQ': this.ingest.chunkQueue.deadLetterQueue,
      },
      scheduleExpressions: props.metricsSchedules,
    });
    this.reconciliation = new OplaReconciliation(this, 'OplaReconciliation', {
      dropBucket: data.dropBucket,
      casesTable: data.casesTable,
      notificationBucket: this.ingest.notificationBucket,
      alarmTopic: this.alarmTopic,
      encryptionKey: data.dataKey,
      mailFrom: props.mailFrom,
      configurationSetName: this.notifier.configurationSet.configurationSetName,
      sesMessageIdDomain: this.notifier.sesMessageIdDomain,
      recipients: props.oplaReconciliationRecipients,
      dashboard: this.metrics.dashboard,
    });
    // The HMAC key of PII-derived item keys, to exactly the functions whose config reads it.
    for (const fn of this.node.findAll().filter((c): c is PipelineFunction => c instanceof PipelineFunction)) {
      if (buildsPiiKeys(fn.configName)) grantPiiKeySecret(fn, data.piiKeySecret);
    }
  }
}
