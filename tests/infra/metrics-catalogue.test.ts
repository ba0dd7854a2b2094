import { describe, expect, it } from 'vitest';
import { functionFolder } from '../../infra/constructs/pipeline-function';
import {
  horizonRateMetric,
  METRICS,
  metricSpec,
  REMINDER_HORIZON_RATE,
  SES_EVENT_METRICS,
  type CataloguedMetricName,
  type MetricEmitter,
  type MetricPoint,
  type MetricView,
} from '../../shared/domain/metrics';
import { reconcileOpla } from '../../shared/domain/opla-reconciliation';
import { buildProgramMetrics, emptyProgramState, type ProgramState } from '../../shared/domain/program-metrics';
import { ftaRates, reminderRunMetrics } from '../../shared/domain/reminder-metrics';
import { DEFAULT_REMINDER_HORIZONS } from '../../shared/domain/upcoming-hearing';
import type { DropReport } from '../../shared/domain/drop-report';
import { METRICS_NAMESPACE } from '../../shared/runtime/resources';
import { reconciliationMetrics } from '../../shared/use-cases/steps/reconcile-with-opla';
import { dropMetrics } from '../../shared/use-cases/steps/ingest/finish-drop-run';
import { emptyLatency, noticeLatencyBucket } from '../../shared/domain/notice-latency';
import { synthDocketWatch } from './synth-docket-watch';

const { pipeline, pipelineTemplate } = synthDocketWatch();

type Resource = { Properties: Record<string, unknown> };
interface NamedMetric {
  readonly name: string;
  readonly service: string | null;
}

/** Our namespace's metrics in the dashboard body: `[namespace, name, "service", folder]` arrays, and SEARCH `MetricName="..."` / `MetricName=~"..."` (a pattern). */
function dashboardMetrics(): { named: NamedMetric[]; patterns: string[] } {
  const dashboards = Object.values(pipelineTemplate.findResources('AWS::CloudWatch::Dashboard')) as Resource[];
  const named: NamedMetric[] = [];
  const patterns: string[] = [];
  for (const d of dashboards) {
    const joined = pipeline.resolve(d.Properties.DashboardBody) as { 'Fn::Join': [string, unknown[]] };
    const json = joined['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'REF')).join('');
    const visit = (value: unknown): void => {
      if (typeof value === 'string') {
        for (const m of value.matchAll(/MetricName="([^"]+)" service="([^"]+)"/g)) named.push({ name: m[1] as string, service: m[2] as string });
        for (const m of value.matchAll(/MetricName=~"([^"]+)"/g)) patterns.push(m[1] as string);
      } else if (Array.isArray(value)) {
        if (value[0] === METRICS_NAMESPACE && typeof value[1] === 'string') {
          named.push({ name: value[1], service: value[2] === 'service' && typeof value[3] === 'string' ? value[3] : null });
        }
        value.forEach(visit);
      } else if (value !== null && typeof value === 'object') {
        Object.values(value).forEach(visit);
      }
    };
    visit(JSON.parse(json));
  }
  return { named, patterns };
}

/** Our namespace's metrics the alarms watch: a metric of their own, or the metrics of their math expression. */
function alarmMetrics(): NamedMetric[] {
  const alarms = Object.values(pipelineTemplate.findResources('AWS::CloudWatch::Alarm')) as Resource[];
  type Stat = { Namespace?: string; MetricName?: string; Dimensions?: { Name: string; Value: unknown }[] };
  const service = (dims: Stat['Dimensions']): string | null => {
    const v = dims?.find((d) => d.Name === 'service')?.Value;
    return typeof v === 'string' ? v : null;
  };
  return alarms.flatMap((a) => {
    const p = a.Properties as Stat & { Metrics?: { MetricStat?: { Metric: Stat } }[] };
    const stats: Stat[] = [p, ...(p.Metrics ?? []).flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric] : []))];
    return stats.filter((s) => s.Namespace === METRICS_NAMESPACE && s.MetricName !== undefined).map((s) => ({ name: s.MetricName as string, service: service(s.Dimensions) }));
  });
}

const catalogued = Object.keys(METRICS) as CataloguedMetricName[];
const shownIn = (view: MetricView): string[] => catalogued.filter((n) => (METRICS[n].shownIn as readonly MetricView[]).includes(view)).sort();
const unique = (names: readonly string[]): string[] => [...new Set(names)].sort();

describe('every metric the dashboard and the alarms name is in the catalogue', () => {
  it('names no metric of our namespace outside the catalogue, from a function the catalogue says publishes it', () => {
    const all = [...dashboardMetrics().named, ...alarmMetrics()];
    expect(all.length).toBeGreaterThan(20);
    for (const m of all) expect(metricSpec(m.name), m.name).toBeDefined();
    const withService = all.filter((m) => m.service !== null);
    expect(withService.length).toBe(all.length);
    for (const m of withService) expect(metricSpec(m.name)?.emittedBy.map((e) => functionFolder(e)), m.name).toContain(m.service);
  });

  it('searches by pattern only for the reminder-horizon family, and the pattern finds each default horizon', () => {
    const { patterns } = dashboardMetrics();
    expect(patterns).toHaveLength(1);
    const search = new RegExp(`^${patterns[0]}$`);
    for (const h of DEFAULT_REMINDER_HORIZONS) {
      expect(search.test(horizonRateMetric(h))).toBe(true);
      expect(REMINDER_HORIZON_RATE.pattern.test(horizonRateMetric(h))).toBe(true);
    }
    expect(catalogued.filter((n) => search.test(n))).toEqual([]);
  });

  it("matches the catalogue's 'dashboard' metrics with the dashboard's and its 'alarm' metrics with the alarms'", () => {
    expect(unique(dashboardMetrics().named.map((m) => m.name))).toEqual(shownIn('dashboard'));
    expect(unique(alarmMetrics().map((m) => m.name))).toEqual(shownIn('alarm'));
  });
});

/** A state in which every program metric has something to say (the conditional ones included). */
function busyState(now: Date): ProgramState {
  const latency = emptyLatency();
  latency[noticeLatencyBucket(3_600_000)] = 2;
  const day = (offset: number): string => new Date(now.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
  return {
    ...emptyProgramState(),
    ftasOpenByAor: new Map([['HOU', 2]]),
    ftasRescindedByAor: new Map([['HOU', 1]]),
    ftaDays: [{ day: day(-1), aor: 'HOU', new: 2, rescinded: 1 }],
    notices: [{ day: day(-3), dropId: 'd1', landedAt: `${day(-3)}T08:00:00.000Z`, ftas: 3, notified: 2, within24h: 2, latency }],
    backlog: [{ aor: 'HOU', releasedMonth: '2026-01', open: 10 }],
    backlogFlow: [{ week: day(-14), aor: 'HOU', entered: 1, left: 5 }],
    planned: [{ day: day(2), aor: 'HOU', planned: 3 }],
    tasksOpenByAor: new Map([['HOU', 1]]),
    tasksDue: [{ due: day(-2), aor: 'HOU', open: 1 }],
    unmatchedByAor: new Map([['HOU', 1]]),
    drops: [{ dropId: 'd1', landedAt: `${day(-3)}T08:00:00.000Z`, rowsRead: 100, rowsRejected: 2, ftasNew: 2, ftasRescinded: 0 }],
    lastDropAt: `${day(-3)}T08:00:00.000Z`,
  };
}

/** What each emitter publishes, from its own metric builders. */
function emitted(): Record<MetricEmitter, readonly MetricPoint[]> {
  const now = new Date('2026-11-28T12:00:00.000Z');
  const afterDrop = dropMetrics({ dropId: 'd1', tables: {}, ucCasesMarked: 0 } as unknown as DropReport);
  const rates = ftaRates([
    { aor: 'HOU', remindedAt: null, fta: true },
    { aor: 'HOU', remindedAt: 3, fta: false },
  ]);
  return {
    computeMetrics: buildProgramMetrics(busyState(now), now, 'daily'),
    ingestDocket: afterDrop,
    ingestDropChunk: afterDrop,
    reconcileOpla: reconciliationMetrics(reconcileOpla([], [], '2026-11-28')),
    sendHearingReminders: reminderRunMetrics(4, 1, rates),
    recordSesEvents: Object.values(SES_EVENT_METRICS).map((name) => ({ name, unit: 'Count', value: 1 })),
  };
}

describe('every catalogue metric is emitted by the functions it lists', () => {
  const byEmitter = emitted();

  it.each(catalogued)('%s', (name) => {
    const spec = METRICS[name];
    for (const emitter of spec.emittedBy) {
      const points = byEmitter[emitter].filter((p) => p.name === name);
      expect(points.length, `${name} from ${emitter}`).toBeGreaterThan(0);
      for (const p of points) expect(p.unit, name).toBe(spec.unit);
      expect(points.some((p) => p.aor !== undefined), `${name} per AOR`).toBe(spec.byAor !== 'never');
      expect(points.some((p) => p.aor === undefined), `${name} total`).toBe(spec.byAor !== 'only');
    }
  });

  it('emits nothing outside the catalogue, and each point from a function the catalogue lists', () => {
    for (const [emitter, points] of Object.entries(byEmitter)) {
      for (const p of points) expect(metricSpec(p.name)?.emittedBy, `${p.name} from ${emitter}`).toContain(emitter);
    }
  });
});
