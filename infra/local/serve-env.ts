import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dlqLocalName } from '../../shared/runtime/resources';
import { LOCAL_CREDENTIALS, LOCAL_REGION, type Endpoints } from './emulators';
import type { LocalResources } from './provision';

/**
 * The environment that points the official AWS CLI (v1 and v2) and the SDKs at the local
 * stack: the service-specific endpoint variables (AWS_ENDPOINT_URL_S3, ...; CLI v2.13+ and
 * v1.29+ read them, older ones need `--endpoint-url`), the region, the credentials s3rver
 * accepts (the other emulators accept any), and the names of the bucket, tables and queues.
 */
export function serveEnvironment(endpoints: Endpoints, resources: LocalResources): Record<string, string> {
  const q = resources.queues;
  return {
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    AWS_ENDPOINT_URL_SES: endpoints.ses,
    DOCKET_WATCH_BUCKET: resources.dropBucket,
    DOCKET_WATCH_CASES_TABLE: resources.casesTable,
    DOCKET_WATCH_IDEMPOTENCY_TABLE: resources.idempotencyTable,
    DOCKET_WATCH_ORR_NOTICE_QUEUE_URL: q.orrNotices.url,
    DOCKET_WATCH_ORR_NOTICE_DLQ_URL: q.orrNotices.dlqUrl,
    DOCKET_WATCH_NTA_SCHEDULE_QUEUE_URL: q.ntaSchedule.url,
    DOCKET_WATCH_NTA_SCHEDULE_DLQ_URL: q.ntaSchedule.dlqUrl,
    DOCKET_WATCH_DROP_CHUNK_QUEUE_URL: resources.chunkQueue.url,
    DOCKET_WATCH_DROP_CHUNK_DLQ_URL: resources.chunkQueue.dlqUrl,
    DOCKET_WATCH_SES_WEB_UI: `${endpoints.ses}/`,
  };
}

/** The queues of `serveEnvironment` by their local names, for the banner. */
export function queueNames(resources: LocalResources): [string, string][] {
  return [...Object.values(resources.queues), resources.chunkQueue].flatMap((q) => [
    [q.definition.localName, q.url],
    [dlqLocalName(q.definition), q.dlqUrl],
  ]);
}

/**
 * Writes `env` as `export NAME=value` lines (values are URLs and resource names: no
 * quoting needed), so `. out/serve.env` loads it into a shell. Written to a temporary
 * file and renamed: a reader never sees half of it.
 */
export async function writeEnvFile(path: string, env: Record<string, string>, header: readonly string[]): Promise<void> {
  const lines = [...header.map((h) => `# ${h}`), ...Object.entries(env).map(([k, v]) => `export ${k}=${v}`)];
  await writeFile(`${path}.tmp`, `${lines.join('\n')}\n`);
  await rename(`${path}.tmp`, path);
}

/** Reads an env file (`NAME=value` lines, `export ` optional, `#` comments). */
export async function readEnvFile(path: string): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const raw of (await readFile(path, 'utf8')).split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m?.[1] !== undefined) env[m[1]] = (m[2] ?? '').replace(/^(['"])(.*)\1$/, '$2');
  }
  return env;
}

export async function removeEnvFile(path: string): Promise<void> {
  await rm(path, { force: true });
}
