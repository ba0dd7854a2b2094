import { readFile } from 'node:fs/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLambdaOutput } from '../../infra/local/capture-output';
import type { Emulators } from '../../infra/local/emulators';
import { localClientConfig, provisionLocalResources } from '../../infra/local/provision';
import { runLocalPipeline, type LocalRunResult } from '../../infra/local/run';
import { createDynamoCaseStore } from '../../shared/adapters/cases-table/dynamo-case-store';
import { createDynamoProgramState } from '../../shared/adapters/cases-table/dynamo-program-state';
import { createDynamoTaskStore } from '../../shared/adapters/cases-table/dynamo-task-store';
import type { Fta } from '../../shared/domain/fta';
import { buildProgramMetrics, HOURLY_METRICS, type MetricPoint } from '../../shared/domain/program-metrics';
import { emfViolations } from '../helpers/emf-spec';
import { connectEmulators, pipelineTestOptions, SAMPLE_DROP, tempDir, uniqueSuffix } from '../helpers/local-stack';

let emulators: Emulators;
beforeAll(async () => {
  emulators = await connectEmulators();
});
afterAll(async () => {
  await emulators?.stop();
});

describe('from a drop to published metrics', () => {
  const emf: Record<string, unknown>[] = [];
  let restore: () => void;
  let run: LocalRunResult;
  let hourly: readonly MetricPoint[];
  let started: number;

  beforeAll(async () => {
    started = Date.now();
    restore = captureLambdaOutput({ onLog: () => undefined, onMetrics: (l) => emf.push(JSON.parse(l)) });
    const suffix = uniqueSuffix();
    run = await runLocalPipeline(emulators, pipelineTestOptions(suffix, { drops: [SAMPLE_DROP], outDir: tempDir('metrics') }));
    hourly = await run.pipeline.runScheduledMetrics('hourly');
    await run.pipeline.stop();
  });
  afterAll(() => restore?.());

  const total = (name: string) => run.metrics.find((m) => m.name === name && m.aor === undefined)?.value;

  it('publishes the drop\'s FTAs, tasks and rejected rows, read from the aggregates', () => {
    expect(total('FtasOpen')).toBe(9);
    expect(total('FtasNewLast7Days')).toBe(9);
    expect(total('FtasRescinded')).toBe(0);
    expect(run.metrics.find((m) => m.name === 'FtasOpen' && m.aor === 'HOU')?.value).toBe(1);
    expect(total('ReverificationTasksOpen')).toBe(9);
    expect(total('ReverificationTasksOverdue')).toBe(0);
    // B_TblProceeding has one row with an extra field, out of 107 rows read in four tables.
    expect(total('RowsRejectedLastDrop')).toBe(1);
    expect(total('RowsRejectedShareLastDrop')).toBe(0.9);
    expect(total('HoursSinceLastDrop')).toBeLessThan(1);
    // The drop landed minutes ago: no FTA has missed its 24 h yet.
    expect(total('FtasAwaitingNoticeOver24h')).toBe(0);
    // Each first email counted once in the notice aggregates: a median latency exists, and
    // it is no longer than the run itself took (the drop landed during the run; the
    // histogram's buckets are within 10%).
    const latency = total('NoticeLatencyMedian');
    expect(latency).toBeTypeOf('number');
    expect(latency).toBeLessThanOrEqual(((Date.now() - started) / 1000) * 1.1 + 1);
  });

  it('publishes only the alarm signals on the hourly schedule', () => {
    expect(new Set(hourly.map((p) => p.name))).toEqual(HOURLY_METRICS);
    expect(hourly.find((p) => p.name === 'FtasOpen' && p.aor === undefined)?.value).toBe(9);
  });

  it('prints every published point as valid EMF', () => {
    expect(emf.length).toBeGreaterThan(0);
    for (const doc of emf) expect(emfViolations(doc)).toEqual([]);
    const names = emf.flatMap((d) =>
      (d._aws as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] }).CloudWatchMetrics.flatMap((c) => c.Metrics.map((m) => m.Name)),
    );
    // The metrics job's points, the hourly run's, and the ingest's per-drop alarm signals
    // (DropsFailed and the Count.txt shortfall: 0s for the sample drop).
    const dropSignals = ['DropsFailed', 'CountShortfallTables', 'CountShortfallRows'];
    expect(names.filter((n) => dropSignals.includes(n)).sort()).toEqual([...dropSignals].sort());
    expect(names).toHaveLength(run.metrics.length + hourly.length + dropSignals.length);
  });

  it('writes a self-contained report.html with no script and no external resource', async () => {
    const html = await readFile(run.reportPath, 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html).not.toMatch(/IA-\d|\bA\d{8,9}\b/);
  });
  // Rendered in headless Chromium, chart by chart, in tests/integration/program-report.test.ts.
});

describe('what the metrics job reads', () => {
  /** Records every read the job makes and what DynamoDB says it cost. */
  function countingClient() {
    const client = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(emulators.endpoints.dynamodb)));
    const reads = { calls: 0, items: 0, capacity: 0 };
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const out = await next(args);
        if (/Query|GetItem|Scan|BatchGet/.test(String(context.commandName))) {
          const o = out.output as { Count?: number; Item?: unknown; ConsumedCapacity?: { CapacityUnits?: number } };
          reads.calls += 1;
          reads.items += o.Count ?? (o.Item ? 1 : 0);
          reads.capacity += o.ConsumedCapacity?.CapacityUnits ?? 0;
        }
        return out;
      },
      { step: 'initialize', name: 'countReads' },
    );
    return { client, reads };
  }

  const AORS_USED = ['HOU', 'MIA', 'ATL', null] as const;
  const fta = (i: number): Fta => ({
    ftaId: `IA-${900000 + i}`,
    kind: 'IN_ABSENTIA_ORDER',
    caseId: String(100000 + i),
    proceedingId: String(900000 + i),
    scheduleId: null,
    date: `2026-11-${String(1 + (i % 4) * 7).padStart(2, '0')}`,
    court: null,
    aor: AORS_USED[i % AORS_USED.length] ?? null,
    provenance: { dropId: 'load-test', table: 'B_TblProceeding', lineNumber: i + 2 },
  });

  async function storeWith(n: number) {
    const suffix = uniqueSuffix();
    const { casesTable } = await provisionLocalResources(emulators.endpoints, { suffix });
    const writer = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(emulators.endpoints.dynamodb)));
    const store = createDynamoCaseStore({ client: writer, tableName: casesTable });
    const tasks = createDynamoTaskStore({ client: writer, tableName: casesTable });
    const ftas = Array.from({ length: n }, (_, i) => fta(i));
    const recordedAt = '2026-11-28T08:00:00.000Z';
    await store.recordFtas(ftas, recordedAt);
    for (const f of ftas.slice(0, 10)) {
      await tasks.openReverificationTask({ ftaId: f.ftaId, caseId: f.caseId, aor: f.aor, openedAt: recordedAt, dueDate: '2026-12-11' });
    }
    writer.destroy();
    return casesTable;
  }

  it('makes the same reads for 1000 FTAs as for 10: they grow with AORs and shards, not cases', async () => {
    const now = new Date('2026-11-28T12:00:00.000Z');
    const measure = async (tableName: string) => {
      const { client, reads } = countingClient();
      const state = await createDynamoProgramState({ client, tableName }).readProgramState(now);
      client.destroy();
      return { reads, points: buildProgramMetrics(state, now) };
    };
    const small = await measure(await storeWith(10));
    const large = await measure(await storeWith(1000));

    expect(small.points.find((p) => p.name === 'FtasOpen' && !p.aor)?.value).toBe(10);
    expect(large.points.find((p) => p.name === 'FtasOpen' && !p.aor)?.value).toBe(1000);
    expect(large.points.find((p) => p.name === 'FtasNewLast7Days' && p.aor === 'HOU')?.value).toBe(250);
    // One request per aggregate partition (12), whatever the number of FTAs.
    expect(large.reads.calls).toBe(small.reads.calls);
    expect(large.reads.calls).toBeLessThanOrEqual(12);
    // Items: at most AORs x shards per counter partition (4 AORs x 8 shards x 4 partitions
    // + tasks), however many FTAs.
    expect(large.reads.items).toBeLessThanOrEqual(4 * 8 * 4 + 4 * 2 + 1);
    expect(large.reads.items).toBeLessThan(1000 / 5);
    // DynamoDB Local reports the capacity each read consumed (ReturnConsumedCapacity TOTAL).
    expect(small.reads.capacity).toBeGreaterThan(0);
    expect(large.reads.capacity).toBeLessThanOrEqual(small.reads.capacity * 3);
    console.info('metrics job reads', { ftas10: small.reads, ftas1000: large.reads });
  });
});
