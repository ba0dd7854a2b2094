import { stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { createDynamoCaseStore } from '../../shared/adapters/dynamo-case-store';
import { createDynamoProgramState } from '../../shared/adapters/dynamo-program-state';
import type { DropReport } from '../../shared/domain/drop-report';
import type { MetricPoint } from '../../shared/domain/program-metrics';
import { createAwsClients } from '../../shared/runtime/aws-clients';
import type { Emulators } from './emulators';
import {
  exportFtas,
  fetchReceivedEmails,
  summarize,
  writeOutputs,
  type FtaLine,
  type ReceivedEmail,
  type RunSummary,
} from './outputs';
import { LocalPipeline } from './pipeline';
import { renderProgramReport } from './report-html';
import { provisionLocalResources } from './provision';

export interface LocalRunOptions {
  /** Drop folders, processed in this order. */
  readonly drops: readonly string[];
  readonly outDir: string;
  readonly orrInbox: string;
  readonly mailFrom: string;
  /** Suffix for every resource name (tests share emulators). */
  readonly suffix?: string;
  readonly visibilityTimeoutSeconds?: number;
  readonly onProgress?: (line: string) => void;
}

export interface LocalRunResult {
  readonly summary: RunSummary;
  readonly ftas: readonly FtaLine[];
  readonly emails: readonly ReceivedEmail[];
  readonly metrics: readonly MetricPoint[];
  /** `out/report.html`, the program report with charts. */
  readonly reportPath: string;
  readonly pipeline: LocalPipeline;
}

/**
 * The whole pipeline on the emulators, end to end: provision the resources, put each drop
 * in the bucket (the S3 notification starts the ingest), let the queues drain through the
 * notifier and the scheduler, run the metrics schedule once, and write the outputs.
 * The pipeline is left running for the caller to stop (or keep, with `--keep`).
 */
export async function runLocalPipeline(emulators: Emulators, options: LocalRunOptions): Promise<LocalRunResult> {
  const progress = options.onProgress ?? (() => undefined);
  const resources = await provisionLocalResources(emulators.endpoints, {
    suffix: options.suffix,
    visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
  });
  const pipeline = await LocalPipeline.start(emulators, resources, {
    orrInbox: options.orrInbox,
    mailFrom: options.mailFrom,
    onProgress: progress,
  });
  const clients = createAwsClients();
  const state = createDynamoProgramState({ client: clients.dynamo, tableName: resources.casesTable });
  const tasksBefore = sumValues((await state.readProgramState(new Date())).tasksOpenByAor);
  const emailsBefore = new Set((await fetchReceivedEmails(emulators.endpoints.ses)).map((e) => e.messageId));

  const drops: (DropReport & { source: string })[] = [];
  for (const folder of options.drops) {
    const path = resolve(folder);
    if (!(await stat(path)).isDirectory()) throw new Error(`--drop ${folder}: not a folder`);
    const dropId = basename(path);
    progress(`drop ${dropId}: uploading ${path} to s3://${resources.dropBucket}/drops/${dropId}/`);
    const before = pipeline.ingestReports.length;
    await pipeline.uploadDrop(path, dropId);
    await pipeline.drain();
    drops.push(...pipeline.ingestReports.slice(before).map((r) => ({ ...r, source: path })));
  }
  await pipeline.drain();

  progress('metrics: running the scheduled metrics function once');
  const metrics = await pipeline.runScheduledMetrics();
  const tasksAfter = sumValues((await state.readProgramState(new Date())).tasksOpenByAor);
  const emails = (await fetchReceivedEmails(emulators.endpoints.ses)).filter(
    (e) => !emailsBefore.has(e.messageId) && e.to.some((t) => t.includes(options.orrInbox)),
  );
  const store = createDynamoCaseStore({ client: clients.dynamo, tableName: resources.casesTable });
  const ftas = await exportFtas(store);
  const summary = summarize({
    drops,
    emailsSent: emails.length,
    ntaTasksScheduled: tasksAfter - tasksBefore,
    metricsPublished: metrics.length,
    deadLetters: await pipeline.deadLetterCounts(),
    ingestFailures: pipeline.ingestFailures,
    now: new Date(),
  });
  await writeOutputs(options.outDir, summary, ftas, emails);
  // The program report: the same aggregates the job read, with every week of FTAs.
  const reportState = await state.readProgramState(new Date(), { fullFtaHistory: true });
  const reportPath = join(options.outDir, 'report.html');
  await writeFile(reportPath, renderProgramReport({ generatedAt: new Date().toISOString(), state: reportState, points: metrics }));
  clients.dynamo.destroy();
  return { summary, ftas, emails, metrics, reportPath, pipeline };
}

function sumValues(map: ReadonlyMap<string, number>): number {
  let total = 0;
  for (const v of map.values()) total += v;
  return total;
}
