/**
 * When the scheduled functions run (EventBridge expressions, played by the local stack as
 * well) and the thresholds of the program-metric alarms. Part of the one resources
 * definition (resources.ts re-exports it).
 */

/** EventBridge schedule of the daily NTA re-plan (10:00 UTC, before field offices open). */
export const NTA_PLAN_SCHEDULES = {
  weekdays: 'cron(0 10 ? * MON-FRI *)',
} as const;

/**
 * EventBridge schedule of the outbox sweep: FTAs and rescissions stored but not yet queued
 * (a queue outage during an ingest) go out within minutes, even if no drop ever comes again.
 * Each ingest sweeps too, first thing.
 */
export const OUTBOX_SWEEP_SCHEDULE = { expression: 'rate(5 minutes)' } as const;

/**
 * EventBridge schedule of the hearing reminders (daily, 07:00 UTC: after the digest, before
 * ORR's day starts). `{ "today": "YYYY-MM-DD" }` in the event's detail runs another day.
 */
export const REMINDER_SCHEDULE = { cron: { minute: '0', hour: '7' } } as const;

/** EventBridge schedule of the optional ORR daily digest (06:00 UTC: the previous UTC day's FTAs). */
export const DIGEST_SCHEDULE = { cron: { minute: '0', hour: '6' } } as const;

/**
 * EventBridge schedules of the metrics function. Each rule passes `{ cadence }` as the
 * event: hourly publishes the alarm signals, daily every metric (HOURLY_METRICS in
 * shared/domain/program-metrics.ts). The expressions can be overridden at deploy time
 * (`-c metricsHourly=... -c metricsDaily=...`).
 */
export const METRICS_SCHEDULES = {
  hourly: { cadence: 'hourly', expression: 'rate(1 hour)' },
  daily: { cadence: 'daily', expression: 'cron(15 6 * * ? *)' },
} as const satisfies Record<string, { cadence: 'hourly' | 'daily'; expression: string }>;

export type MetricsScheduleName = keyof typeof METRICS_SCHEDULES;

/** Thresholds of the program-metric alarms (pipeline stack). */
export const METRICS_ALARMS = {
  /** EOIR drops are expected daily: alarm when none has landed for this long. */
  lateDropHours: 36,
  /** Alarm when more than this share of the last drop's rows were rejected. */
  rejectedRowsSharePercent: 5,
} as const;
