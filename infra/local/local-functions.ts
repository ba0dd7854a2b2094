import type { Context, S3Event, ScheduledEvent, SNSEvent } from 'aws-lambda';
import type { ReconcileRun } from '../../functions/reconcile-opla/handler';
import type { MetricPoint } from '../../shared/domain/metrics';
import type { RosterReport } from '../../shared/ports/roster-store';
import type { FunctionName } from '../../shared/runtime/config';
import type { FtaQueueName } from '../../shared/runtime/resources';
import type { DropStarted } from '../../shared/use-cases/start-docket-drop';
import type { WorkListReturnReport } from '../../shared/use-cases/record-work-list-return';
import type { ReplanOutcome } from '../../shared/use-cases/steps/replan-nta-backlog';
import type { ReminderRun } from '../../shared/use-cases/send-hearing-reminders';
import { installRecorder, runAsFunction, type CallSink } from './aws-calls';
import type { SqsHandler } from './lambda-runtime';
import type { handler as notifyHandler } from '../../functions/notify-orr/handler';

type NotifyModule = { readonly handler: typeof notifyHandler };

export type IngestHandler = (event: S3Event, context: Context) => Promise<DropStarted[]>;
type MetricsHandler = (event: unknown, context: Context) => Promise<readonly MetricPoint[]>;
type SesEventsHandler = (event: SNSEvent, context: Context) => Promise<void>;
type DigestHandler = (event: ScheduledEvent<{ day?: string }>, context: Context) => Promise<{ day: string; sent: number }>;
type RemindersHandler = (event: ScheduledEvent<{ today?: string }>, context: Context) => Promise<Omit<ReminderRun, 'outcomes'>>;
type RosterHandler = (event: S3Event, context: Context) => Promise<RosterReport[]>;
type ReturnsHandler = (event: S3Event, context: Context) => Promise<WorkListReturnReport[]>;
type PlanHandler = (event: ScheduledEvent, context: Context) => Promise<PlanRun>;
type SweepHandler = (event: ScheduledEvent, context: Context) => Promise<{ ftas: number; rescissions: number }>;
type ReconcileHandler = (event: S3Event, context: Context) => Promise<ReconcileRun>;
export interface PlanRun {
  /** Each AOR's re-plan: backlog, unscheduled, planned in 30 days, first and last day. */
  readonly plans: readonly ReplanOutcome[];
  readonly overdueTasks: Record<string, number>;
  readonly matching: { matched: number; casesWithoutRosterUc: number; rosterUcsWithoutCase: number; leftBacklog: number };
}

/** The deployed functions' handlers, each invoked as its function (the recorder knows whose call it sees). */
export interface LocalFunctions {
  readonly ingest: IngestHandler;
  readonly roster: RosterHandler;
  readonly returns: ReturnsHandler;
  readonly plan: PlanHandler;
  readonly sqs: Record<FtaQueueName, SqsHandler>;
  readonly chunk: SqsHandler;
  readonly metrics: MetricsHandler;
  readonly digest: DigestHandler;
  readonly reminders: RemindersHandler;
  readonly sweep: SweepHandler;
  readonly sesEvents: SesEventsHandler;
  readonly reconcile: ReconcileHandler;
}

/**
 * Loads the real handler modules, after installing the AWS call recorder (the modules
 * create their clients at import, from the environment Lambda would set, which must be in
 * process.env already); every invocation records its calls and emails into `sink`.
 */
export async function loadLocalFunctions(sink: CallSink): Promise<LocalFunctions> {
  installRecorder();
  const [ingest, chunk, notify, schedule, metrics, digest, roster, plan, sweep, returns, sesEvents, reconcile, reminders] = await Promise.all([
    import('../../functions/ingest-docket/handler'),
    import('../../functions/ingest-drop-chunk/handler'),
    import('../../functions/notify-orr/handler'),
    import('../../functions/schedule-nta/handler'),
    import('../../functions/compute-metrics/handler'),
    import('../../functions/send-orr-digest/handler'),
    import('../../functions/ingest-roster/handler'),
    import('../../functions/plan-nta/handler'),
    import('../../functions/sweep-outbox/handler'),
    import('../../functions/record-work-list-returns/handler'),
    import('../../functions/record-ses-events/handler'),
    import('../../functions/reconcile-opla/handler'),
    import('../../functions/send-hearing-reminders/handler'),
  ]);
  const as =
    <A extends unknown[], R>(fn: FunctionName, handler: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      runAsFunction(fn, sink, () => handler(...args));
  return {
    ingest: as('ingestDocket', ingest.handler),
    roster: as('ingestRoster', roster.handler),
    plan: as('planNta', plan.handler),
    sqs: { orrNotices: as('notifyOrr', notify.handler), ntaSchedule: as('scheduleNta', schedule.handler) },
    chunk: as('ingestDropChunk', chunk.handler),
    metrics: as('computeMetrics', metrics.handler),
    digest: as('sendOrrDigest', digest.handler),
    reminders: as('sendHearingReminders', reminders.handler),
    sesEvents: as('recordSesEvents', sesEvents.handler),
    returns: as('recordWorkListReturns', returns.handler),
    sweep: as('sweepOutbox', sweep.handler),
    reconcile: as('reconcileOpla', reconcile.handler),
  };
}

/**
 * One more notifier: the handler module loaded again under another URL is another module
 * instance, and it builds its wiring when loaded (wireNotifyOrr: own clients, own SES
 * pacing), as another Lambda execution environment would. `instance` (2, 3, ...) only
 * tells the URLs apart.
 */
export async function loadExtraNotifier(sink: CallSink, instance: number): Promise<SqsHandler> {
  const again = (await import(new URL(`../../functions/notify-orr/handler.ts?instance=${instance}`, import.meta.url).href)) as NotifyModule;
  return (...args) => runAsFunction('notifyOrr', sink, () => again.handler(...args));
}
