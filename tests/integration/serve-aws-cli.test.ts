import { spawn, spawnSync, execFile, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, paginateScan } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { localClientConfig } from '../../infra/local/provision';
import { readEnvFile } from '../../infra/local/serve-env';
import { SAMPLE_DROP, SAMPLE_ROSTER, tempDir, uniqueSuffix } from '../helpers/local-stack';
import { waitFor } from '../helpers/wait-for';

const ROOT = join(import.meta.dirname, '../..');
const run = promisify(execFile);

/**
 * The official AWS CLI (v1 or v2: Debian's `awscli` is 2.9), on PATH. In CI
 * (REQUIRE_AWS_CLI=1, set by .ci/run, which installs it) a missing CLI fails the test.
 */
const awsCliAvailable = (): boolean => process.env.REQUIRE_AWS_CLI === '1' || spawnSync('aws', ['--version'], { stdio: 'ignore' }).status === 0;
if (!awsCliAvailable()) {
  console.warn('serve-aws-cli.test.ts: skipped, `aws` is not on PATH (apt-get install awscli, or pip install awscli); CI requires it');
}

describe('npm run serve, driven by the official AWS CLI as an operator would', () => {
  it.skipIf(!awsCliAvailable())(
    'reacts to a drop and a roster put with `aws s3 cp` and a drop sent by npm run upload: emails in out/, FTA items queryable, work lists readable; Ctrl-C stops it with exit 0',
    async () => {
      const dir = tempDir('serve');
      const out = join(dir, 'out');
      const inbox = 'orr-serve@example.gov';
      const shared = inject('emulators');
      const serve = spawn(
        process.execPath,
        [
          '--import', 'tsx', 'infra/local/serve.ts', '--out', out, '--state', join(dir, 'state'), '--orr-inbox', inbox,
          // The suite's DynamoDB Local, SQS and SES (serve starts its own s3rver), under names of this test.
          '--dynamodb-endpoint', shared.dynamodb, '--sqs-endpoint', shared.sqs, '--ses-endpoint', shared.ses, `--name-suffix=${uniqueSuffix()}`, '--visibility-timeout', '2',
          // compute-metrics shows the schedules fire; the roster's ingest plans the NTA backlog on
          // its own, so a plan or a sweep every few seconds would only spend the machine's CPU.
          '--metrics-every', '5s', '--plan-every', 'off', '--sweep-every', 'off',
        ],
        { cwd: ROOT, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let output = '';
      serve.stdout.on('data', (d: Buffer) => (output += d.toString()));
      serve.stderr.on('data', (d: Buffer) => (output += d.toString()));
      let dynamo: DynamoDBDocumentClient | undefined;
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => serve.once('exit', (code, signal) => done({ code, signal })));
      try {
        const envFile = join(out, 'serve.env');
        await waitFor(() => existsSync(envFile) || serve.exitCode !== null, `npm run serve writing ${envFile}`, 240_000);
        expect(serve.exitCode, output).toBeNull();
        const env = await readEnvFile(envFile);
        expect(output).toContain(env.DOCKET_WATCH_ORR_NOTICE_QUEUE_URL);

        // Only the env file's settings: no profile, config or credentials of the machine.
        const cliEnv = {
          PATH: process.env.PATH ?? '',
          HOME: dir,
          AWS_CONFIG_FILE: join(dir, 'no-aws-config'),
          AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-aws-credentials'),
          AWS_PAGER: '',
          ...env,
        };
        const aws = async (service: 's3' | 'dynamodb' | 'sqs', ...args: string[]): Promise<string> => {
          const endpoint = { s3: env.AWS_ENDPOINT_URL_S3, dynamodb: env.AWS_ENDPOINT_URL_DYNAMODB, sqs: env.AWS_ENDPOINT_URL_SQS }[service] ?? '';
          const r = await run('aws', ['--endpoint-url', endpoint, service, ...args], { env: cliEnv, maxBuffer: 16 * 1024 * 1024 });
          return r.stdout;
        };
        const bucket = `s3://${env.DOCKET_WATCH_BUCKET}`;
        const tableName = env.DOCKET_WATCH_CASES_TABLE ?? '';
        const client = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(env.AWS_ENDPOINT_URL_DYNAMODB ?? '')));
        dynamo = client;
        const ftaItemCount = async (): Promise<number> => {
          let count = 0;
          for await (const page of paginateScan({ client }, { TableName: tableName, FilterExpression: 'begins_with(sk, :fta)', ExpressionAttributeValues: { ':fta': 'FTA#' }, Select: 'COUNT' })) {
            count += page.Count ?? 0;
          }
          return count;
        };
        const dropAsOf = async (dropId: string): Promise<unknown> =>
          (await client.send(new GetCommand({ TableName: tableName, Key: { pk: `DROP#${dropId}`, sk: 'AS_OF' } }))).Item?.asOf;

        // The drop as docs/operations.md says: every table, then Count.txt alone, with the as-of.
        await aws('s3', 'cp', SAMPLE_DROP, `${bucket}/drops/sample-drop/`, '--recursive', '--exclude', 'Count.txt', '--only-show-errors');
        await aws('s3', 'cp', join(SAMPLE_DROP, 'Count.txt'), `${bucket}/drops/sample-drop/Count.txt`, '--metadata', 'as-of=2026-11-20', '--only-show-errors');

        // The sample drop's 9 FTAs (README, "What npm start shows"): one ORR notice each.
        const emails = async (): Promise<string[]> => (await readdir(join(out, 'emails'))).filter((f) => f.endsWith('.eml'));
        await waitFor(async () => (await emails()).length >= 9, 'the 9 ORR notices of the sample drop written to out/emails', 120_000);
        const first = await readFile(join(out, 'emails', (await emails()).sort()[0] ?? ''), 'utf8');
        expect(first).toMatch(new RegExp(`^To: ${inbox}`, 'mi'));

        // Case 9431127's proceeding 9329341 has ABSENTIA=Y in HOU (the sample's B_TblProceeding).
        const query = JSON.parse(
          await aws('dynamodb', 'query', '--table-name', env.DOCKET_WATCH_CASES_TABLE ?? '', '--key-condition-expression', 'pk = :pk AND begins_with(sk, :fta)',
            '--expression-attribute-values', JSON.stringify({ ':pk': { S: 'CASE#9431127' }, ':fta': { S: 'FTA#' } }), '--output', 'json'),
        ) as { Items: Record<string, { S?: string }>[] };
        expect(query.Items.map((i) => [i.sk?.S, i.kind?.S, i.aor?.S, i.status?.S])).toEqual([['FTA#IA-9329341', 'IN_ABSENTIA_ORDER', 'HOU', 'OPEN']]);
        // What the CLI's uploads led to, read with the SDK (each CLI run is a Python start-up):
        // the 9 FTAs, and the as-of given as S3 metadata is the drop's.
        expect(await ftaItemCount()).toBe(9);
        expect(await dropAsOf('sample-drop')).toBe('2026-11-20T00:00:00.000Z');

        // Nothing dead-lettered: an empty receive on the notice DLQ.
        const dead = await aws('sqs', 'receive-message', '--queue-url', env.DOCKET_WATCH_ORR_NOTICE_DLQ_URL ?? '', '--wait-time-seconds', '0', '--output', 'json');
        expect(dead.trim() === '' ? [] : ((JSON.parse(dead) as { Messages?: unknown[] }).Messages ?? [])).toEqual([]);

        // The roster: 3 of its NTA-backlog UCs are in HOU (tests/fixtures/sample-roster/README.md).
        // Its ingest writes the work lists before it reports the roster.
        await aws('s3', 'cp', SAMPLE_ROSTER, `${bucket}/rosters/sample/roster.csv`, '--only-show-errors');
        await waitFor(() => /ingest-roster: roster \S+: \d+ accepted/.test(output), 'the ingest of the roster put with the CLI', 120_000);
        const houLists = (await aws('s3', 'ls', `${bucket}/worklists/`, '--recursive'))
          .split('\n')
          .map((l) => l.trim().split(/\s+/).pop() ?? '')
          .filter((key) => /^worklists\/HOU\/\d{4}-\d{2}-\d{2}\.csv$/.test(key));
        expect(houLists.length, 'a HOU work list (worklists/HOU/<date>.csv) after the roster upload').toBeGreaterThan(0);
        const [firstList] = houLists.sort();
        const list = await aws('s3', 'cp', `${bucket}/${firstList}`, '-');
        const [header, ...rows] = list.trim().split(/\r?\n/);
        expect(header).toContain('A_NUMBER');
        expect(rows).toHaveLength(3);
        // npm run upload: the same drop again, under another id and a later as-of: tables first,
        // Count.txt last with the as-of; the ingest finds every FTA already recorded.
        const upload = await run(process.execPath, ['--import', 'tsx', 'infra/local/upload.ts', SAMPLE_DROP, '--drop-id', 'sample-drop-again', '--as-of', '2026-11-21', '--serve-env', envFile], {
          cwd: ROOT,
          env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
        });
        // One line per file of the drop folder, Count.txt last.
        const uploaded = upload.stdout.trim().split('\n');
        expect(uploaded).toHaveLength((await readdir(SAMPLE_DROP)).length);
        expect(uploaded.at(-1)).toBe(`uploaded ${bucket}/drops/sample-drop-again/Count.txt  (as-of=2026-11-21)`);
        await waitFor(() => output.includes('ingest: drop sample-drop-again: 0 new FTA(s), 9 repeated'), 'the ingest of the uploaded drop reporting its 9 FTAs as repeated', 120_000);
        expect(await dropAsOf('sample-drop-again')).toBe('2026-11-21T00:00:00.000Z');

        // The metrics schedule fired on its own: its EMF documents are in the function logs.
        await waitFor(async () => (await readFile(join(out, 'logs', 'metrics-emf.jsonl'), 'utf8')).includes('FtasOpen'), 'a scheduled compute-metrics run publishing FtasOpen', 60_000);
      } finally {
        dynamo?.destroy();
        if (serve.exitCode === null) serve.kill('SIGINT');
      }
      const end = await exitWithin(serve, exited);
      expect(end, output).toEqual({ code: 0, signal: null });
      expect(existsSync(join(out, 'serve.env'))).toBe(false);
    },
    600_000,
  );
});

/** The child's exit; a child still running after 60 s is killed, and the test fails on its status. */
async function exitWithin(child: ChildProcess, exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>) {
  const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
  try {
    return await exited;
  } finally {
    clearTimeout(guard);
  }
}
