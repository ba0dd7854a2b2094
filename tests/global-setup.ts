import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import type { AwsCall } from '../infra/local/aws-calls';
import { startEmulators, type Endpoints } from '../infra/local/emulators';
import { RECORD_AWS_CALLS_DIR } from '../infra/local/function-environment';

declare module 'vitest' {
  export interface ProvidedContext {
    emulators: Omit<Endpoints, 's3'>;
  }
}

/** The reviewed list of every AWS call the functions make in the suites (least-privilege.test.ts). */
export const RECORDED_CALLS_FILE = join(import.meta.dirname, 'infra', 'recorded-aws-calls.json');

/**
 * Starts DynamoDB Local, local-aws-sqs and aws-ses-v2-local once for the integration
 * suite, on free ports; each test file starts its own in-process s3rver (whose events are
 * the S3 notifications) and provisions its own uniquely named resources.
 *
 * Every local pipeline records its functions' AWS calls into a folder of this run; at the
 * end each call is checked against the function's synthesized IAM policy (a call IAM would
 * refuse fails the run), and calls missing from the reviewed list are named (set
 * DOCKET_WATCH_UPDATE_AWS_CALLS=1 to add them).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const callsDir = mkdtempSync(join(tmpdir(), 'docket-watch-aws-calls-'));
  process.env[RECORD_AWS_CALLS_DIR] = callsDir;
  const emulators = await startEmulators();
  const { dynamodb, sqs, ses } = emulators.endpoints;
  project.provide('emulators', { dynamodb, sqs, ses });
  return async () => {
    await emulators.stop();
    try {
      await checkRecordedCalls(callsDir);
    } finally {
      rmSync(callsDir, { recursive: true, force: true });
    }
  };
}

async function checkRecordedCalls(dir: string): Promise<void> {
  const lines = readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean));
  if (lines.length === 0) return;
  const { callKey, isAllowed, normalizeCall, synthesizedPolicies } = await import('./infra/iam-check');
  const calls = [...new Map(lines.map((l) => normalizeCall(JSON.parse(l) as AwsCall)).map((c) => [callKey(c), c])).values()];
  const { statementsOf, nameOf } = synthesizedPolicies();
  const denied = calls.filter((c) => !isAllowed(statementsOf(c.fn), nameOf, c));
  const reviewed = JSON.parse(readFileSync(RECORDED_CALLS_FILE, 'utf8')) as AwsCall[];
  const known = new Set(reviewed.map(callKey));
  const unlisted = calls.filter((c) => !known.has(callKey(c)));
  if (unlisted.length > 0) {
    if (process.env.DOCKET_WATCH_UPDATE_AWS_CALLS === '1') {
      const merged = [...reviewed, ...unlisted].sort((a, b) => callKey(a).localeCompare(callKey(b)));
      writeFileSync(RECORDED_CALLS_FILE, `${JSON.stringify(merged, null, 1)}\n`);
    } else {
      console.warn(`AWS calls not in ${RECORDED_CALLS_FILE} (review, then re-run with DOCKET_WATCH_UPDATE_AWS_CALLS=1):\n${unlisted.map(callKey).join('\n')}`);
    }
  }
  if (denied.length > 0) {
    throw new Error(`IAM would refuse ${denied.length} call(s) the functions made (their synthesized policies lack the grant):\n${denied.map(callKey).join('\n')}`);
  }
}
