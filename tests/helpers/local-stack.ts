import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { startEmulators, type Emulators } from '../../infra/local/emulators';

/** A unique suffix for one test's resource names and addresses. */
export const uniqueSuffix = (): string => `-${randomBytes(4).toString('hex')}`;

/** The suite's shared emulators plus an in-process s3rver for this test file. */
export async function connectEmulators(): Promise<Emulators> {
  return startEmulators({ running: inject('emulators') });
}

export const tempDir = (prefix: string): string => mkdtempSync(join(tmpdir(), `docket-watch-${prefix}-`));

export const SAMPLE_DROP = join(import.meta.dirname, '../fixtures/sample-drop');

/** A synthetic UC roster matching the sample drop's UC cases (tests/fixtures/sample-roster/README.md). */
export const SAMPLE_ROSTER = join(import.meta.dirname, '../fixtures/sample-roster/roster.csv');
