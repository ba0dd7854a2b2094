import { randomBytes } from 'node:crypto';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLambdaOutput } from '../../infra/local/capture-output';
import type { Emulators } from '../../infra/local/emulators';
import { runLocalPipeline, type LocalRunResult } from '../../infra/local/run';
import { generateDrop, type GeneratedDrop } from '../helpers/drop-generator';
import { connectEmulators, tempDir, uniqueSuffix } from '../helpers/local-stack';

/**
 * Bad input through the whole local pipeline: each broken drop is rejected with a clear
 * reason, and the good rows around it, the drops after it, and their FTAs go through.
 */
describe('bad input through the pipeline', () => {
  let emulators: Emulators;
  let restore: () => void;
  let run: LocalRunResult;
  const suffix = uniqueSuffix();
  const parent = tempDir('bad');
  const make = (seed: number, dropId: string, edit: (d: GeneratedDrop) => void): GeneratedDrop => {
    const drop = generateDrop({ seed, cases: 20, dropId, parent });
    edit(drop);
    return drop;
  };
  const proceedings = (d: GeneratedDrop) => join(d.folder, 'B_TblProceeding.csv');
  const drops = {
    empty: make(201, 'bad-empty', (d) => writeFileSync(proceedings(d), '')),
    binary: make(202, 'bad-binary', (d) => writeFileSync(proceedings(d), Buffer.concat([Buffer.from([0x50, 0x4b, 3, 4, 0]), randomBytes(200_000)]))),
    header: make(203, 'bad-header', (d) => {
      const [, ...rest] = readFileSync(proceedings(d), 'utf8').split('\r\n');
      writeFileSync(proceedings(d), ['CASE\tPROC\tWHEN', ...rest].join('\r\n'));
    }),
    longAndTruncated: make(204, 'bad-long-line', (d) => {
      const lines = readFileSync(proceedings(d), 'utf8').split('\r\n');
      lines.splice(5, 0, `9999999\t3408000\t${'x'.repeat(10 * 1024 * 1024)}`);
      writeFileSync(proceedings(d), lines.join('\r\n'));
      appendFileSync(proceedings(d), '9999998\t3408001\t2022-01-0');
    }),
    unknownTable: make(205, 'bad-unknown-table', (d) => writeFileSync(join(d.folder, 'tbl_Unknown.csv'), 'A\tB\r\n1\t2\r\n')),
    good: make(206, 'good-after-bad', () => undefined),
  };

  beforeAll(async () => {
    restore = captureLambdaOutput({ onLog: () => undefined, onMetrics: () => undefined });
    emulators = await connectEmulators();
    run = await runLocalPipeline(emulators, {
      drops: Object.values(drops).map((d) => d.folder),
      outDir: tempDir('bad-out'),
      orrInbox: `orr${suffix}@example.gov`,
      mailFrom: 'docket-watch@example.gov',
      suffix,
      visibilityTimeoutSeconds: 2,
    });
    await run.pipeline.stop();
  });

  afterAll(async () => {
    restore?.();
    await emulators?.stop();
  });

  const report = (d: GeneratedDrop) => run.summary.drops.find((r) => r.dropId === d.dropId);

  it.each([
    ['an empty file', 'empty', 'TABLE_EMPTY'],
    ['a binary file', 'binary', 'TABLE_NOT_TEXT'],
    ['a wrong header', 'header', 'HEADER_MISSING_COLUMNS'],
  ] as const)('rejects %s with %s and still reads the drop’s other tables', (_what, key, reason) => {
    const r = report(drops[key]);
    expect(r?.tables.B_TblProceeding?.tableRejection?.reason).toBe(reason);
    expect(r?.tables.tbl_JuvenileHistory).toMatchObject({ read: 20, rejected: 0 });
  });

  it('rejects a 10 MB line and a truncated last line, and keeps every other row and its FTAs', () => {
    const d = drops.longAndTruncated;
    expect(report(d)?.tables.B_TblProceeding).toEqual({
      read: d.expected.proceedingRows + 2,
      accepted: d.expected.proceedingRows,
      rejected: 2,
      rejectedByReason: { ROW_TOO_LONG: 1, ROW_MISSING_FIELDS: 1 },
    });
    expect(report(d)?.ftas.new).toBe(d.expected.ftas);
  });

  it('names a file that is no table it reads, and reads the rest of that drop', () => {
    const d = drops.unknownTable;
    expect(report(d)?.ignoredFiles).toEqual([{ file: `drops/${d.dropId}/tbl_Unknown.csv`, reason: 'UNKNOWN_TABLE' }]);
    expect(report(d)?.ftas.new).toBe(d.expected.ftas);
  });

  it('loses and blocks nothing: every FTA of the readable tables is emailed once, no failure, no dead letter', () => {
    const expected = [drops.longAndTruncated, drops.unknownTable, drops.good].flatMap((d) => d.expected.ftaIds).sort();
    expect(run.ftas.map((f) => f.ftaId).sort()).toEqual(expected);
    expect(run.emails).toHaveLength(expected.length);
    expect(run.summary.deadLetters).toEqual({ orrNotices: 0, ntaSchedule: 0, dropChunks: 0 });
    expect(run.pipeline.ingestFailures).toEqual([]);
  });
});
