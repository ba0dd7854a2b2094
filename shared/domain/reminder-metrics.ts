import type { MetricPoint } from './program-metrics';

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
  const groups = new Map<string, { n: number; ftas: number }>();
  const add = (key: string, fta: boolean) => {
    const g = groups.get(key) ?? { n: 0, ftas: 0 };
    g.n += 1;
    if (fta) g.ftas += 1;
    groups.set(key, g);
  };
  for (const h of past) {
    if (h.remindedAt === null) add(`FtaRateNotReminded|${h.aor}`, h.fta);
    else {
      add(`FtaRateReminded|${h.aor}`, h.fta);
      add(`FtaRateReminded${h.remindedAt}Days|${h.aor}`, h.fta);
    }
  }
  return [...groups]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, g]) => {
      const [name, aor] = key.split('|') as [string, string];
      return { name, unit: 'Percent', value: Math.round((1000 * g.ftas) / g.n) / 10, aor };
    });
}
