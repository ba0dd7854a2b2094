import type { SNSEvent } from 'aws-lambda';
import type { MetricPoint } from '../../shared/domain/metrics';
import { FUNCTIONS, METRICS_SCHEDULES, type MetricsScheduleName } from '../../shared/runtime/resources';
import type { ReminderRun } from '../../shared/use-cases/send-hearing-reminders';
import { lambdaContext, scheduledEvent } from './lambda-runtime';
import type { LocalFunctions, PlanRun } from './local-functions';

/**
 * The functions EventBridge schedules and SNS invoke in the deployed stack, run on demand
 * (the local stack has no scheduler): the local pipeline's runScheduled* and
 * deliverSesEvent.
 */
export class ScheduledRuns {
  constructor(protected readonly handlers: LocalFunctions) {}

  /** Runs the metrics function as its EventBridge schedule would (the rule's input is the event). */
  async runScheduledMetrics(schedule: MetricsScheduleName = 'daily'): Promise<readonly MetricPoint[]> {
    const fn = FUNCTIONS.computeMetrics;
    return this.handlers.metrics(
      { cadence: METRICS_SCHEDULES[schedule].cadence },
      lambdaContext('compute-metrics', fn.timeoutSeconds, fn.memoryMb),
    );
  }

  /** Runs the ORR digest function as its daily EventBridge schedule would, for `day` (YYYY-MM-DD). */
  async runScheduledDigest(day: string): Promise<{ day: string; sent: number }> {
    const fn = FUNCTIONS.sendOrrDigest;
    return this.handlers.digest({ ...scheduledEvent('send-orr-digest-daily'), detail: { day } }, lambdaContext('send-orr-digest', fn.timeoutSeconds, fn.memoryMb));
  }

  /**
   * Runs the hearing reminders as their daily EventBridge schedule would, on `today`
   * (YYYY-MM-DD: the run's clock).
   */
  async runScheduledReminders(today: string): Promise<Omit<ReminderRun, 'outcomes'>> {
    const fn = FUNCTIONS.sendHearingReminders;
    return this.handlers.reminders({ ...scheduledEvent('send-hearing-reminders-daily'), detail: { today } }, lambdaContext('send-hearing-reminders', fn.timeoutSeconds, fn.memoryMb));
  }

  /** Runs the outbox sweep as its EventBridge schedule (every few minutes) would. */
  async runScheduledOutboxSweep(): Promise<{ ftas: number; rescissions: number }> {
    const fn = FUNCTIONS.sweepOutbox;
    return this.handlers.sweep(scheduledEvent('sweep-outbox'), lambdaContext('sweep-outbox', fn.timeoutSeconds, fn.memoryMb));
  }

  /**
   * Delivers one SES event (SES event publishing -> SNS) to the record-ses-events function,
   * as the SNS subscription would: the emulator publishes none itself.
   */
  async deliverSesEvent(sesEvent: Record<string, unknown>): Promise<void> {
    const fn = FUNCTIONS.recordSesEvents;
    const event = {
      Records: [
        {
          EventSource: 'aws:sns',
          EventVersion: '1.0',
          EventSubscriptionArn: 'arn:aws:sns:us-east-1:000000000000:ses-events:local',
          Sns: {
            Type: 'Notification', MessageId: 'local', TopicArn: 'arn:aws:sns:us-east-1:000000000000:ses-events', Subject: '',
            Message: JSON.stringify(sesEvent), Timestamp: new Date().toISOString(), SignatureVersion: '1', Signature: '',
            SigningCertUrl: '', UnsubscribeUrl: '', MessageAttributes: {},
          },
        },
      ],
    } as SNSEvent;
    await this.handlers.sesEvents(event, lambdaContext('record-ses-events', fn.timeoutSeconds, fn.memoryMb));
  }

  /** Runs the NTA re-plan function as its weekday EventBridge schedule would. */
  async runScheduledPlan(): Promise<PlanRun> {
    const fn = FUNCTIONS.planNta;
    return this.handlers.plan(scheduledEvent('plan-nta-weekdays'), lambdaContext('plan-nta', fn.timeoutSeconds, fn.memoryMb));
  }
}
