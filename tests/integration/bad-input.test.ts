import { randomBytes } from 'node:crypto';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLambdaOutput } from '../../infra/local/capture-output';
import type { Emulators } from '../../infra/local/emulators';
import { runLocalPipeline, type LocalRunResult } from '../../infra/local/run';
import { EOIR_TABLES } from '../../shared/domain/eoir-table';
import { generateDrop, type GeneratedDrop } from '../helpers/drop-generator';
import { connectEmulators, pipelineTestOptions, SAMPLE_ROSTER, tempDir, uniqueSuffix } from '../helpers/local-stack';
import { makeZip } from '../helpers/zip';

/**
 * Bad input through the whole local pipeline: each broken drop (and a broken roster) is
 * rejected with a clear reason, and the good rows around it, the drops after it, and
 * their FTAs go through. What each drop should still yield comes from the generator's
 * ground truth: a rejected B_TblProceeding loses its in-absentia orders (IA-*) and
 * nothing else; a rejected tbl_schedule loses its no-shows (NS-*) and nothing else.
 */
describe('bad input through the pipeline', () => {
  let emulators: Emulators;
  let restore: () => void;
  let run: LocalRunResult;
  const suffix = uniqueSuffix();
  const parent = tempDir('bad');
  const make = (seed: number, dropId: string, edit: (d: GeneratedDrop) => void): GeneratedDrop => {
    const drop = generateDrop({ seed, cases: 12, dropId, parent });
    edit(drop);
    return drop;
  };
  const proceedings = (d: GeneratedDrop) => join(d.folder, 'B_TblProceeding.csv');
  const drops = {
    empty: make(201, 'bad-empty', (d) => writeFileSync(proceedings(d), '')),
    binary: make(212, 'bad-binary', (d) => writeFileSync(proceedings(d), Buffer.concat([Buffer.from([0x50, 0x4b, 3, 4, 0]), randomBytes(200_000)]))),
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
    zip: make(207, 'bad-zip', () => undefined),
    good: make(206, 'good-after-bad', () => undefined),
  };
  const ids = (d: GeneratedDrop, kind?: 'IA' | 'NS') => d.expected.ftaIds.filter((id) => kind === undefined || id.startsWith(`${kind}-`));
  /** A zip drop whose tbl_schedule is a zip bomb and which carries an entry outside the drop. */
  const zipPath = join(parent, 'bad-zip.zip');
  /** The sample roster with two invalid A-numbers and one 100 KB line. */
  const rosterPath = join(parent, 'bad-roster.csv');
  const rosterDataRows = readFileSync(SAMPLE_ROSTER, 'utf8').trimEnd().split('\n').length - 1;

  beforeAll(async () => {
    const files = EOIR_TABLES.filter((t) => t !== 'tbl_schedule').map((t) => ({ name: `EOIR Case Data/${t}.csv`, data: readFileSync(join(drops.zip.folder, `${t}.csv`)) }));
    writeFileSync(
      zipPath,
      makeZip([
        ...files,
        // 8 MB of zeros deflate to a few KB: a ratio no text table has.
        { name: 'EOIR Case Data/tbl_schedule.csv', data: Buffer.alloc(8 * 1024 * 1024) },
        { name: '../../etc/cron.d/docket-watch', data: Buffer.from('* * * * * root true\n') },
      ]),
    );
    const roster = readFileSync(SAMPLE_ROSTER, 'utf8').trimEnd().split('\n');
    // The first two rows are valid UCs (201000010, 201000011); break their A-numbers.
    roster[1] = roster[1]!.replace(/^201000010,/, '12345,');
    roster[2] = roster[2]!.replace(/^201000011,/, 'A-20100,');
    roster.push(`201009999,${'y'.repeat(100 * 1024)},Sample,2008-01-15,GT,2022-03-01,2022-04-15,SPONSOR,S,PARENT,1 St,Houston,TX,77002,HOU,,`);
    writeFileSync(rosterPath, roster.join('\n') + '\n');

    restore = captureLambdaOutput({ onLog: () => undefined, onMetrics: () => undefined });
    emulators = await connectEmulators();
    const broken = [drops.empty, drops.binary, drops.header, drops.longAndTruncated, drops.unknownTable];
    run = await runLocalPipeline(emulators, pipelineTestOptions(suffix, {
      drops: [...broken.map((d) => d.folder), zipPath, drops.good.folder],
      roster: rosterPath,
      outDir: tempDir('bad-out'),
    }));
    await run.pipeline.stop();
  });

  afterAll(async () => {
    restore?.();
    await emulators?.stop();
  });

  const report = (d: GeneratedDrop) => run.summary.drops.find((r) => r.dropId === d.dropId);
  /** The FTAs of this drop's cases the store holds after the run. */
  const storedFtas = (d: GeneratedDrop) => run.ftas.map((f) => f.ftaId).filter((id) => d.expected.ftaIds.includes(id)).sort();

  it.each([
    ['an empty file', 'empty', 'TABLE_EMPTY'],
    ['a binary file', 'binary', 'TABLE_NOT_TEXT'],
    ['a wrong header', 'header', 'HEADER_MISSING_COLUMNS'],
  ] as const)('rejects %s with %s and still reads the drop’s other tables and their FTAs', (_what, key, reason) => {
    const d = drops[key];
    const r = report(d);
    expect(r?.tables.B_TblProceeding).toMatchObject({ read: 0, tableRejection: { reason } });
    expect(r?.tables.B_TblProceeding?.tableRejection?.detail).toMatch(/B_TblProceeding/);
    expect(r?.tables.tbl_JuvenileHistory).toMatchObject({ read: d.expected.juvenileRows, rejected: 0 });
    expect(r?.tables.tbl_schedule).toMatchObject({ read: d.expected.scheduleRows, rejected: 0 });
    // Only the unreadable table's FTAs are missing: the no-shows of the schedule are all there.
    expect(ids(d, 'NS').length).toBeGreaterThan(0);
    expect(r?.ftas.new).toBe(ids(d, 'NS').length);
    expect(storedFtas(d)).toEqual(ids(d, 'NS').sort());
  });

  it('rejects a 10 MB line and a truncated last line, and keeps every other row and its FTAs', () => {
    const d = drops.longAndTruncated;
    expect(report(d)?.tables.B_TblProceeding).toEqual({
      read: d.expected.proceedingRows + 2,
      accepted: d.expected.proceedingRows,
      rejected: 2,
      rejectedByReason: { ROW_TOO_LONG: 1, ROW_MISSING_FIELDS: 1 },
    });
    expect(report(d)?.quarantine?.some((k) => k.startsWith(`quarantine/${d.dropId}/B_TblProceeding/`))).toBe(true);
    expect(report(d)?.ftas.new).toBe(d.expected.ftas);
    expect(storedFtas(d)).toEqual(ids(d).sort());
  });

  it('names a file that is no table it reads, and reads the rest of that drop', () => {
    const d = drops.unknownTable;
    expect(report(d)?.ignoredFiles).toEqual([{ file: `drops/${d.dropId}/tbl_Unknown.csv`, reason: 'UNKNOWN_TABLE' }]);
    expect(report(d)?.ftas.new).toBe(d.expected.ftas);
  });

  it('refuses a zip bomb entry and an entry outside the drop, and reads the zip’s other tables', () => {
    const d = drops.zip;
    const r = report(d);
    expect(r?.tables.tbl_schedule?.tableRejection).toMatchObject({ reason: 'ENTRY_UNSAFE', detail: expect.stringMatching(/zip bomb/) });
    expect(r?.ignoredFiles).toEqual([{ file: '../../etc/cron.d/docket-watch', reason: 'ENTRY_UNSAFE' }]);
    expect(r?.tables.B_TblProceeding).toMatchObject({ read: d.expected.proceedingRows, rejected: 0 });
    expect(r?.ftas.new).toBe(ids(d, 'IA').length);
    expect(storedFtas(d)).toEqual(ids(d, 'IA').sort());
  });

  it('rejects roster rows with invalid A-numbers and a 100 KB line, and keeps the others', () => {
    const [roster] = run.summary.rosters ?? [];
    // The sample roster's own 4 rejected rows, one per reason (tests/fixtures/sample-roster/README.md), plus ours.
    const sample = { A_NUMBER_INVALID: 1, AOR_INVALID: 1, DATE_INVALID: 1, A_NUMBER_DUPLICATE: 1 };
    expect(roster?.rows).toEqual({
      read: rosterDataRows + 1,
      accepted: rosterDataRows - 4 - 2,
      rejected: 4 + 3,
      rejectedByReason: { ...sample, A_NUMBER_INVALID: sample.A_NUMBER_INVALID + 2, ROW_TOO_LONG: 1 },
    });
  });

  it('loses and blocks nothing: every FTA of the readable tables is emailed once, no failure, no dead letter', () => {
    const expected = [
      ...[drops.empty, drops.binary, drops.header].flatMap((d) => ids(d, 'NS')),
      ...ids(drops.zip, 'IA'),
      ...[drops.longAndTruncated, drops.unknownTable, drops.good].flatMap((d) => ids(d)),
    ].sort();
    expect(run.ftas.map((f) => f.ftaId).sort()).toEqual(expected);
    expect(run.emails).toHaveLength(expected.length);
    expect(run.summary.deadLetters).toEqual({ orrNotices: 0, ntaSchedule: 0, dropChunks: 0 });
    expect(run.pipeline.ingestFailures).toEqual([]);
    // Every table read is accounted for, row by row.
    for (const r of run.summary.drops) for (const t of Object.values(r.tables)) expect(t.accepted + t.rejected).toBe(t.read);
  });
});
