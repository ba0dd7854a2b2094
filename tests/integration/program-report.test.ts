import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { captureLambdaOutput } from '../../infra/local/capture-output';
import { localClientConfig, provisionLocalResources } from '../../infra/local/provision';
import { renderProgramReport } from '../../infra/local/report-html';
import { createDynamoCaseStore } from '../../shared/adapters/cases-table/dynamo-case-store';
import { createDynamoProgramHistory } from '../../shared/adapters/cases-table/dynamo-program-history';
import { createDynamoProgramState } from '../../shared/adapters/cases-table/dynamo-program-state';
import { createDynamoTaskStore } from '../../shared/adapters/cases-table/dynamo-task-store';
import { backlogAggregateUpdates } from '../../shared/adapters/cases-table/program-aggregates';
import type { Fta } from '../../shared/domain/fta';
import { buildProgramMetrics } from '../../shared/domain/program-metrics';
import type { Emulators } from '../../infra/local/emulators';
import type { FtaLine, RunSummary } from '../../infra/local/outputs';
import { runLocalPipeline, type LocalRunResult } from '../../infra/local/run';
import { buildProgramReport, metricTotal, REPORT_WEEKS, type ProgramReport, type Trend } from '../../shared/domain/program-report';
import { generateDrop, type GeneratedDrop } from '../helpers/drop-generator';
import type { Browser } from 'playwright-core';
import { browserAvailable, launchHeadlessChromium } from '../helpers/headless-chromium';
import { connectEmulators, pipelineTestOptions, SAMPLE_DROP, SAMPLE_ROSTER, tempDir, uniqueSuffix } from '../helpers/local-stack';

let emulators: Emulators;
beforeAll(async () => {
  emulators = await connectEmulators();
});
afterAll(async () => {
  await emulators?.stop();
  await chromium?.then((b) => b.close());
});

/** One headless Chromium for the file (launched by the first test that renders; each test opens its own page). */
let chromium: Promise<Browser> | undefined;
const headlessChromium = (): Promise<Browser> => (chromium ??= launchHeadlessChromium());

/** The UTC Monday of a day's week, by plain date arithmetic (the test's own, not the report's). */
function monday(day: string): string {
  const t = Date.parse(`${day.slice(0, 10)}T00:00:00Z`);
  const weekday = new Date(t).getUTCDay();
  return new Date(t - ((weekday + 6) % 7) * 86_400_000).toISOString().slice(0, 10);
}

describe('the program report of a drop whose FTAs span more than two years', () => {
  let generated: GeneratedDrop;
  let run: LocalRunResult;
  let summary: RunSummary;
  let program: ProgramReport;
  let ftaLines: FtaLine[];

  let restore: (() => void) | undefined;
  beforeAll(async () => {
    restore = captureLambdaOutput({ onLog: () => undefined, onMetrics: () => undefined });
    // Hearings from 2021 to 2025: most FTAs are more than 104 weeks old.
    generated = generateDrop({ seed: 16, cases: 60, ftaYears: [2021, 2022, 2023, 2024, 2025], parent: tempDir('report-drop') });
    const outDir = tempDir('report-out');
    run = await runLocalPipeline(
      emulators,
      pipelineTestOptions(uniqueSuffix(), { drops: [generated.folder, SAMPLE_DROP], roster: SAMPLE_ROSTER, outDir }),
    );
    await run.pipeline.stop();
    summary = JSON.parse(await readFile(join(outDir, 'summary.json'), 'utf8')) as RunSummary;
    program = summary.program!;
    ftaLines = (await readFile(join(outDir, 'ftas.jsonl'), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as FtaLine);
  }, 400_000);
  afterAll(() => restore?.());

  it('counts every FTA in the by-week chart: the generator\'s and the sample\'s, equal to FtasOpen', () => {
    const years = new Set(Object.values(generated.expected.ftaDates).map((d) => d.slice(0, 4)));
    expect([...years].sort()).toEqual(['2021', '2022', '2023', '2024', '2025']);
    // The sample drop has 9 FTAs (tests/integration/program-metrics.test.ts); none is rescinded.
    const truth = generated.expected.ftas + 9;
    const w = program.ftasByWeek;
    expect(w.total).toBe(truth);
    expect(w.earlier.count + w.weeks.reduce((a, x) => a + x.count, 0) + w.later.count).toBe(truth);
    expect(metricTotal(program.metrics, 'FtasOpen')).toBe(truth);
    expect(w.weeks).toHaveLength(REPORT_WEEKS);
    expect(w.earlier.count).toBeGreaterThan(0);
  });

  it('folds into the earlier bar exactly the FTAs dated before the window, week by week as the generator dated them', () => {
    // The generator's dates for its FTAs; the FTA items (ftas.jsonl, not the aggregates) for the sample's.
    const lines = new Map(ftaLines.map((l) => [l.ftaId, l]));
    for (const [id, date] of Object.entries(generated.expected.ftaDates)) expect(lines.get(id)?.date).toBe(date);
    const dates = ftaLines.filter((l) => l.status === 'OPEN').map((l) => generated.expected.ftaDates[l.ftaId] ?? l.date);
    expect(dates).toHaveLength(generated.expected.ftas + 9);

    const thisWeek = monday(program.generatedAt);
    const windowStart = new Date(Date.parse(`${thisWeek}T00:00:00Z`) - 7 * (REPORT_WEEKS - 1) * 86_400_000).toISOString().slice(0, 10);
    expect(program.ftasByWeek.earlier.before).toBe(windowStart);
    expect(program.ftasByWeek.earlier.count).toBe(dates.filter((d) => monday(d) < windowStart).length);
    const perWeek = new Map<string, number>();
    for (const d of dates) if (monday(d) >= windowStart) perWeek.set(monday(d), (perWeek.get(monday(d)) ?? 0) + 1);
    expect(program.ftasByWeek.weeks.filter((x) => x.count !== 0)).toEqual([...perWeek].sort(([a], [b]) => a.localeCompare(b)).map(([week, count]) => ({ week, count })));
  });

  it('puts the report\'s numbers in summary.json, each chart\'s total equal to its independent count', () => {
    const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
    // The sample roster puts 8 UCs in the backlog (tests/fixtures/sample-roster/README.md); the plan run counts its entries.
    expect(sum(program.backlogByAor.map((b) => b.value))).toBe(8);
    expect(summary.ntaPlan?.backlog).toBe(8);
    expect(sum(program.backlogByAge.map((b) => b.value))).toBe(8);
    // Tasks: the store's open count after the run, and the overdue list the plan run read from the task index.
    expect(sum(program.tasksByAor.map((t) => t.open))).toBe(summary.reverificationTasksOpen);
    expect(sum(program.tasksByAor.map((t) => t.overdue))).toBe(sum(Object.values(summary.ntaPlan?.overdueTasks ?? {})));
    // Every FTA was emailed once within the run: one latency observation per FTA.
    expect(program.noticeLatency.emails).toBe(generated.expected.ftas + 9);
    expect(program.noticeLatency.percentilesSeconds.p50).not.toBeNull();
    // The trends end at the metrics now.
    for (const t of [program.trends.ftasOpen, program.trends.ntaBacklog, program.trends.tasksOpen]) expect(t.points.at(-1)?.value).toBe(t.current);
    expect(program.trends.ftasOpen.current).toBe(generated.expected.ftas + 9);
    expect(program.coverage.ftaDates?.from.slice(0, 4)).toBe('2020'); // the Monday of 2021-01-01's week
  });

  it.skipIf(!browserAvailable())('renders every chart in headless Chromium, each total read from the page equal to summary.json', async () => {
    const page = await (await headlessChromium()).newPage({ viewport: { width: 1280, height: 900 } });
    try {
      const requests: string[] = [];
      const errors: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await page.goto(pathToFileURL(run.reportPath).href);
      expect(await page.title()).toBe('Docket Watch program report');
      const charts = await page.$$eval('section[data-chart]', (els) =>
        els.map((el) => {
          const svg = el.querySelector('svg');
          const box = svg?.getBoundingClientRect();
          const value = (e: { getAttribute(name: string): string | null }): number => Number(e.getAttribute('data-value'));
          return {
            id: el.getAttribute('data-chart') ?? '',
            title: el.querySelector('h2')?.textContent ?? '',
            note: el.querySelector('p')?.textContent ?? '',
            svg: svg ? { width: box?.width ?? 0, height: box?.height ?? 0, name: svg.querySelector('title')?.textContent ?? '' } : null,
            labelledBy: svg?.getAttribute('aria-labelledby') ?? null,
            bars: [...el.querySelectorAll('svg rect.bar')].map((r) => ({ series: r.getAttribute('class') ?? '', label: r.getAttribute('data-label') ?? '', value: value(r) })),
            points: [...el.querySelectorAll('svg circle.point')].map((c) => ({ date: c.getAttribute('data-date') ?? '', value: value(c) })),
            line: el.querySelector('svg polyline') !== null,
            table: [...el.querySelectorAll('table tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => (td.hasAttribute('data-value') ? value(td) : td.textContent ?? ''))),
            empty: el.querySelector('.empty')?.textContent ?? null,
          };
        }),
      );
      const chart = (id: string) => {
        const c = charts.find((x) => x.id === id);
        expect(c, id).toBeDefined();
        return c!;
      };
      const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
      const tableSum = (id: string, column: number): number => sum(chart(id).table.map((r) => Number(r[column])));
      const barSum = (id: string, series?: string): number => sum(chart(id).bars.filter((b) => !series || b.series.split(' ').includes(series)).map((b) => b.value));

      // Every chart is drawn (no empty box), named by its heading and titled.
      for (const c of charts.filter((x) => x.svg)) {
        expect(c.labelledBy).toBe(`${c.id}-title ${c.id}-svg`);
        expect(c.svg?.name).not.toBe('');
        expect(c.svg?.width).toBeGreaterThan(300);
        expect(c.svg?.height).toBeGreaterThan(60);
      }

      expect(barSum('ftas-by-week')).toBe(program.ftasByWeek.total);
      expect(tableSum('ftas-by-week', 1)).toBe(program.ftasByWeek.total);
      expect(chart('ftas-by-week').bars[0]).toMatchObject({ label: `before ${program.ftasByWeek.earlier.before}`, value: program.ftasByWeek.earlier.count });

      expect(barSum('ftas-by-aor')).toBe(metricTotal(program.metrics, 'FtasOpen'));
      expect(tableSum('ftas-by-aor', 1)).toBe(metricTotal(program.metrics, 'FtasOpen'));

      expect(barSum('notice-latency')).toBe(program.noticeLatency.emails);
      expect(tableSum('notice-latency', 1)).toBe(program.noticeLatency.emails);

      expect(barSum('backlog-by-aor')).toBe(metricTotal(program.metrics, 'NtaBacklog'));
      expect(tableSum('backlog-by-aor', 1)).toBe(summary.ntaPlan?.backlog);
      expect(barSum('backlog-by-age')).toBe(summary.ntaPlan?.backlog);
      expect(tableSum('backlog-by-age', 2)).toBe(summary.ntaPlan?.backlog);

      expect(barSum('tasks-by-aor', 'open')).toBe(summary.reverificationTasksOpen);
      expect(tableSum('tasks-by-aor', 1)).toBe(summary.reverificationTasksOpen);
      expect(barSum('tasks-by-aor', 'overdue')).toBe(sum(Object.values(summary.ntaPlan?.overdueTasks ?? {})));
      expect(tableSum('tasks-by-aor', 2)).toBe(sum(Object.values(summary.ntaPlan?.overdueTasks ?? {})));

      const trends: [string, Trend][] = [
        ['trend-ftas-open', program.trends.ftasOpen],
        ['trend-nta-backlog', program.trends.ntaBacklog],
        ['trend-tasks-open', program.trends.tasksOpen],
      ];
      for (const [id, trend] of trends) {
        const c = chart(id);
        expect(c.points).toEqual(trend.points);
        expect(c.table).toEqual(trend.points.map((p) => [p.date, p.value]));
        // One run records everything within minutes: one point, said so, no line drawn (two if it crossed midnight UTC).
        expect(c.line).toBe(trend.points.length > 1);
        expect(c.note.includes('Only one point in time so far')).toBe(trend.points.length === 1);
      }

      const coverage = await page.$$eval('[data-section="coverage"] [data-range]', (els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-range'), e.querySelector('dd')?.textContent ?? ''])));
      expect(coverage['fta-dates']).toMatch(/^\d+ \w{3} 2020 to \d+ \w{3} 2025$/);
      expect(coverage['last-drop']).toContain(program.coverage.lastDropAt?.slice(0, 10));
      expect(await page.locator('.tile').count()).toBe(7);
      expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

describe('trends over several days, written through the stores', () => {
  const NOW = new Date('2026-11-28T12:00:00.000Z');
  const day1 = '2026-11-02T09:00:00.000Z';
  const day2 = '2026-11-09T09:00:00.000Z';
  const day3 = '2026-11-16T09:00:00.000Z';
  const fta = (id: number, aor: Fta['aor']): Fta => ({
    ftaId: `IA-${id}`,
    kind: 'IN_ABSENTIA_ORDER',
    caseId: String(id),
    proceedingId: String(id),
    scheduleId: null,
    date: '2026-10-20',
    court: null,
    aor,
    provenance: { dropId: 'drop-trend', table: 'B_TblProceeding', lineNumber: id },
  });
  let report: ProgramReport;
  let reportPath: string;

  beforeAll(async () => {
    const { casesTable: tableName } = await provisionLocalResources(emulators.endpoints, { suffix: uniqueSuffix() });
    const client = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(emulators.endpoints.dynamodb)));
    const store = createDynamoCaseStore({ client, tableName });
    const tasks = createDynamoTaskStore({ client, tableName });
    const ftas = [fta(7001, 'HOU'), fta(7002, 'MIA'), fta(7003, null), fta(7004, 'HOU'), fta(7005, 'LOS')];
    // Day 1: three FTAs, two tasks. Day 2: two more FTAs, one more task, the first task closed.
    // Day 3: one FTA rescinded. The backlog: two UCs enter in the week of 26 Oct, one leaves in the week of 9 Nov.
    await store.recordFtas(ftas.slice(0, 3), day1);
    for (const f of ftas.slice(0, 2)) await tasks.openReverificationTask({ ftaId: f.ftaId, caseId: f.caseId, aor: f.aor, openedAt: day1, dueDate: '2026-12-20' });
    await store.recordFtas(ftas.slice(3), day2);
    await tasks.openReverificationTask({ ftaId: ftas[3]!.ftaId, caseId: ftas[3]!.caseId, aor: 'HOU', openedAt: day2, dueDate: '2026-12-20' });
    if ((await tasks.closeReverificationTasks(ftas[0]!.caseId, 'VERIFIED_ADDRESS', day2)) !== 1) throw new Error('the task was not closed');
    if ((await store.rescindFtas([{ fta: ftas[1]!, reason: 'ABSENTIA_WITHDRAWN', dropId: 'drop-trend-2' }], day3)) !== 1) throw new Error('the FTA was not rescinded');
    const write = (updates: ReturnType<typeof backlogAggregateUpdates>) => client.send(new TransactWriteCommand({ TransactItems: updates.map((Update) => ({ Update })) }));
    await write(backlogAggregateUpdates(tableName, { aor: 'HOU', releasedOn: '2026-09-01', at: '2026-10-27T09:00:00Z', delta: 1 }));
    await write(backlogAggregateUpdates(tableName, { aor: 'NYC', releasedOn: '2026-09-15', at: '2026-10-28T09:00:00Z', delta: 1 }));
    await write(backlogAggregateUpdates(tableName, { aor: 'HOU', releasedOn: '2026-09-01', at: '2026-11-10T09:00:00Z', delta: -1 }));

    const state = await createDynamoProgramState({ client, tableName }).readProgramState(NOW);
    const history = await createDynamoProgramHistory({ client, tableName }).readProgramHistory();
    client.destroy();
    report = buildProgramReport({ points: buildProgramMetrics(state, NOW), state, history, now: NOW });
    reportPath = join(tempDir('report-trends'), 'report.html');
    await writeFile(reportPath, renderProgramReport(report));
  });

  it('counts each day\'s changes and ends at the metrics now', () => {
    expect(report.trends.ftasOpen.points).toEqual([
      { date: '2026-11-02', value: 3 },
      { date: '2026-11-09', value: 5 },
      { date: '2026-11-16', value: 4 },
    ]);
    expect(report.trends.ftasOpen.current).toBe(4);
    expect(report.trends.tasksOpen.points).toEqual([
      { date: '2026-11-02', value: 2 },
      { date: '2026-11-09', value: 2 },
    ]);
    expect(report.trends.tasksOpen.current).toBe(2);
    expect(report.trends.ntaBacklog.points).toEqual([
      { date: '2026-10-26', value: 2 },
      { date: '2026-11-09', value: 1 },
    ]);
    expect(report.trends.ntaBacklog.current).toBe(1);
    expect(report.coverage.recorded).toEqual({ from: '2026-10-26', to: '2026-11-16' });
  });

  it.skipIf(!browserAvailable())('draws each trend as a line in headless Chromium, its points those the report computed', async () => {
    const page = await (await headlessChromium()).newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await page.goto(pathToFileURL(reportPath).href);
      for (const [id, trend] of [
        ['trend-ftas-open', report.trends.ftasOpen],
        ['trend-nta-backlog', report.trends.ntaBacklog],
        ['trend-tasks-open', report.trends.tasksOpen],
      ] as const) {
        const drawn = await page.$$eval(`section[data-chart="${id}"] svg circle.point`, (els) =>
          els.map((c) => ({ date: c.getAttribute('data-date') ?? '', value: Number(c.getAttribute('data-value')) })),
        );
        expect(drawn).toEqual(trend.points);
        const line = page.locator(`section[data-chart="${id}"] svg polyline`);
        expect(await line.count()).toBe(1);
        expect((await line.getAttribute('points'))?.split(' ')).toHaveLength(trend.points.length);
        expect(await page.locator(`section[data-chart="${id}"] p`).textContent()).not.toContain('Only one point');
      }
    } finally {
      await page.close();
    }
  });
});
