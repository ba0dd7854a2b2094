import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkLocalInputs } from '../../infra/local/inputs';
import { tempDir } from '../helpers/temp-dir';

/*
 * The checks `npm start` makes on its --drop, --roster and --return paths before it starts
 * anything, each case with its reason. tests/integration/start-bad-paths.test.ts runs
 * `npm start` itself once with bad paths of every kind: the reasons reach stderr, exit 2.
 */
describe('npm start: the paths it checks before it starts anything', () => {
  it('a --drop that does not exist', async () => {
    expect(await checkLocalInputs({ drops: ['/no/such/drop-folder'] })).toEqual(['--drop /no/such/drop-folder: no such file or folder']);
  });

  it('a --drop folder with no table and a --drop that is a single .csv file', async () => {
    const empty = tempDir('empty-drop');
    writeFileSync(join(empty, 'notes.md'), 'not a table\n');
    const single = join(tempDir('single'), 'A_TblCase.csv');
    writeFileSync(single, 'IDNCASE\n1\n');
    const problems = await checkLocalInputs({ drops: [empty, single] });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain(`--drop ${empty}: the folder holds no table`);
    expect(problems[1]).toContain(`--drop ${single}: not a folder or a .zip`);
  });

  it('a --roster that does not exist, is empty, or is not a roster (no A_NUMBER column)', async () => {
    const dir = tempDir('bad-roster');
    writeFileSync(join(dir, 'empty.csv'), '');
    writeFileSync(join(dir, 'people.csv'), 'NAME,ZIP\r\nAna,02134\r\n');
    for (const [file, message] of [
      [join(dir, 'missing.csv'), 'no such file'],
      [join(dir, 'empty.csv'), 'not a roster: TABLE_EMPTY'],
      [join(dir, 'people.csv'), 'not a roster: HEADER_MISSING_COLUMNS (A_NUMBER,'],
    ] as const) {
      const problems = await checkLocalInputs({ drops: [], roster: file });
      expect(problems, file).toHaveLength(1);
      expect(problems[0], file).toContain(`--roster ${file}: ${message}`);
    }
  });

  it('a --return that does not exist, is not a spreadsheet, or is not a work list: every one named with its own reason', async () => {
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
    const problems = await checkLocalInputs({ drops: [], returns: bad.map(([file]) => file) });
    expect(problems).toHaveLength(bad.length);
    bad.forEach(([file, message], i) => expect(problems[i], file).toContain(`--return ${file}: ${message}`));
    // A hang guard, not a time limit: the first --return check loads the workbook reader (exceljs).
  }, 60_000);

  it('paths that are there and hold a table pass', async () => {
    const drop = join(import.meta.dirname, '../fixtures/sample-drop');
    const roster = join(import.meta.dirname, '../fixtures/sample-roster/roster.csv');
    expect(await checkLocalInputs({ drops: [drop], roster })).toEqual([]);
  });
});
