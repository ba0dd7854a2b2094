import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { captureLambdaOutputToFiles } from './capture-output';
import { PIPELINE_CLI_OPTIONS, pipelineSettings } from './cli-options';
import { JavaMissingError, startEmulators } from './emulators';
import { emailFileName, sentEmailsAsReceived } from './outputs';
import { LocalPipeline } from './pipeline';
import { samplePipeline } from './pipeline-progress';
import { createProgressDisplay } from './progress';
import { installRowMeter } from './row-meter';
import { provisionLocalResources } from './provision';
import { parseEvery, startSchedules, type LocalSchedule } from './schedules';
import { queueNames, removeEnvFile, serveEnvironment, writeEnvFile } from './serve-env';

const HELP = `Docket Watch as a service: the local AWS stack stays up and reacts as deployed.

Usage: npm run serve -- [options]

Objects put in the bucket (with the AWS CLI, npm run upload, anything) invoke the functions
through the bucket's notifications, as in AWS:
  drops/<dropId>/...Count.txt (or READY), drops/<dropId>.zip   the docket ingest
  rosters/<rosterId>/<name>.csv                                the roster ingest (and NTA plan)
  returns/<AOR>/<file>.xlsx|.csv                               the work-list return recorder
The queues are drained continuously (ORR notices, NTA schedule, drop chunks), and the
EventBridge schedules fire, faster than deployed:

  --metrics-every D   compute-metrics, every metric (deployed: hourly and daily). Default 60s.
  --plan-every D      plan-nta, the morning NTA re-plan (deployed: weekdays 10:00 UTC). Default 5m.
  --sweep-every D     sweep-outbox (deployed: every 5 minutes). Default 1m.
  --digest-every D    send-orr-digest, the previous UTC day (deployed: daily 06:00 UTC);
                      only with --digest-to. Default 5m.
                      D: 500ms, 30s, 5m, 1h, or off.

It prints the endpoints, bucket, tables and queues, and writes them to an env file for the
AWS CLI and the SDKs (\`. out/serve.env\`, then \`aws --endpoint-url "$AWS_ENDPOINT_URL_S3" s3 ls\`).
Emails land in OUT/emails/ as they are sent. Ctrl-C stops everything (exit 0).

  --serve-env PATH    Where to write the environment (default: OUT/serve.env); removed on exit.
  --out DIR           emails/, logs/ (default: out).
  --state DIR         Where DynamoDB and S3 keep their data (default: .local-state).
  --reset             Delete the local state first.
  --dynamodb-endpoint URL, --sqs-endpoint URL, --ses-endpoint URL
                      Use that emulator, already running, instead of starting one
                      (the test suite shares its own); s3rver always runs here.
  --name-suffix S     Append S to every table, bucket and queue name (a shared emulator).
  --orr-inbox ADDR, --mail-from ADDR, --fojc AOR=ADDR, --digest-to ADDR,
  --visibility-timeout S, --chunk-bytes N, --nta-slots N, --nta-slots-by-aor JSON,
  --nta-priority KEYS
                      As for npm start (npm start -- --help).
  -h, --help          Show this help.
`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      ...PIPELINE_CLI_OPTIONS,
      'serve-env': { type: 'string' },
      'metrics-every': { type: 'string', default: '60s' },
      'plan-every': { type: 'string', default: '5m' },
      'sweep-every': { type: 'string', default: '1m' },
      'digest-every': { type: 'string', default: '5m' },
      'dynamodb-endpoint': { type: 'string' },
      'sqs-endpoint': { type: 'string' },
      'ses-endpoint': { type: 'string' },
      'name-suffix': { type: 'string', default: '' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const checked = pipelineSettings(values);
  let every: Record<'metrics' | 'plan' | 'sweep' | 'digest', number | null>;
  try {
    every = {
      metrics: parseEvery('metrics-every', values['metrics-every']),
      plan: parseEvery('plan-every', values['plan-every']),
      sweep: parseEvery('sweep-every', values['sweep-every']),
      digest: parseEvery('digest-every', values['digest-every']),
    };
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  if (!checked.ok) {
    process.stderr.write(`${checked.error}\n`);
    return 2;
  }
  const settings = checked.settings;
  const outDir = resolve(values.out);
  const stateDir = resolve(values.state);
  const envFile = resolve(values['serve-env'] ?? join(outDir, 'serve.env'));
  if (values.reset) await rm(stateDir, { recursive: true, force: true });
  const emailDir = join(outDir, 'emails');
  await rm(emailDir, { recursive: true, force: true });
  await mkdir(emailDir, { recursive: true });
  await mkdir(join(outDir, 'logs'), { recursive: true });

  const display = createProgressDisplay({ stream: process.stderr, now: Date.now, plainEveryMs: 30_000 });
  const say = (line: string): void => display.log(line);
  const restore = await captureLambdaOutputToFiles(outDir);

  say('starting the local AWS stack (DynamoDB Local, SQS, S3, SES)');
  const emulators = await startEmulators({
    stateDir,
    running: { dynamodb: values['dynamodb-endpoint'], sqs: values['sqs-endpoint'], ses: values['ses-endpoint'] },
  });
  const stops: (() => Promise<void>)[] = [];
  try {
    const resources = await provisionLocalResources(emulators.endpoints, { suffix: values['name-suffix'], visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds });
    // Before the functions' clients exist: rows of a table as they stream, for the status line.
    const meter = installRowMeter();
    const pipeline = await LocalPipeline.start(emulators, resources, { ...settings, onProgress: say });

    // Each email SES accepted, written as it was sent (the exact raw MIME), numbered in send order.
    let written = 0;
    const writeNewEmails = async (): Promise<void> => {
      const sent = pipeline.sentEmails.slice(written);
      if (sent.length === 0) return;
      const received = await sentEmailsAsReceived(sent);
      for (const email of received) {
        written += 1;
        await writeFile(join(emailDir, emailFileName(written, email)), email.eml);
      }
    };

    const schedules: LocalSchedule[] = [];
    if (every.metrics !== null) {
      schedules.push({ name: 'compute-metrics', everyMs: every.metrics, run: async () => `${(await pipeline.runScheduledMetrics('daily')).length} metric value(s) published (logs/metrics-emf.jsonl)` });
    }
    if (every.plan !== null) {
      schedules.push({
        name: 'plan-nta',
        everyMs: every.plan,
        run: async () => {
          const plan = await pipeline.runScheduledPlan();
          const backlog = plan.plans.reduce((n, a) => n + a.backlog, 0);
          return backlog > 0 ? `NTA backlog ${backlog} UC(s) in ${plan.plans.filter((a) => a.backlog > 0).length} AOR(s); work lists in s3://${resources.dropBucket}/worklists/` : undefined;
        },
      });
    }
    if (every.sweep !== null) {
      schedules.push({
        name: 'sweep-outbox',
        everyMs: every.sweep,
        run: async () => {
          const swept = await pipeline.runScheduledOutboxSweep();
          return swept.ftas + swept.rescissions > 0 ? `re-queued ${swept.ftas} FTA(s) and ${swept.rescissions} rescission(s) left unqueued` : undefined;
        },
      });
    }
    if (every.digest !== null && (settings.digestRecipients ?? []).length > 0) {
      schedules.push({
        name: 'send-orr-digest',
        everyMs: every.digest,
        run: async () => {
          const digest = await pipeline.runScheduledDigest(new Date(Date.now() - 86_400_000).toISOString().slice(0, 10));
          return digest.sent > 0 ? `${digest.sent} digest email(s) for ${digest.day}` : undefined;
        },
      });
    }
    // A schedule's line is printed when it says something new (not every minute the same metrics count).
    const running = startSchedules(schedules.map(onlyNews), say);
    // Stopped in this order: no new scheduled run, no new message taken, then the last emails written.
    stops.push(() => running.stop(), () => pipeline.stop());

    // Progress and new emails, once a second, one at a time.
    let tickDone: Promise<void> = Promise.resolve();
    const ticker = setInterval(() => {
      tickDone = tickDone.then(async () => {
        await writeNewEmails().catch((err: unknown) => say(`writing emails failed: ${(err as Error).message}`));
        await samplePipeline(pipeline, meter).then((s) => display.update(s), () => undefined);
      });
    }, 1_000);
    stops.push(async () => {
      clearInterval(ticker);
      await tickDone;
      await writeNewEmails();
      display.finish();
    });

    const env = serveEnvironment(emulators.endpoints, resources);
    await writeEnvFile(envFile, env, [
      `Docket Watch local stack (npm run serve, pid ${process.pid}); removed when it stops.`,
      'Load it into a shell: . ' + envFile,
    ]);
    stops.push(() => removeEnvFile(envFile));
    printBanner(env, resources, envFile, outDir, schedules);

    const signal = await new Promise<NodeJS.Signals>((done) => {
      process.once('SIGINT', () => done('SIGINT'));
      process.once('SIGTERM', () => done('SIGTERM'));
    });
    // A second Ctrl-C while stopping ends at once.
    process.once('SIGINT', () => process.exit(130));
    say(`${signal}: stopping`);
    return 0;
  } finally {
    for (const stop of stops) await stop().catch((err: unknown) => say(`stopping: ${(err as Error).message}`));
    restore();
    await emulators.stop();
    say('stopped');
  }
}

function onlyNews(schedule: LocalSchedule): LocalSchedule {
  let last: string | undefined;
  return {
    ...schedule,
    run: async () => {
      const line = await schedule.run();
      if (line === last) return undefined;
      last = line;
      return line;
    },
  };
}

function printBanner(env: Record<string, string>, resources: Parameters<typeof queueNames>[0], envFile: string, outDir: string, schedules: readonly LocalSchedule[]): void {
  const lines = [
    '',
    'Docket Watch is serving on the local AWS stack (Ctrl-C to stop).',
    '',
    `  S3          ${env.AWS_ENDPOINT_URL_S3}   bucket ${resources.dropBucket}`,
    `  DynamoDB    ${env.AWS_ENDPOINT_URL_DYNAMODB}   tables ${resources.casesTable}, ${resources.idempotencyTable}`,
    `  SQS         ${env.AWS_ENDPOINT_URL_SQS}`,
    ...queueNames(resources).map(([name, url]) => `    ${name.padEnd(34)} ${url}`),
    `  SES         ${env.AWS_ENDPOINT_URL_SES}   (web UI ${env.DOCKET_WATCH_SES_WEB_UI})`,
    `  credentials ${env.AWS_ACCESS_KEY_ID}/${env.AWS_SECRET_ACCESS_KEY}, region ${env.AWS_REGION}`,
    `  schedules   ${schedules.length === 0 ? 'none' : schedules.map((s) => `${s.name} every ${s.everyMs / 1000}s`).join(', ')}`,
    '',
    `Environment for the AWS CLI: ${envFile}`,
    `  . ${envFile}`,
    `  npm run upload -- tests/fixtures/sample-drop`,
    `  aws --endpoint-url "$AWS_ENDPOINT_URL_S3" s3 ls "s3://$DOCKET_WATCH_BUCKET/" --recursive`,
    `Emails: ${join(outDir, 'emails')}/   Function logs: ${join(outDir, 'logs')}/`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof JavaMissingError) process.stderr.write(`${err.message}\n`);
    else process.stderr.write(`docket-watch serve: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
