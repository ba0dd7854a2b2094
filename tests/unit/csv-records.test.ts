import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvRecords, sniffText, type CsvRecord } from '../../shared/formats/csv-records';

const CASES = join(import.meta.dirname, '../fixtures/cases');
const caseFile = (name: string): Buffer => readFileSync(join(CASES, name, 'roster.csv'));

/** The bytes in small chunks, so a record, a CRLF or a UTF-8 sequence falls across two of them. */
async function* chunks(bytes: Uint8Array, size = 7): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function readAll(bytes: Uint8Array): Promise<{ encoding: string; records: CsvRecord[] }> {
  const sniff = await sniffText(chunks(bytes));
  if (!sniff.ok) throw new Error(sniff.reason);
  const records: CsvRecord[] = [];
  for await (const r of csvRecords(chunks(bytes), sniff.encoding)) records.push(r);
  return { encoding: sniff.encoding, records };
}

const fieldsOf = (r: CsvRecord | undefined): readonly string[] => (r?.ok ? r.fields : []);

describe('reading CSV as spreadsheets write it (csv-parse)', () => {
  it('keeps a line break inside a quoted field in the field, one record, and numbers lines as a text editor does (c10)', async () => {
    const { records } = await readAll(caseFile('c10-roster-line-break-in-quotes'));
    expect(records.map((r) => r.line)).toEqual([1, 2, 3, 5]);
    expect(records.every((r) => r.ok)).toBe(true);
    expect(fieldsOf(records[2])[10]).toBe('12 Example Ave\nApt 3');
    expect(fieldsOf(records[2])[14]).toBe('NYC');
  });

  it('reads CR-only line ends (Excel for Mac) as lines (c11)', async () => {
    const { records } = await readAll(caseFile('c11-roster-cr-line-ends'));
    expect(records.map((r) => [r.line, fieldsOf(r)[0]])).toEqual([[1, 'A_NUMBER'], [2, '201000101'], [3, '201000102'], [4, '201000103']]);
  });

  it('reads rows that omit their trailing empty fields (c12)', async () => {
    const { records } = await readAll(caseFile('c12-roster-short-rows'));
    expect(records.map((r) => fieldsOf(r).length)).toEqual([17, 17, 15, 15]);
    expect(fieldsOf(records[3])[14]).toBe('MIA');
  });

  it('detects Windows-1252 (not valid UTF-8) and decodes it (c13)', async () => {
    const { encoding, records } = await readAll(caseFile('c13-roster-windows-1252'));
    expect(encoding).toBe('WINDOWS-1252');
    expect(fieldsOf(records[1])[2]).toBe('Muñoz');
    expect(fieldsOf(records[3])[8]).toBe('Eva Peña');
  });

  it('reads UTF-8 with a BOM as UTF-8, the BOM gone, a multi-byte letter split across chunks intact', async () => {
    const { encoding, records } = await readAll(Buffer.from('\uFEFFA_NUMBER,LAST_NAME\r\n201000101,Muñoz Peña\r\n', 'utf8'));
    expect(encoding).toBe('UTF-8');
    expect(records.map(fieldsOf)).toEqual([['A_NUMBER', 'LAST_NAME'], ['201000101', 'Muñoz Peña']]);
  });

  it('numbers lines right after a CRLF inside quotes, blank lines and a CR-only file with quoted CRs', async () => {
    const crlf = await readAll(Buffer.from('A,B\r\n1,"x\r\ny"\r\n\r\n2,3\r\n'));
    expect(crlf.records.map((r) => r.line)).toEqual([1, 2, 5]);
    expect(fieldsOf(crlf.records[1])[1]).toBe('x\r\ny');
    const cr = await readAll(Buffer.from('A,B\r1,"x\ry"\r2,3\r\r4,5\r'));
    expect(cr.records.map((r) => r.line)).toEqual([1, 2, 4, 6]);
  });

  it('keeps a stray quote inside an unquoted field as it is (relax_quotes)', async () => {
    const { records } = await readAll(Buffer.from('A,B\n3,12 "B" St\n'));
    expect(records.map(fieldsOf)).toEqual([['A', 'B'], ['3', '12 "B" St']]);
  });

  it('reports a quote never closed as one unreadable record at the line it starts, after the rows before it', async () => {
    const { records } = await readAll(Buffer.from('A,B\n1,2\n3,"x\n4,5\n'));
    expect(records.map((r) => (r.ok ? ['ok', r.line, r.fields.join('|')] : [r.reason, r.line]))).toEqual([
      ['ok', 1, 'A|B'],
      ['ok', 2, '1|2'],
      ['ROW_MALFORMED_QUOTES', 3],
    ]);
  });

  it('refuses what is not a text table: empty, blank, NUL bytes (a workbook), UTF-16', async () => {
    expect(await sniffText(chunks(Buffer.alloc(0)))).toMatchObject({ ok: false, reason: 'TABLE_EMPTY' });
    expect(await sniffText(chunks(Buffer.from('\r\n\r\n  \n')))).toMatchObject({ ok: false, reason: 'TABLE_EMPTY' });
    expect(await sniffText(chunks(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00])))).toMatchObject({ ok: false, reason: 'TABLE_NOT_TEXT' });
    expect(await sniffText(chunks(Buffer.from('\uFEFFA_NUMBER\r\n', 'utf16le')))).toMatchObject({ ok: false, reason: 'TABLE_NOT_TEXT', detail: expect.stringContaining('UTF-16') });
  });
});
