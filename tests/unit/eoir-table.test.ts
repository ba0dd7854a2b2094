import { describe, expect, it } from 'vitest';
import { openEoirTable } from '../../shared/domain/open-eoir-table';
import { tableForFileName, unreadFileReason, type ParsedRow } from '../../shared/domain/eoir-table';
import { JUVENILE_HISTORY_TABLE, type JuvenileHistoryRow } from '../../shared/domain/juvenile';
import { PROCEEDING_TABLE } from '../../shared/domain/proceeding';

async function* bytes(text: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(text, 'latin1');
}

async function rows<T>(iter: AsyncIterable<ParsedRow<T>>): Promise<ParsedRow<T>[]> {
  const out: ParsedRow<T>[] = [];
  for await (const r of iter) out.push(r);
  return out;
}

describe('openEoirTable', () => {
  it('maps columns by header name, whatever their order and case, ignoring added columns', async () => {
    const text = 'DATCREATEDON\tNEW_COL\tidnJuvenile\tIDNCASE\tidnProceeding\tidnJuvenileHistory\r\n2014-09-06\tz\t4\t9431124\t9329338\t5\r\n';
    const opened = await openEoirTable(bytes(text), JUVENILE_HISTORY_TABLE);
    expect(opened.ok).toBe(true);
    if (!opened.ok) return;
    const [row] = await rows(opened.rows);
    expect(row?.result).toEqual({
      ok: true,
      value: { historyId: '5', caseId: '9431124', proceedingId: '9329338', idnJuvenile: 4 } satisfies JuvenileHistoryRow,
    });
    expect(row?.lineNumber).toBe(2);
  });

  it('rejects a table whose header lacks a needed column, naming it', async () => {
    const opened = await openEoirTable(bytes('idnJuvenileHistory\tidnCase\tidnJuvenile\n1\t2\t4\n'), JUVENILE_HISTORY_TABLE);
    expect(opened).toEqual({ ok: false, reason: 'HEADER_MISSING_COLUMNS', detail: 'tbl_JuvenileHistory header lacks idnProceeding' });
  });

  it('rejects an empty file', async () => {
    expect(await openEoirTable(bytes(''), JUVENILE_HISTORY_TABLE)).toMatchObject({ ok: false, reason: 'TABLE_EMPTY' });
  });

  it('reads pipe-delimited files', async () => {
    const opened = await openEoirTable(bytes('idnJuvenileHistory|idnCase|idnProceeding|idnJuvenile\n7|8|9|3\n'), JUVENILE_HISTORY_TABLE);
    if (!opened.ok) throw new Error('expected ok');
    expect((await rows(opened.rows))[0]?.result).toMatchObject({ ok: true, value: { idnJuvenile: 3 } });
  });

  it('rejects rows with more or fewer fields than the header, and skips blank lines', async () => {
    const text = 'idnJuvenileHistory\tidnCase\tidnProceeding\tidnJuvenile\n1\t2\t\t3\t4\n\n1\t2\n';
    const opened = await openEoirTable(bytes(text), JUVENILE_HISTORY_TABLE);
    if (!opened.ok) throw new Error('expected ok');
    expect((await rows(opened.rows)).map((r) => r.result)).toEqual([
      { ok: false, reason: 'ROW_EXTRA_FIELDS' },
      { ok: false, reason: 'ROW_MISSING_FIELDS' },
    ]);
  });
});

describe('row parsers', () => {
  const juvenile = (values: (string | null)[]) => JUVENILE_HISTORY_TABLE.parse(values);

  it('rejects juvenile rows with missing or non-integer keys and unknown codes', () => {
    expect(juvenile([null, '1', '2', '4'])).toEqual({ ok: false, reason: 'KEY_MISSING' });
    expect(juvenile(['1', 'FC', '2', '4'])).toEqual({ ok: false, reason: 'KEY_NOT_INTEGER' });
    expect(juvenile(['1', '2', '3', '9'])).toEqual({ ok: false, reason: 'JUVENILE_CODE_INVALID' });
    expect(juvenile(['1', '2', '3', null])).toEqual({ ok: false, reason: 'JUVENILE_CODE_INVALID' });
  });

  it('reads ABSENTIA as an order only when it is exactly Y after trimming and upper-casing', () => {
    const proceeding = (absentia: string | null) =>
      PROCEEDING_TABLE.parse(['10', '20', 'HOU', 'RMV', 'X', absentia, null, '2025-01-03 00:00:00.000', null]);
    expect(proceeding('Y')).toMatchObject({ ok: true, value: { inAbsentia: true } });
    expect(proceeding('y')).toMatchObject({ ok: true, value: { inAbsentia: true } });
    for (const v of ['N', 'X', 'DEP', '5', null, 'YES']) {
      expect(proceeding(v)).toMatchObject({ ok: true, value: { inAbsentia: false } });
    }
  });

  it('rejects a proceeding whose id is not an integer (a shifted row put FC there)', () => {
    expect(PROCEEDING_TABLE.parse(['FC', '20', null, null, null, null, null, null, null])).toEqual({
      ok: false,
      reason: 'KEY_NOT_INTEGER',
    });
  });
});

describe('tableForFileName', () => {
  it('recognizes table files case-insensitively and ignores others', () => {
    expect(tableForFileName('drops/x/B_TblProceeding.csv')).toBe('B_TblProceeding');
    expect(tableForFileName('tbl_juvenilehistory.CSV')).toBe('tbl_JuvenileHistory');
    expect(tableForFileName('drops/x/Count.txt')).toBeUndefined();
    expect(tableForFileName('tblLookup_Juvenile.csv')).toBeUndefined();
  });
});

describe('unreadFileReason', () => {
  it('names the files of a release the ingest does not read for what they are, so an unknown one stands out', () => {
    // EOIR's lookup tables: the Lookup/ folder, or the tblLookup name in any of EOIR's casings.
    expect(unreadFileReason('Lookup/tblLookupJudge.csv')).toBe('EOIR_LOOKUP_TABLE');
    expect(unreadFileReason('EOIR Case Data/tbllookupCal_Type.csv')).toBe('EOIR_LOOKUP_TABLE');
    expect(unreadFileReason('tblLookUpCaseIdentifier.csv')).toBe('EOIR_LOOKUP_TABLE');
    expect(unreadFileReason('tblLookup_Juvenile.csv')).toBe('EOIR_LOOKUP_TABLE');
    // EOIR's other main tables, by name.
    expect(unreadFileReason('EOIR Case Data/tbl_CustodyHistory.csv')).toBe('EOIR_TABLE_NOT_READ');
    expect(unreadFileReason('D_TblAssociatedBond.csv')).toBe('EOIR_TABLE_NOT_READ');
    expect(unreadFileReason('EOIRDB_Schema.csv')).toBe('EOIR_TABLE_NOT_READ');
    // Anything else is unknown: a renamed table, a stray file.
    expect(unreadFileReason('tbl_Unknown.csv')).toBe('UNKNOWN_TABLE');
    expect(unreadFileReason('B_TblProceedings.csv')).toBe('UNKNOWN_TABLE');
    expect(unreadFileReason('notes.docx')).toBe('UNKNOWN_TABLE');
  });
});
