import { describe, expect, it } from 'vitest';
import { workListCsv, workListXlsx } from '../../shared/formats/work-list-files';
import { WORK_LIST_COLUMNS, workListRows } from '../../shared/domain/work-list';
import { columnLetter, excelSerialToIso, readXlsxSheet } from '../helpers/xlsx-xml';

const HYPERLINK = '=HYPERLINK("http://evil.example/x","click")';
const rows = workListRows([
  {
    aNumber: '012345678', aor: 'BOS', plannedDate: '2026-03-02', rank: 1,
    fields: {
      LAST_NAME: 'Muñoz', FIRST_NAME: 'Ana', BIRTH_DATE: '2010-02-03', COUNTRY: 'GT', ORR_RELEASE_DATE: '2023-02-01',
      PRIOR_FTA: 'N', SAFETY_FLAG: 'Y', SPONSOR_NAME: HYPERLINK, SPONSOR_RELATIONSHIP: 'AUNT',
      SPONSOR_STREET: '12 Example Ave\nApt 3', SPONSOR_CITY: 'Boston', SPONSOR_STATE: 'MA', SPONSOR_ZIP: '02134',
    },
  },
  {
    aNumber: '201000102', aor: 'BOS', plannedDate: '2026-03-02', rank: 2,
    fields: { LAST_NAME: 'Sample', SPONSOR_NAME: '+1 555 0100', SPONSOR_ZIP: '01002-0001' },
  },
]);
const col = (name: (typeof WORK_LIST_COLUMNS)[number]): string => columnLetter(WORK_LIST_COLUMNS.indexOf(name) + 1);

describe('work list as .xlsx, read back from its sheet XML (not with exceljs)', () => {
  it('keeps A-number 012345678 and ZIP 02134 as text cells formatted as text', async () => {
    const sheet = await readXlsxSheet(await workListXlsx(rows, 'BOS 2026-03-02'));
    for (const ref of [`${col('A_NUMBER')}2`, `${col('SPONSOR_ZIP')}2`]) {
      expect(sheet.cells.get(ref)).toMatchObject({ type: 's', numFmt: '@' });
    }
    expect(sheet.cells.get(`${col('A_NUMBER')}2`)?.value).toBe('012345678');
    expect(sheet.cells.get(`${col('SPONSOR_ZIP')}2`)?.value).toBe('02134');
    expect(sheet.cells.get(`${col('SPONSOR_ZIP')}3`)?.value).toBe('01002-0001');
    // An outcome column the office types into later is text-formatted too.
    expect(sheet.cells.get(`${col('VERIFIED_ZIP')}1`)?.value).toBe('VERIFIED_ZIP');
    expect(sheet.sheetXml).toMatch(new RegExp(`<col min="${WORK_LIST_COLUMNS.indexOf('VERIFIED_ZIP') + 1}"[^>]*style="\\d+"`));
  });

  it('writes a sponsor name that starts with = as a string, never a formula', async () => {
    const sheet = await readXlsxSheet(await workListXlsx(rows, 'BOS'));
    expect(sheet.cells.get(`${col('SPONSOR_NAME')}2`)).toMatchObject({ type: 's', value: HYPERLINK, formula: undefined });
    expect(sheet.cells.get(`${col('SPONSOR_NAME')}3`)).toMatchObject({ type: 's', value: '+1 555 0100' });
    expect(sheet.sheetXml).not.toContain('<f>');
  });

  it('writes dates as date cells and the rank as a number', async () => {
    const sheet = await readXlsxSheet(await workListXlsx(rows, 'BOS'));
    const planned = sheet.cells.get(`${col('PLANNED_DATE')}2`)!;
    expect(planned.type).toBeUndefined();
    expect(planned.numFmt).toBe('yyyy-mm-dd');
    expect(excelSerialToIso(planned.value)).toBe('2026-03-02');
    expect(excelSerialToIso(sheet.cells.get(`${col('BIRTH_DATE')}2`)!.value)).toBe('2010-02-03');
    expect(sheet.cells.get(`${col('RANK')}3`)).toMatchObject({ type: undefined, value: '2' });
  });

  it('has a header row, frozen, with filters over every column, and the outcome columns empty', async () => {
    const sheet = await readXlsxSheet(await workListXlsx(rows, 'BOS'));
    expect(WORK_LIST_COLUMNS.map((c, i) => sheet.cells.get(`${columnLetter(i + 1)}1`)?.value)).toEqual([...WORK_LIST_COLUMNS]);
    expect(sheet.frozenRows).toBe(1);
    expect(sheet.autoFilter).toBe(`A1:${columnLetter(WORK_LIST_COLUMNS.length)}1`);
    expect(sheet.cells.get(`${col('NTA_SERVED_DATE')}2`)?.value ?? '').toBe('');
  });
});

describe('work list as .csv', () => {
  it('is RFC 4180 with CRLF, keeps 012345678 and 02134 as written, and quotes a line break', () => {
    const csv = workListCsv(rows);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(WORK_LIST_COLUMNS.join(','));
    expect(lines[1]).toMatch(/^2026-03-02,BOS,1,012345678,Muñoz,Ana,/);
    expect(csv).toContain(',"12 Example Ave\nApt 3",Boston,MA,02134,');
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('escapes cells that start with = or + so a spreadsheet shows them as text', () => {
    const csv = workListCsv(rows);
    expect(csv).toContain(`,"'=HYPERLINK(""http://evil.example/x"",""click"")",AUNT,`);
    expect(csv).toContain(",'+1 555 0100,");
    expect(csv).not.toMatch(/,=HYPERLINK/);
  });
});
