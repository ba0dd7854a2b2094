import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { readReturnFile } from '../../shared/formats/work-list-return-file';
import { isAor } from '../../shared/domain/aor';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { ROSTER_DROPS } from '../../shared/runtime/resources';
import { createDynamoCaseStore } from '../../shared/adapters/cases-table/dynamo-case-store';
import { createDynamoProgramHistory } from '../../shared/adapters/cases-table/dynamo-program-history';
import { createDynamoProgramState } from '../../shared/adapters/cases-table/dynamo-program-state';
import type { DropReport } from '../../shared/domain/drop-report';
import type { MetricPoint } from '../../shared/domain/metrics';
import { buildProgramReport } from '../../shared/domain/program-report';
import { createAwsClients } from '../../shared/runtime/aws-clients';
import type { Emulators } from './emulators';
import {
  exportFtas,
  sentEmailsAsReceived,
  summarize,
  writeOutputs,
  type FtaLine,
  type ReceivedEmail,
  type RunSummary,
} from './outputs';
import { runOplaExport } from './opla-run';
import { LocalPipeline } from './pipeline';
import { renderProgramReport } from './report-html';
import { localClientConfig, provisionLocalResources } from './provision';
import { DocketWatchError } from '../../shared/domain/errors';

export interface LocalRunOptions {
  /** Drop folders, processed in this order. */
  readonly drops: readonly string[];
  /** A UC roster CSV, put in the bucket (rosters/<name>/roster.csv) before the drops. */
  readonly roster?: string;
  /** OPLA's FTA list (CSV), put at opla/<export id>/fta-list.csv after the drops: ingested and reconciled. */
  readonly opla?: string;
  /** AOR -> OPLA and ERO addresses that get that AOR's reconciliation email. */
  readonly oplaRecipients?: Readonly<Record<string, readonly string[]>>;
  /** Returned work lists (.xlsx or .csv), put at returns/<AOR>/<file name> after the drops. */
  readonly returns?: readonly string[];
  /** NTA plan settings under their ENV names (NTA_SLOTS_PER_DAY, ...). */
  readonly planEnvironment?: Record<string, string>;
  readonly outDir: string;
  readonly orrInbox: string;
  readonly mailFrom: string;
  /** Suffix for every resource name (tests share emulators). */
  readonly suffix?: string;
  readonly visibilityTimeoutSeconds?: number;
  /** AOR -> Field Office Juvenile Coordinator address, copied on ORR notices. */
  readonly juvenileCoordinators?: Readonly<Record<string, string>>;
  /** When given, the daily digest runs once at the end for today's (UTC) FTAs. */
  readonly digestRecipients?: readonly string[];
  /** The ingest reads tables larger than this in byte-range chunks (INGEST_CHUNK_BYTES). */
  readonly chunkBytes?: number;
  /** Keys and cases a drop read inline keeps in memory for its finish step (INGEST_FINISH_NOTES_IN_MEMORY). */
  readonly finishNotesInMemory?: number;
  /**
   * The run's clock (YYYY-MM-DD): the drops arrive as of this day (the operator's `as-of`
   * metadata), and the daily hearing reminders run once for it at the end.
   */
  readonly today?: string;
  /** REMINDER_HORIZON_DAYS (default 14 and 3). */
  readonly reminderHorizonDays?: readonly number[];
  readonly onProgress?: (line: string) => void;
  /** Called once the pipeline listens, before anything is uploaded (to watch its progress). */
  readonly onPipelineStarted?: (pipeline: LocalPipeline) => void;
  /**
   * Run the NTA re-plan and the metrics schedule once at the end, and build the program
   * report from them (default true). Off, the summary has no `ntaPlan` and no `program`,
   * no metrics are published and no report.html is written (the bucket's work lists,
   * quarantined rows and reports are still copied under `outDir`): for tests that assert
   * on neither (each such run costs a re-plan of every AOR).
   */
  readonly scheduledRuns?: boolean;
}

export interface LocalRunResult {
  readonly summary: RunSummary;
  readonly ftas: readonly FtaLine[];
  readonly emails: readonly ReceivedEmail[];
  readonly metrics: readonly MetricPoint[];
  /** `out/report.html`, the program report with charts (not written with `scheduledRuns: false`). */
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
    juvenileCoordinators: options.juvenileCoordinators,
    digestRecipients: options.digestRecipients,
    oplaReconciliationRecipients: options.oplaRecipients,
    reminderHorizonDays: options.reminderHorizonDays,
    chunkBytes: options.chunkBytes,
    finishNotesInMemory: options.finishNotesInMemory,
    onProgress: progress,
    planEnvironment: options.planEnvironment,
  });
  try {
    options.onPipelineStarted?.(pipeline);
    return await runOnPipeline(emulators, resources, pipeline, options);
  } catch (err) {
    // The SQS pollers hold the emulators' connections open: stop them, or nothing can shut down.
    await pipeline.stop();
    throw err;
  }
}

async function runOnPipeline(
  emulators: Emulators,
  resources: Awaited<ReturnType<typeof provisionLocalResources>>,
  pipeline: LocalPipeline,
  options: LocalRunOptions,
): Promise<LocalRunResult> {
  const progress = options.onProgress ?? (() => undefined);
  const clients = createAwsClients();
  const state = createDynamoProgramState({ client: clients.dynamo, tableName: resources.casesTable });
  const tasksBefore = sumValues((await state.readProgramState(new Date())).tasksOpenByAor);
  const emailsBefore = pipeline.sentEmails.length;

  if (options.roster !== undefined) {
    const file = resolve(options.roster);
    if (!(await stat(file)).isFile()) throw new DocketWatchError('CLI_ARGUMENT_INVALID', `--roster ${options.roster}: not a file`);
    const rosterId = basename(file).replace(/\.csv$/i, '').replace(/[^A-Za-z0-9._-]/g, '_');
    progress(`roster ${rosterId}: uploading ${file} to s3://${resources.dropBucket}/rosters/${rosterId}/roster.csv`);
    await pipeline.uploadRoster(file, rosterId);
    await pipeline.drain();
  }

  const drops: (DropReport & { source: string })[] = [];
  for (const folder of options.drops) {
    const path = resolve(folder);
    const isZip = /\.zip$/i.test(path) && (await stat(path)).isFile();
    if (!isZip && !(await stat(path)).isDirectory()) throw new DocketWatchError('CLI_ARGUMENT_INVALID', `--drop ${folder}: not a folder or a .zip`);
    const dropId = basename(path).replace(/\.zip$/i, '');
    const before = pipeline.ingestReports.length;
    // --today: the drop arrives as of that day (the operator's as-of metadata).
    const asOf = options.today === undefined ? undefined : { 'as-of': options.today };
    if (isZip) {
      progress(`drop ${dropId}: uploading ${path} to s3://${resources.dropBucket}/drops/${dropId}.zip`);
      await pipeline.putObject(`drops/${dropId}.zip`, await readFile(path), asOf);
    } else {
      progress(`drop ${dropId}: uploading ${path} to s3://${resources.dropBucket}/drops/${dropId}/`);
      await pipeline.uploadDrop(path, dropId, asOf);
    }
    await pipeline.drain();
    drops.push(...pipeline.ingestReports.slice(before).map((r) => ({ ...r, source: path })));
  }
  await pipeline.drain();

  for (const file of options.returns ?? []) {
    const path = resolve(file);
    const aor = await returnAor(path);
    progress(`return ${basename(path)}: uploading to s3://${resources.dropBucket}/returns/${aor}/${basename(path)}`);
    await pipeline.uploadReturn(path, aor);
    await pipeline.drain();
  }

  const opla = options.opla === undefined ? undefined : await runOplaExport(pipeline, options.opla, progress);

  const scheduled = options.scheduledRuns ?? true;
  let planRun: Awaited<ReturnType<LocalPipeline['runScheduledPlan']>> | undefined;
  let metrics: readonly MetricPoint[] = [];
  if (scheduled) {
    progress('plan-nta: running the scheduled NTA re-plan once (plan, overdue tasks, roster matching)');
    planRun = await pipeline.runScheduledPlan();
    progress('metrics: running the scheduled metrics function once');
    metrics = await pipeline.runScheduledMetrics();
  }
  const digestTo = options.digestRecipients ?? [];
  if (digestTo.length > 0) {
    const day = new Date().toISOString().slice(0, 10);
    progress(`digest: running the daily digest once for ${day}`);
    const digest = await pipeline.runScheduledDigest(day);
    progress(`digest: ${digest.sent} digest email(s) sent`);
  }
  let hearingReminders: RunSummary['hearingReminders'];
  let reminderPoints: readonly MetricPoint[] = [];
  if (options.today !== undefined) {
    progress(`reminders: running the daily hearing reminders once for ${options.today}`);
    const { metrics: points, ...run } = await pipeline.runScheduledReminders(options.today);
    hearingReminders = run;
    reminderPoints = points;
    progress(`reminders: ${run.hearingsUpcoming14Days} UC hearing(s) in the next 14 days; ${run.remindersSent} reminder(s), ${run.updatesSent} update(s), ${run.digestsSent} week-ahead digest(s) sent`);
  }
  const tasksAfter = sumValues((await state.readProgramState(new Date())).tasksOpenByAor);
  const received = await sentEmailsAsReceived(pipeline.sentEmails.slice(emailsBefore));
  const emails = received.filter((e) => e.to.some((t) => t.includes(options.orrInbox)));
  const digests = received.filter((e) => !emails.includes(e) && e.to.some((t) => digestTo.some((d) => t.includes(d))));
  const oplaTo = Object.values(options.oplaRecipients ?? {}).flat();
  const reconciliations = received.filter((e) => !emails.includes(e) && !digests.includes(e) && e.to.some((t) => oplaTo.some((d) => t.includes(d))));
  const store = createDynamoCaseStore({ client: clients.dynamo, tableName: resources.casesTable });
  const ftas = await exportFtas(store);
  // The program report: the points the metrics job just published, the aggregates it read,
  // and the dated counters' whole history (every week of FTAs, the trends).
  const reportAt = new Date();
  const program = planRun === undefined
    ? undefined
    : buildProgramReport({
        points: [...metrics, ...reminderPoints],
        state: await state.readProgramState(reportAt),
        history: await createDynamoProgramHistory({ client: clients.dynamo, tableName: resources.casesTable }).readProgramHistory(),
        now: reportAt,
      });
  // The work lists, quarantined rows and reports under out/, whether or not the plan ran.
  const planFiles = await collectPlan(emulators, resources.dropBucket, options.outDir);
  const summary = summarize({
    drops,
    emailsSent: emails.length,
    ntaTasksScheduled: tasksAfter - tasksBefore,
    metricsPublished: metrics.length,
    deadLetters: await pipeline.deadLetterCounts(),
    ingestFailures: pipeline.ingestFailures,
    now: new Date(),
    rosters: pipeline.rosterReports,
    returns: pipeline.returnReports,
    ntaPlan: planRun === undefined
      ? undefined
      : {
          ...planFiles,
          byAor: planRun.plans.filter((a) => a.backlog > 0),
          backlog: planRun.plans.reduce((n, a) => n + a.backlog, 0),
          unscheduled: planRun.plans.reduce((n, a) => n + a.unscheduled, 0),
          overdueTasks: planRun.overdueTasks,
          matching: {
            matched: planRun.matching.matched,
            casesWithoutRosterUc: planRun.matching.casesWithoutRosterUc,
            rosterUcsWithoutCase: planRun.matching.rosterUcsWithoutCase,
            leftBacklog: planRun.matching.leftBacklog,
          },
        },
    reverificationTasksOpen: tasksAfter,
    program,
  });
  if (hearingReminders !== undefined) Object.assign(summary, { hearingReminders });
  const written = opla === undefined ? summary : { ...summary, opla };
  await writeOutputs(options.outDir, written, ftas, [...emails, ...digests, ...reconciliations]);
  const reportPath = join(options.outDir, 'report.html');
  if (program !== undefined) await writeFile(reportPath, renderProgramReport(program, { opla: opla?.reconciliation }));
  clients.dynamo.destroy();
  return { summary: written, ftas, emails, metrics, reportPath, pipeline };
}

/**
 * The work lists, quarantine files and matching reports of the bucket copied under out/
 * (out/worklists/<AOR>/<date>.xlsx and .csv, out/quarantine/...), as a field office gets them.
 */
async function collectPlan(
  emulators: Emulators,
  bucket: string,
  outDir: string,
): Promise<Pick<NonNullable<RunSummary['ntaPlan']>, 'workListFiles' | 'quarantineFiles'>> {
  const s3 = new S3Client({ ...localClientConfig(emulators.endpoints.s3), forcePathStyle: true });
  const copy = async (prefix: string): Promise<string[]> => {
    await rm(join(outDir, prefix), { recursive: true, force: true });
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    for (const key of keys) {
      // Bytes as they are: a work list is also an .xlsx (a zip).
      const body = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body?.transformToByteArray();
      await mkdir(dirname(join(outDir, key)), { recursive: true });
      await writeFile(join(outDir, key), body ?? new Uint8Array());
    }
    return keys.sort();
  };
  try {
    const workListFiles = await copy(ROSTER_DROPS.workListPrefix);
    const quarantineFiles = await copy(ROSTER_DROPS.quarantinePrefix);
    await copy(ROSTER_DROPS.reportPrefix);
    return { workListFiles, quarantineFiles };
  } finally {
    s3.destroy();
  }
}

function sumValues(map: ReadonlyMap<string, number>): number {
  let total = 0;
  for (const v of map.values()) total += v;
  return total;
}

/**
 * The AOR a returned work list belongs to: the folder it sits in when that is an AOR (as
 * out/worklists/<AOR>/ hands it out), else the AOR column of its first row.
 */
export async function returnAor(path: string): Promise<string> {
  const folder = basename(dirname(path)).toUpperCase();
  if (isAor(folder)) return folder;
  const file = await readReturnFile(path, () => createReadStream(path));
  if (file.ok) {
    let aorColumn: number | undefined;
    for await (const record of file.records) {
      if (!record.ok) continue;
      if (aorColumn === undefined) {
        aorColumn = record.fields.findIndex((f) => f.trim().toUpperCase() === 'AOR');
        if (aorColumn < 0) break;
        continue;
      }
      const aor = record.fields[aorColumn]?.trim().toUpperCase() ?? '';
      if (isAor(aor)) return aor;
    }
  }
  throw new DocketWatchError('CLI_ARGUMENT_INVALID', `--return ${path}: no AOR (put the file in a folder named for its AOR, or keep the AOR column)`);
}
