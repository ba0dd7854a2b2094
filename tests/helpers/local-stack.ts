import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, inject } from 'vitest';
import { captureLambdaOutput } from '../../infra/local/capture-output';
import { startEmulators, type Emulators } from '../../infra/local/emulators';
import { localClientConfig, provisionLocalResources } from '../../infra/local/provision';
import type { LocalRunOptions } from '../../infra/local/run';
import { tempDir } from './temp-dir';

/** A unique suffix for one test's resource names and addresses. */
export const uniqueSuffix = (): string => `-${randomBytes(4).toString('hex')}`;

/** The suite's shared emulators plus an in-process s3rver for this test file. */
export async function connectEmulators(): Promise<Emulators> {
  return startEmulators({ running: inject('emulators') });
}

/**
 * The set-up of a test file that runs the local pipeline: before its tests, the suite's
 * emulators with an s3rver of the file's own, and the functions' logs and EMF kept off the
 * test output; after them, both undone. Call at the top of a describe block;
 * `stack.emulators` is set for the tests.
 */
export function useLocalStack(): { emulators: Emulators } {
  const stack = {} as { emulators: Emulators };
  let restore: (() => void) | undefined;
  beforeAll(async () => {
    restore = captureLambdaOutput({ onLog: () => undefined, onMetrics: () => undefined });
    stack.emulators = await connectEmulators();
  });
  afterAll(async () => {
    restore?.();
    await stack.emulators?.stop();
  });
  return stack;
}

/**
 * The set-up of a test file that drives adapters straight against DynamoDB Local: the
 * suite's emulators and a cases table of the file's own, with a document client on it.
 * Call at the top of a describe block; the fields are set for the tests.
 */
export function useCasesTable(): { emulators: Emulators; dynamo: DynamoDBDocumentClient; tableName: string } {
  const table = {} as { emulators: Emulators; dynamo: DynamoDBDocumentClient; tableName: string };
  beforeAll(async () => {
    table.emulators = await connectEmulators();
    table.dynamo = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(table.emulators.endpoints.dynamodb)));
    table.tableName = (await provisionLocalResources(table.emulators.endpoints, { suffix: uniqueSuffix() })).casesTable;
  });
  afterAll(async () => {
    table.dynamo?.destroy();
    await table.emulators?.stop();
  });
  return table;
}

export { tempDir } from './temp-dir';

export const SAMPLE_DROP = join(import.meta.dirname, '../fixtures/sample-drop');

/** A synthetic UC roster matching the sample drop's UC cases (tests/fixtures/sample-roster/README.md). */
export const SAMPLE_ROSTER = join(import.meta.dirname, '../fixtures/sample-roster/roster.csv');

/**
 * The run options every pipeline test shares: resource names and an ORR inbox of its own
 * (`suffix`), a fresh output folder and a short visibility timeout; `options` add the
 * drops and override the rest.
 */
export function pipelineTestOptions(suffix: string, options: Partial<LocalRunOptions> & Pick<LocalRunOptions, 'drops'>): LocalRunOptions {
  return {
    orrInbox: `orr${suffix}@example.gov`,
    mailFrom: 'docket-watch@example.gov',
    suffix,
    outDir: tempDir('out'),
    visibilityTimeoutSeconds: 2,
    ...options,
  };
}
