import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { captureLambdaOutput } from '../../infra/local/capture-output';
import { createPowertoolsMetricsSink } from '../../shared/adapters/powertools-metrics-sink';
import { AORS } from '../../shared/domain/aor';
import { emptyProgramState, type ProgramState } from '../../shared/domain/program-metrics';
import { createObservability } from '../../shared/runtime/observability';
import { METRICS_NAMESPACE } from '../../shared/runtime/resources';
import { computeProgramMetrics } from '../../shared/use-cases/compute-program-metrics';
import { emfViolations } from '../helpers/emf-spec';
import { latencyOf } from '../helpers/latency';

const NOW = new Date('2026-11-28T12:00:00.000Z');
const every = <T>(make: (aor: string) => T): T[] => [...AORS, 'NONE'].map(make);
const byAor = (n: number): Map<string, number> => new Map(every((aor) => [aor, n] as const));

/** A state with data behind every metric, in every AOR. */
const FULL: ProgramState = {
  ...emptyProgramState(),
  ftasOpenByAor: byAor(3),
  ftasRescindedByAor: byAor(1),
  ftaDays: every((aor) => ({ day: '2026-11-27', aor, new: 2, rescinded: 1 })),
  notices: [
    { day: '2026-11-20', dropId: 'd1', landedAt: '2026-11-20T08:00:00.000Z', ftas: 4, notified: 4, within24h: 3, latency: latencyOf([600, 1800, 1800, 30 * 3600]) },
  ],
  backlog: every((aor) => ({ aor, releasedMonth: '2025-06', open: 10 })),
  backlogFlow: every((aor) => ({ week: '2026-11-16', aor, entered: 1, left: 3 })),
  planned: every((aor) => ({ day: '2026-12-01', aor, planned: 2 })),
  tasksOpenByAor: byAor(2),
  tasksDue: every((aor) => ({ due: '2026-11-01', aor, open: 1 })),
  unmatchedByAor: byAor(1),
  drops: [{ dropId: 'd1', landedAt: '2026-11-27T08:00:00.000Z', rowsRead: 100, rowsRejected: 2, ftasNew: 4, ftasRescinded: 0 }],
  lastDropAt: '2026-11-27T08:00:00.000Z',
};

describe('EMF output of the metrics job', () => {
  let docs: Record<string, unknown>[];
  let logs: string[];
  let restore: () => void;

  beforeEach(() => {
    docs = [];
    logs = [];
    restore = captureLambdaOutput({ onLog: (l) => logs.push(l), onMetrics: (l) => docs.push(JSON.parse(l)) });
    // A plain console call goes to vitest, not to stdout: keep those lines too.
    for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logs.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')));
    }
  });
  afterEach(() => {
    restore();
    vi.restoreAllMocks();
  });

  const publish = async (cadence: 'hourly' | 'daily') => {
    const { metrics } = createObservability('compute-metrics');
    return computeProgramMetrics(cadence, {
      state: { readProgramState: async () => FULL },
      sink: createPowertoolsMetricsSink(metrics),
      clock: { now: () => NOW },
    });
  };

  it('prints documents that follow the EMF specification (names, units, dimension limits)', async () => {
    const run = await publish('daily');
    expect(docs.length).toBeGreaterThan(0);
    for (const doc of docs) expect(emfViolations(doc)).toEqual([]);
    const published = docs.flatMap((d) =>
      (d._aws as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] }).CloudWatchMetrics.flatMap((c) => c.Metrics.map((m) => m.Name)),
    );
    expect(published.length).toBe(run.points.length);
    expect(new Set(published)).toEqual(new Set(run.points.map((p) => p.name)));
  });

  it('uses the DocketWatch namespace and no dimension but service and the AOR code', async () => {
    await publish('daily');
    const allowedAor = new Set<string>([...AORS, 'UNKNOWN']);
    for (const doc of docs) {
      const [directive] = (doc._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] }).CloudWatchMetrics;
      expect(directive?.Namespace).toBe(METRICS_NAMESPACE);
      const keys = new Set(directive?.Dimensions.flat());
      expect([...keys].every((k) => k === 'service' || k === 'Aor')).toBe(true);
      expect(doc.service).toBe('compute-metrics');
    }
    const aors = docs.filter((d) => (d._aws as { CloudWatchMetrics: { Dimensions: string[][] }[] }).CloudWatchMetrics[0]?.Dimensions.flat().includes('Aor'));
    expect(aors.length).toBeGreaterThan(0);
    expect(aors.map((d) => String(d.Aor)).filter((aor) => !allowedAor.has(aor))).toEqual([]);
    // 25 AORs + UNKNOWN: the Aor dimension stays low-cardinality.
    expect(new Set(docs.map((d) => d.Aor).filter(Boolean)).size).toBe(26);
  });

  it('publishes hours as unit None, shares as Percent and the latency median in Seconds', async () => {
    await publish('daily');
    const unitOf = (name: string) =>
      docs
        .flatMap((d) => (d._aws as { CloudWatchMetrics: { Metrics: { Name: string; Unit: string }[] }[] }).CloudWatchMetrics[0]?.Metrics ?? [])
        .find((m) => m.Name === name)?.Unit;
    expect(unitOf('HoursSinceLastDrop')).toBe('None');
    expect(unitOf('NotifiedWithin24hShare')).toBe('Percent');
    expect(unitOf('NoticeLatencyMedian')).toBe('Seconds');
    expect(unitOf('FtasOpen')).toBe('Count');
  });

  it('catches what the specification forbids', () => {
    const base = { _aws: { Timestamp: 1, CloudWatchMetrics: [{ Namespace: 'N', Dimensions: [['Aor']], Metrics: [{ Name: 'M', Unit: 'Count' }] }] }, Aor: 'HOU', M: 1 };
    expect(emfViolations(base)).toEqual([]);
    const tooMany = Array.from({ length: 31 }, (_, i) => `D${i}`);
    const wide = { ...Object.fromEntries(tooMany.map((d) => [d, 'x'])), M: 1, _aws: { Timestamp: 1, CloudWatchMetrics: [{ Namespace: 'N', Dimensions: [tooMany], Metrics: [{ Name: 'M' }] }] } };
    expect(emfViolations(wide).join()).toContain('more than 30 dimensions');
    const badUnit = { ...base, _aws: { ...base._aws, CloudWatchMetrics: [{ Namespace: 'N', Dimensions: [], Metrics: [{ Name: 'M', Unit: 'Hours' }] }] } };
    expect(emfViolations(badUnit).join()).toContain('invalid Unit');
    const longName = 'x'.repeat(1025);
    const named = { ...base, [longName]: 1, _aws: { ...base._aws, CloudWatchMetrics: [{ Namespace: 'N', Dimensions: [], Metrics: [{ Name: longName }] }] } };
    expect(emfViolations(named).join()).toContain('1-1024');
    expect(emfViolations({ ...base, Aor: undefined }).join()).toContain('root member');
  });

  it('logs counts only: no FTA ids, case ids or names, even when the state it reads carries them', async () => {
    // A drop named after a child's FTA and name (drop ids are S3 folder names: anything).
    const named = 'IA-9431127 Hernández';
    const withIds: ProgramState = {
      ...FULL,
      notices: FULL.notices.map((n) => ({ ...n, dropId: named })),
      drops: FULL.drops.map((d) => ({ ...d, dropId: named })),
    };
    for (const cadence of ['hourly', 'daily'] as const) {
      const { metrics } = createObservability('compute-metrics');
      await computeProgramMetrics(cadence, { state: { readProgramState: async () => withIds }, sink: createPowertoolsMetricsSink(metrics), clock: { now: () => NOW } });
    }
    expect(docs.length).toBeGreaterThan(0);
    const printed = [...docs.map((d) => JSON.stringify(d)), ...logs].join('\n');
    expect(printed).not.toMatch(/IA-\d|CASE#|9431127|Hern/);
  });
});
