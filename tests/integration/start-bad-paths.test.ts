import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
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
  it('a --drop that does not exist: a clear error, exit 2, nothing started', () => {
    const r = start(['--drop', '/no/such/drop-folder']);
    expect(r.signal).toBeNull();
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--drop /no/such/drop-folder: no such file or folder');
    expect(r.stderr).not.toContain('starting the local AWS stack');
  });

  it('a --drop folder with no table and a --drop that is a single .csv file', () => {
    const empty = tempDir('empty-drop');
    writeFileSync(join(empty, 'notes.md'), 'not a table\n');
    const single = join(tempDir('single'), 'A_TblCase.csv');
    writeFileSync(single, 'IDNCASE\n1\n');
    const r = start(['--drop', empty, '--drop', single]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`--drop ${empty}: the folder holds no table`);
    expect(r.stderr).toContain(`--drop ${single}: not a folder or a .zip`);
  });

  it('a --roster that does not exist, is empty, or is not a roster (no A_NUMBER column)', () => {
    const dir = tempDir('bad-roster');
    writeFileSync(join(dir, 'empty.csv'), '');
    writeFileSync(join(dir, 'people.csv'), 'NAME,ZIP\r\nAna,02134\r\n');
    for (const [file, message] of [
      [join(dir, 'missing.csv'), 'no such file'],
      [join(dir, 'empty.csv'), 'not a roster: TABLE_EMPTY'],
      [join(dir, 'people.csv'), 'not a roster: HEADER_MISSING_COLUMNS (A_NUMBER,'],
    ] as const) {
      const r = start(['--roster', file]);
      expect(r.status, file).toBe(2);
      expect(r.stderr).toContain(`--roster ${file}: ${message}`);
    }
  });
  it('a --return that does not exist, is not a spreadsheet, or is not a work list', () => {
    const dir = tempDir('bad-return');
    writeFileSync(join(dir, 'notes.txt'), 'NTA served today\n');
    writeFileSync(join(dir, 'budget.csv'), 'ITEM,COST\r\nfuel,12\r\n');
    writeFileSync(join(dir, 'broken.xlsx'), 'not a workbook');
    const bad = [
      [join(dir, 'missing.xlsx'), 'no such file'],
      [join(dir, 'notes.txt'), 'not a .xlsx or .csv file'],
      [join(dir, 'budget.csv'), 'not a work list: HEADER_MISSING_COLUMNS'],
      [join(dir, 'broken.xlsx'), 'not a work list: WORKBOOK_UNREADABLE'],
    ] as const;
    // --return repeats: one run names every bad one with its own reason.
    const r = start(bad.flatMap(([file]) => ['--return', file]));
    expect(r.status).toBe(2);
    for (const [file, message] of bad) expect(r.stderr, file).toContain(`--return ${file}: ${message}`);
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
