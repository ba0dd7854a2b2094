import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A fresh folder under the OS temp dir, `docket-watch-<prefix>-XXXXXX`. In a module of its own
 * so that unit tests and generators using it do not load the local stack (s3rver, the SDK).
 */
export const tempDir = (prefix: string): string => mkdtempSync(join(tmpdir(), `docket-watch-${prefix}-`));
