import { horizonRateMetric, metricPoint, type MetricName, type MetricPoint } from './metrics';

/** What a reminder run publishes: UC hearings in the next 14 days, reminders sent, and the FTA rates (ftaRates). */
export function reminderRunMetrics(hearingsUpcoming14Days: number, remindersSent: number, rates: readonly MetricPoint[]): MetricPoint[] {
  return [metricPoint('HearingsUpcoming14Days', hearingsUpcoming14Days), metricPoint('RemindersSent', remindersSent), ...rates];
}

/** A UC hearing now past: its AOR, the horizon of the last reminder sent (null: none), and whether it ended in an FTA. */
export interface PastHearing {
  readonly aor: string;
  readonly remindedAt: number | null;
  readonly fta: boolean;
}

/** Days back the FTA rates look (hearings past, still the case's hearing of record). */
export const FTA_RATE_WINDOW_DAYS = 30;

/**
 * Whether reminders work: per AOR, the share of past UC hearings that ended in an FTA among
 * those reminded (`FtaRateReminded`, and by the horizon of the last reminder,
 * `FtaRateReminded<h>Days`) and among those not (`FtaRateNotReminded`), in percent. A group
 * with no hearing publishes nothing (no 0/0).
 */
export function ftaRates(past: readonly PastHearing[]): MetricPoint[] {
  const groups = new Map<string, { name: MetricName; aor: string; n: number; ftas: number }>();
  const add = (name: MetricName, aor: string, fta: boolean) => {
    const key = `${name}|${aor}`;
    const g = groups.get(key) ?? { name, aor, n: 0, ftas: 0 };
    g.n += 1;
    if (fta) g.ftas += 1;
    groups.set(key, g);
  };
  for (const h of past) {
    if (h.remindedAt === null) add('FtaRateNotReminded', h.aor, h.fta);
    else {
      add('FtaRateReminded', h.aor, h.fta);
      add(horizonRateMetric(h.remindedAt), h.aor, h.fta);
    }
  }
  return [...groups]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, g]) => metricPoint(g.name, Math.round((1000 * g.ftas) / g.n) / 10, g.aor));
}
