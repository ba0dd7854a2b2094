import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CASE_TABLE, normalizeANumber, normalizeZip } from '../../shared/domain/case';
import { checkCount, parseCountFile } from '../../shared/domain/count-file';
import { mapColumns, readTableHeader } from '../../shared/domain/eoir-table-header';
import { openEoirTable } from '../../shared/domain/open-eoir-table';
import { parseTableRange, SCAN_BATCH_BYTES } from '../../shared/domain/eoir-table-rows';
import { planByteRanges, fetchStartFor, type ParsedRow } from '../../shared/domain/eoir-table';
import { withdrawsOrder } from '../../shared/domain/fta-signal';
import { PROCEEDING_TABLE, readAbsentia, type ProceedingRow } from '../../shared/domain/proceeding';
import { detectNoShow, hearingOutcome, SCHEDULE_TABLE } from '../../shared/domain/schedule';
import { unsafeEntryReason } from '../../shared/adapters/zip-drop';
import { rowOffsets } from '../helpers/row-oracle';

const CASE_HEADER = 'IDNCASE\tALIEN_CITY\tALIEN_STATE\tALIEN_ZIPCODE\tLATEST_HEARING\tCASEPRIORITY_CODE\r\n';
const SCHED_HEADER = 'IDNSCHEDULE\tIDNPROCEEDING\tIDNCASE\tBASE_CITY_CODE\tCAL_TYPE\tADJ_DATE\tADJ_RSN\tADJ_MEDIUM\r\n';

async function* once(text: string | Buffer): AsyncGenerator<Uint8Array> {
  yield typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
}

async function all<T>(rows: AsyncIterable<ParsedRow<T>>): Promise<ParsedRow<T>[]> {
  const out: ParsedRow<T>[] = [];
  for await (const r of rows) out.push(r);
  return out;
}

async function readCases(body: string): Promise<ParsedRow<unknown>[]> {
  const opened = await openEoirTable(once(CASE_HEADER + body), CASE_TABLE);
  if (!opened.ok) throw new Error(opened.detail);
  return all(opened.rows);
}

describe('stray-tab repair', () => {
  it('repairs a TAB inside ALIEN_CITY when only one reading fits the column shapes', async () => {
    const [row] = await readCases('100\tSAN\tANTONIO\tTX\t78201\t2024-01-02 00:00:00.000\tUC\r\n');
    expect(row?.repaired).toBe(true);
    expect(row?.result).toMatchObject({ ok: true, value: { caseId: '100', ucPriority: true, address: { city: 'SAN ANTONIO', state: 'TX', zip: '78201' } } });
  });

  it('repairs an extra empty field when only one position fits', async () => {
    const [row] = await readCases('101\tHOUSTON\tTX\t77002\t\t2024-01-02 00:00:00.000\tUC\r\n');
    expect(row?.repaired).toBe(true);
    expect(row?.result).toMatchObject({ ok: true, value: { address: { zip: '77002' } } });
  });

  it('rejects a shifted row when two readings fit, and keeps its bytes for quarantine', async () => {
    // City "HOUSTON TX" with no state, or an extra TAB before the ZIP: the rule does not guess.
    const [row] = await readCases('102\tHOUSTON\tTX\t\t77002\t2024-01-02 00:00:00.000\tUC\r\n');
    expect(row?.result).toEqual({ ok: false, reason: 'ROW_EXTRA_FIELDS' });
    expect(row?.raw?.toString('latin1')).toBe('102\tHOUSTON\tTX\t\t77002\t2024-01-02 00:00:00.000\tUC');
  });

  it('rejects a row with two stray tabs', async () => {
    const [row] = await readCases('103\tA\tB\tC\tTX\t77002\t\tUC\r\n');
    expect(row?.result).toEqual({ ok: false, reason: 'ROW_EXTRA_FIELDS' });
  });
});

describe('A_TblCase', () => {
  it('marks CASEPRIORITY_CODE UC (padded, any case) and nothing else', async () => {
    const rows = await readCases('1\tX\tTX\t77002\t\t uc \r\n2\tX\tTX\t77002\t\tN/A\r\n3\tX\tTX\t77002\t\tAWC/ATD\r\n');
    expect(rows.map((r) => (r.result.ok ? (r.result.value as { ucPriority: boolean }).ucPriority : null))).toEqual([true, false, false]);
  });

  it('maps identity columns when the DOJ-to-DHS feed carries them, and works without', async () => {
    const header = 'ALIEN_NBR\tIDNCASE\tALIEN_CITY\tALIEN_STATE\tALIEN_ZIPCODE\tCASEPRIORITY_CODE\tALIEN_STREET\r\n';
    const opened = await openEoirTable(once(`${header}12345678\t7\tMIAMI\tFL\t33101-1234\tUC\t1 MAIN ST\r\n`), CASE_TABLE);
    if (!opened.ok) throw new Error('header');
    const [row] = await all(opened.rows);
    expect(row?.result).toMatchObject({ ok: true, value: { aNumber: '012345678', address: { street: '1 MAIN ST', zip: '33101' } } });
  });

  it('normalizes ZIPs and A-numbers the way the field offices file them', () => {
    expect(normalizeZip('2134')).toBe('02134');
    expect(normalizeZip('77002-1234')).toBe('77002');
    expect(normalizeZip('ABC')).toBeNull();
    expect(normalizeANumber('A012-345-678')).toBe('012345678');
    expect(normalizeANumber('12')).toBeNull();
  });
});

describe('tbl_schedule', () => {
  const s = (rsn: string | null, medium: string | null) => hearingOutcome(rsn, medium);
  it('tells a no-show, a hearing not held, a documented appearance and a scheduled hearing apart', () => {
    expect(s('11', 'P')).toBe('NO_SHOW');
    expect(s('09', 'P')).toBe('NOT_HELD');
    expect(s('10', null)).toBe('NOT_HELD');
    expect(s('33', 'V')).toBe('NOT_HELD');
    expect(s('01', 'H')).toBe('NOT_HELD');
    expect(s('8B', 'P')).toBe('APPEARED');
    expect(s(null, null)).toBe('SCHEDULED');
  });

  it('detects a NO_SHOW_ADJOURNMENT on ADJ_RSN 11 only, dated by ADJ_DATE', async () => {
    const body = ['1\t10\t100\tHOU\tM\t2025-01-03 00:00:00.000\t11 \tp', '2\t10\t100\tHOU\tM\t2025-01-04 00:00:00.000\t09\tP', '3\t10\t100\tHOU\tM\t2025-01-05 00:00:00.000\t33\tP'];
    const opened = await openEoirTable(once(`${SCHED_HEADER}${body.join('\n')}\n`), SCHEDULE_TABLE);
    if (!opened.ok) throw new Error('header');
    const rows = await all(opened.rows);
    const found = rows.map((r) => (r.result.ok ? detectNoShow(r.result.value, { dropId: 'd', table: 'tbl_schedule', lineNumber: r.lineNumber }) : null));
    expect(found[0]).toMatchObject({ kind: 'fta', fta: { ftaId: 'NS-1', kind: 'NO_SHOW_ADJOURNMENT', date: '2025-01-03', aor: 'HOU', scheduleId: '1' } });
    expect(rows[0]?.result).toMatchObject({ ok: true, value: { medium: 'P', outcome: 'NO_SHOW' } });
    expect(found.slice(1).map((f) => f?.kind)).toEqual(['none', 'none']);
  });
});

describe('which proceeding rows withdraw an order', () => {
  const proc = (over: Partial<ProceedingRow>): ProceedingRow => ({
    proceedingId: '10', caseId: '100', court: 'HOU', caseType: 'RMV', decisionCode: 'X', inAbsentia: true, absentia: 'ORDER',
    hearingDate: null, completionDate: '2025-01-03', ntaDate: '2022-01-01', ...over,
  });
  it('withdraws on ABSENTIA N or empty, as read from the file', () => {
    expect(withdrawsOrder(proc({ inAbsentia: false, absentia: readAbsentia(' n ') }))).toBe(true);
    expect(withdrawsOrder(proc({ inAbsentia: false, absentia: readAbsentia('') }))).toBe(true);
    expect(withdrawsOrder(proc({}))).toBe(false);
  });
  it('leaves an order as it is when ABSENTIA holds a value that is neither Y nor N', () => {
    expect(withdrawsOrder(proc({ inAbsentia: false, absentia: readAbsentia('2025-01-03 00:00:00.000') }))).toBe(false);
  });
});

describe('Count.txt', () => {
  it('reads table counts (tab or pipe, CRLF, padded, thousands separators) and ignores other lines', () => {
    const counts = parseCountFile(Buffer.from('A_TblCase\t22\r\nb_tblproceeding | 1,023\r\nD_TblAssociatedBond\t5\r\njunk\r\n'));
    expect(counts).toEqual({ A_TblCase: 22, B_TblProceeding: 1023 });
    expect(checkCount(22, 21)).toEqual({ expected: 22, read: 21, matches: false });
  });
});

describe('zip entries', () => {
  it('refuses entry paths outside the drop and zip-bomb ratios', () => {
    expect(unsafeEntryReason({ fileName: '../A_TblCase.csv', uncompressedSize: 10, compressedSize: 10 })).toMatch(/outside/);
    expect(unsafeEntryReason({ fileName: '/etc/tbl_schedule.csv', uncompressedSize: 10, compressedSize: 10 })).toMatch(/outside/);
    expect(unsafeEntryReason({ fileName: 'Data/tbl_schedule.csv', uncompressedSize: 5e9, compressedSize: 1e6 })).toMatch(/bomb/);
    expect(unsafeEntryReason({ fileName: 'EOIR Case Data/tbl_schedule.csv', uncompressedSize: 5e8, compressedSize: 5e7 })).toBeNull();
  });
});

describe('byte-range chunks', () => {
  it('the independent row counter finds the rows a reader sees', () => {
    const bytes = Buffer.from('H1\tH2\r\n1\t2\r\n\r\n\n2\t\u00e9\n\r\r\n3', 'utf8');
    expect(rowOffsets(bytes)).toEqual([7, 15, 20, 23]);
  });

  const line = fc.array(fc.constantFrom('1', '2', 'Y', 'N', ' ', 'HOU', '\t', '\r', 'é'), { maxLength: 12 }).map((p) => p.join(''));
  it('count every row exactly once, at the same offsets as a whole read, whatever the chunk and scan batch sizes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 40 }), fc.integer({ min: 1, max: 200 }), fc.constantFrom(1, 7, 50, SCAN_BATCH_BYTES), fc.boolean(), async (lines, chunkBytes, batchBytes, crlf) => {
        const header = 'IDNPROCEEDING\tIDNCASE\tOSC_DATE\tBASE_CITY_CODE\tCASE_TYPE\tDEC_CODE\tABSENTIA\tHEARING_DATE\tCOMP_DATE';
        const eol = crlf ? '\r\n' : '\n';
        const bytes = Buffer.from(header + eol + lines.join(eol), 'utf8');
        const head = await readTableHeader(once(bytes), 'B_TblProceeding');
        if (!head.ok) throw new Error('header');
        const mapped = mapColumns(head.header, PROCEEDING_TABLE);
        if (!mapped.ok) throw new Error('columns');
        const offsets = async (start: number, end: number): Promise<number[]> => {
          const out: number[] = [];
          async function* from(at: number): AsyncGenerator<Uint8Array> {
            for (let i = at; i < bytes.length; i += 7) yield bytes.subarray(i, i + 7);
          }
          for await (const batch of parseTableRange(from(fetchStartFor({ start, end })), head.header, mapped.indexes, PROCEEDING_TABLE, { start, end }, undefined, batchBytes)) {
            out.push(...batch.map((r) => r.byteOffset));
          }
          return out;
        };
        const whole = await offsets(0, Number.POSITIVE_INFINITY);
        const parts: number[] = [];
        for (const r of planByteRanges(bytes.length, chunkBytes)) parts.push(...(await offsets(r.start, r.end)));
        // The oracle is not the parser: the lines of the bytes, counted apart.
        expect(whole).toEqual(rowOffsets(bytes));
        expect(parts).toEqual(whole);
      }),
      { numRuns: 200 },
    );
  });
});
