import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Grant, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { ConfigurationSet, ConfigurationSetTlsPolicy, EmailSendingEvent, EventDestination } from 'aws-cdk-lib/aws-ses';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { DIGEST_SCHEDULE, ENV, ORR_SENDING, REMINDER_SCHEDULE } from '../../shared/runtime/resources';
import { grantTableAccess, TABLE_ACCESS } from '../permissions';
import type { MetricName } from '../../shared/domain/metrics';
import { cataloguedMetric } from './catalogued-metrics';
import { PipelineFunction } from './pipeline-function';
import { alarmOnDeadLetters, type QueueWithDlq } from './queue-with-dlq';

export interface OrrNotifierProps {
  readonly casesTable: ITable;
  readonly idempotencyTable: ITable;
  /** The orrNotices fan-out queue. */
  readonly queue: QueueWithDlq;
  readonly orrInbox: string;
  readonly mailFrom: string;
  readonly alarmTopic: ITopic;
  /** AOR -> Field Office Juvenile Coordinator address, copied on that AOR's notices. */
  readonly juvenileCoordinators?: Readonly<Record<string, string>>;
  /** Recipients of the optional daily digest; none: the digest function runs and sends nothing. */
  readonly digestRecipients?: readonly { address: string; aors?: readonly string[] }[];
  /** Days before a hearing the reminders go out (REMINDER_HORIZON_DAYS); the function's default (14,3) when absent. */
  readonly reminderHorizonDays?: readonly number[];
}

/** The SES events we record against notices (SES event publishing). */
const RECORDED_EVENTS = [
  EmailSendingEvent.SEND,
  EmailSendingEvent.DELIVERY,
  EmailSendingEvent.BOUNCE,
  EmailSendingEvent.COMPLAINT,
  EmailSendingEvent.REJECT,
  EmailSendingEvent.DELIVERY_DELAY,
  EmailSendingEvent.RENDERING_FAILURE,
];

/**
 * Emails the ORR inbox about each new FTA: consumes the orrNotices queue in batches,
 * reads the FTA and the case details, sends one MIME email per FTA through SES under a
 * configuration set that requires TLS (exactly once in effect: Powertools idempotency
 * plus the notice ledger), records SES events (Send, Delivery, Bounce, Complaint, ...)
 * against the notice through SNS, alarms on bounces, complaints and DLQ messages, and
 * sends the optional daily digest on an EventBridge schedule.
 */
export class OrrNotifier extends Construct {
  readonly function: PipelineFunction;
  readonly digestFunction: PipelineFunction;
  readonly reminderFunction: PipelineFunction;
  readonly sesEventsFunction: PipelineFunction;
  readonly configurationSet: ConfigurationSet;
  /** Domain of SES-assigned Message-IDs in this stack's region (SES_MESSAGE_ID_DOMAIN). */
  readonly sesMessageIdDomain: string;
  readonly sesEventsTopic: Topic;

  constructor(scope: Construct, id: string, props: OrrNotifierProps) {
    super(scope, id);
    // SES events name notices and recipients: encrypted at rest with a key of their own,
    // which SES may use to publish (this account's configuration sets only).
    const eventsKey = new Key(this, 'SesEventsKey', {
      description: 'Docket Watch SES events topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    eventsKey.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('ses.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    this.sesEventsTopic = new Topic(this, 'SesEvents', { displayName: 'Docket Watch SES events', enforceSSL: true, masterKey: eventsKey });
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      // SES refuses to deliver to a receiving server that does not offer TLS.
      tlsPolicy: ConfigurationSetTlsPolicy.REQUIRE,
      reputationMetrics: true,
    });
    this.configurationSet.addEventDestination('ToSns', {
      destination: EventDestination.snsTopic(this.sesEventsTopic),
      events: RECORDED_EVENTS,
    });
    this.sesMessageIdDomain = Stack.of(this).region === 'us-east-1' ? 'email.amazonses.com' : `${Stack.of(this).region}.amazonses.com`;
    const mail = {
      [ENV.mailFrom]: props.mailFrom,
      [ENV.sesConfigurationSet]: this.configurationSet.configurationSetName,
      [ENV.sesMessageIdDomain]: this.sesMessageIdDomain,
    };

    this.function = new PipelineFunction(this, 'Function', {
      name: 'notifyOrr',
      withTemplates: true,
      environment: {
        [ENV.casesTable]: props.casesTable.tableName,
        [ENV.idempotencyTable]: props.idempotencyTable.tableName,
        [ENV.orrInbox]: props.orrInbox,
        [ENV.juvenileCoordinators]: JSON.stringify(props.juvenileCoordinators ?? {}),
        ...mail,
      },
    });
    // Reads FTAs and case details; writes the notice ledger items.
    grantTableAccess(props.casesTable, this.function, TABLE_ACCESS.notifyOrr.cases);
    grantTableAccess(props.idempotencyTable, this.function, TABLE_ACCESS.notifyOrr.idempotency);
    // Capped so the instances together stay under the SES sending rate (ORR_SENDING).
    this.function.addEventSource(props.queue.eventSource({ maxConcurrency: ORR_SENDING.maxConcurrency }));
    alarmOnDeadLetters(this, 'DeadLetterAlarm', props.queue, props.alarmTopic);

    this.digestFunction = new PipelineFunction(this, 'DigestFunction', {
      name: 'sendOrrDigest',
      withTemplates: true,
      environment: {
        [ENV.casesTable]: props.casesTable.tableName,
        [ENV.digestRecipients]: JSON.stringify(props.digestRecipients ?? []),
        ...mail,
      },
    });
    grantTableAccess(props.casesTable, this.digestFunction, TABLE_ACCESS.sendOrrDigest.cases);
    new Rule(this, 'DigestSchedule', {
      description: 'Daily ORR digest of the previous UTC day FTAs',
      schedule: Schedule.cron(DIGEST_SCHEDULE.cron),
      targets: [new LambdaFunction(this.digestFunction, { retryAttempts: 2 })],
    });

    // Hearing reminders: daily, each hearing of a UC case at its horizons, with updates and
    // the AORs' week-ahead digests (to the ORR inbox, FOJCs copied).
    this.reminderFunction = new PipelineFunction(this, 'ReminderFunction', {
      name: 'sendHearingReminders',
      withTemplates: true,
      environment: {
        [ENV.casesTable]: props.casesTable.tableName,
        [ENV.orrInbox]: props.orrInbox,
        [ENV.juvenileCoordinators]: JSON.stringify(props.juvenileCoordinators ?? {}),
        ...(props.reminderHorizonDays === undefined ? {} : { [ENV.reminderHorizonDays]: props.reminderHorizonDays.join(',') }),
        ...mail,
      },
    });
    grantTableAccess(props.casesTable, this.reminderFunction, TABLE_ACCESS.sendHearingReminders.cases);
    new Rule(this, 'ReminderSchedule', {
      description: 'Daily hearing reminders to ORR for UC cases',
      schedule: Schedule.cron(REMINDER_SCHEDULE.cron),
      targets: [new LambdaFunction(this.reminderFunction, { retryAttempts: 2 })],
    });

    // SES checks the sending identity (the address or its verified domain) and, while the
    // account is in the sandbox, the recipient's too; so any identity, but only as mailFrom,
    // only through our configuration set, and only to the configured recipients (the ORR
    // inbox and the coordinators for notices; the digest list for the digest). GetSendQuota
    // paces the sends.
    const recipients = [
      [this.function, [props.orrInbox, ...Object.values(props.juvenileCoordinators ?? {})]],
      [this.digestFunction, (props.digestRecipients ?? []).map((r) => r.address)],
      [this.reminderFunction, [props.orrInbox, ...Object.values(props.juvenileCoordinators ?? {})]],
    ] as const;
    for (const [fn, to] of recipients) {
      Grant.addToPrincipal({ grantee: fn, actions: ['ses:GetSendQuota'], resourceArns: ['*'] });
      if (to.length === 0) continue;
      Grant.addToPrincipal({
        grantee: fn,
        actions: ['ses:SendRawEmail'],
        resourceArns: [
          Stack.of(this).formatArn({ service: 'ses', resource: 'identity', resourceName: '*' }),
          Stack.of(this).formatArn({ service: 'ses', resource: 'configuration-set', resourceName: this.configurationSet.configurationSetName }),
        ],
        conditions: {
          StringEquals: { 'ses:FromAddress': props.mailFrom },
          'ForAllValues:StringEquals': { 'ses:Recipients': [...new Set(to)] },
        },
      });
    }

    this.sesEventsFunction = new PipelineFunction(this, 'SesEventsFunction', {
      name: 'recordSesEvents',
      environment: { [ENV.casesTable]: props.casesTable.tableName },
    });
    grantTableAccess(props.casesTable, this.sesEventsFunction, TABLE_ACCESS.recordSesEvents.cases);
    this.sesEventsTopic.addSubscription(new LambdaSubscription(this.sesEventsFunction));

    for (const [alarmId, metricName, what] of [
      ['BounceAlarm', 'NoticeBounced', 'An ORR notice bounced'],
      ['ComplaintAlarm', 'NoticeComplained', 'An ORR notice drew a complaint'],
    ] as const satisfies readonly (readonly [string, MetricName, string])[]) {
      cataloguedMetric(metricName, 'recordSesEvents', { statistic: 'Sum', period: Duration.minutes(5) })
        .createAlarm(this, alarmId, {
          alarmDescription: `${what}: see the notice item's lastEventType/lastEventDetail in the cases table`,
          threshold: 0,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        })
        .addAlarmAction(new SnsAction(props.alarmTopic));
    }
  }
}
