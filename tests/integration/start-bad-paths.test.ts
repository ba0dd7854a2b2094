import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { LocalPipeline } from '../../infra/local/pipeline';
import { runLocalPipeline } from '../../infra/local/run';
import { connectEmulators, pipelineTestOptions, tempDir, uniqueSuffix } from '../helpers/local-stack';

const ROOT = join(import.meta.dirname, '../..');

/** `npm start` as a person runs it: the start script in a process of its own. */
function start(args: string[]) {
  const out = tempDir('start-out');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'infra/local/start.ts', '--out', out, '--state', join(out, 'state'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    // A guard against the old hang only; nothing here measures time.
    timeout: 200_000,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  return { status: r.status, signal: r.signal, stderr: r.stderr, stdout: r.stdout };
}

describe('npm start with a path that is not there or holds no table', () => {
  // One run with bad paths of every kind (each reason is checked case by case, in process, in
  // tests/unit/local-inputs.test.ts): a start of node and tsx per case would prove no more.
  it('names every bad --drop, --roster and --return with its reason, exits 2 at once, and starts nothing', () => {
    const dir = tempDir('bad-paths');
    const empty = join(dir, 'empty-drop');
    mkdirSync(empty);
    writeFileSync(join(empty, 'notes.md'), 'not a table\n');
    const single = join(dir, 'A_TblCase.csv');
    writeFileSync(single, 'IDNCASE\n1\n');
    writeFileSync(join(dir, 'people.csv'), 'NAME,ZIP\r\nAna,02134\r\n');
    writeFileSync(join(dir, 'broken.xlsx'), 'not a workbook');
    const bad = [
      ['--drop', '/no/such/drop-folder', 'no such file or folder'],
      ['--drop', empty, 'the folder holds no table'],
      ['--drop', single, 'not a folder or a .zip'],
      ['--roster', join(dir, 'people.csv'), 'not a roster: HEADER_MISSING_COLUMNS (A_NUMBER,'],
      ['--return', join(dir, 'missing.xlsx'), 'no such file'],
      ['--return', join(dir, 'broken.xlsx'), 'not a work list: WORKBOOK_UNREADABLE'],
    ] as const;
    const r = start(bad.flatMap(([option, path]) => [option, path]));
    expect(r.signal).toBeNull();
    expect(r.status, r.stderr).toBe(2);
    for (const [option, path, message] of bad) expect(r.stderr).toContain(`docket-watch: ${option} ${path}: ${message}`);
    expect(r.stderr).toContain('Nothing was started.');
    expect(r.stderr).not.toContain('starting the local AWS stack');
  });
});

describe('the local run when an input fails after the stack started', () => {
  it('stops its SQS pollers (they hold the emulators open), and the error reaches the caller', async () => {
    const emulators = await connectEmulators();
    const stop = vi.spyOn(LocalPipeline.prototype, 'stop');
    try {
      const run = runLocalPipeline(emulators, pipelineTestOptions(uniqueSuffix(), { drops: ['/no/such/drop-folder'] }));
      await expect(run).rejects.toThrow(/no\/such\/drop-folder/);
      expect(stop).toHaveBeenCalledTimes(1);
    } finally {
      stop.mockRestore();
      await emulators.stop();
    }
  });
});
