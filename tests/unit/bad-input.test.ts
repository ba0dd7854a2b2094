import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_LINE_BYTES, splitLines } from '../../shared/domain/eoir-format';
import { openEoirTable, type ParsedRow } from '../../shared/domain/eoir-table';
import { PROCEEDING_TABLE, type ProceedingRow } from '../../shared/domain/proceeding';
import type { DocketSource } from '../../shared/ports/docket-source';
import { ingestDocketDrop } from '../../shared/use-cases/ingest-docket-drop';
import { fixedClock, memoryCaseStore, memoryDocketSource, memoryPublisher, silentLog } from '../helpers/in-memory-ports';

const JUV = 'idnJuvenileHistory\tidnCase\tidnProceeding\tidnJuvenile\tDATCREATEDON\tDATMODIFIEDON\r\n';
const PROC = 'IDNPROCEEDING\tIDNCASE\tOSC_DATE\tBASE_CITY_CODE\tCASE_TYPE\tDEC_CODE\tABSENTIA\tHEARING_DATE\tCOMP_DATE\r\n';
const proc = (id: string, caseId: string) =>
  `${id}\t${caseId}\t2022-01-01 00:00:00.000\tHOU\tRMV\tX\tY\t2025-03-01 00:00:00.000\t2025-03-04 00:00:00.000\r\n`;
const drop = { dropId: 'bad', location: 'drops/bad/' };

/** The bytes in chunks of 64 KiB, as S3 streams them. */
async function* stream(bytes: Buffer, size = 64 * 1024): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function readProceedings(bytes: Buffer) {
  const opened = await openEoirTable(stream(bytes), PROCEEDING_TABLE);
  if (!opened.ok) return { rejection: opened.reason, rows: [] as ParsedRow<ProceedingRow>[] };
  const rows: ParsedRow<ProceedingRow>[] = [];
  for await (const row of opened.rows) rows.push(row);
  return { rejection: undefined, rows };
}

const reasons = (rows: readonly ParsedRow<ProceedingRow>[]) => rows.map((r) => (r.result.ok ? 'ok' : r.result.reason));

describe('bad input, table by table', () => {
  it('rejects an empty file as TABLE_EMPTY', async () => {
    expect((await readProceedings(Buffer.alloc(0))).rejection).toBe('TABLE_EMPTY');
    expect((await readProceedings(Buffer.from('\r\n\r\n'))).rejection).toBe('TABLE_EMPTY');
  });

  it('rejects a binary file as TABLE_NOT_TEXT, whatever its size', async () => {
    const withNul = Buffer.concat([Buffer.from('PK\u0003\u0004\u0000\u0000'), randomBytes(4096)]);
    expect((await readProceedings(withNul)).rejection).toBe('TABLE_NOT_TEXT');
    // No line end for megabytes: cut at MAX_LINE_BYTES, never held whole.
    const noNewline = Buffer.alloc(3 * 1024 * 1024, 0x41);
    expect((await readProceedings(noNewline)).rejection).toBe('TABLE_NOT_TEXT');
  });

  it('rejects a header without the needed columns as HEADER_MISSING_COLUMNS, naming them', async () => {
    const opened = await openEoirTable(stream(Buffer.from('IDNCASE\tNAT\tLANG\r\n1\tGT\tSP\r\n')), PROCEEDING_TABLE);
    expect(opened).toMatchObject({ ok: false, reason: 'HEADER_MISSING_COLUMNS' });
    expect(opened.ok ? '' : opened.detail).toContain('IDNPROCEEDING');
  });

  it('rejects a truncated last line as ROW_MISSING_FIELDS and keeps the rows before it', async () => {
    const { rows } = await readProceedings(Buffer.from(PROC + proc('10', '100') + proc('11', '101') + '12\t102\t2022-01-01 00:0'));
    expect(reasons(rows)).toEqual(['ok', 'ok', 'ROW_MISSING_FIELDS']);
  });

  it('rejects a 10 MB line as ROW_TOO_LONG and reads the rows after it', async () => {
    const huge = `13\t103\t${'x'.repeat(10 * 1024 * 1024)}\tHOU\tRMV\tX\tY\t2025-03-01\t2025-03-04\r\n`;
    const { rows } = await readProceedings(Buffer.from(PROC + proc('10', '100') + huge + proc('11', '101')));
    expect(reasons(rows)).toEqual(['ok', 'ROW_TOO_LONG', 'ok']);
    expect(rows.map((r) => r.lineNumber)).toEqual([2, 3, 4]);
  });

  it('cuts lines at MAX_LINE_BYTES wherever the chunk boundaries fall', async () => {
    const long = 'y'.repeat(MAX_LINE_BYTES + 1);
    for (const size of [7, 1000, MAX_LINE_BYTES, MAX_LINE_BYTES + 3]) {
      const out: { n: number; tooLong: boolean; len: number }[] = [];
      for await (const l of splitLines(stream(Buffer.from(`a\n${long}\nb\n${long}`), size))) {
        out.push({ n: l.lineNumber, tooLong: l.tooLong === true, len: l.bytes.length });
      }
      expect(out, `chunk ${size}`).toEqual([
        { n: 1, tooLong: false, len: 1 },
        { n: 2, tooLong: true, len: MAX_LINE_BYTES },
        { n: 3, tooLong: false, len: 1 },
        { n: 4, tooLong: true, len: MAX_LINE_BYTES },
      ]);
    }
  });
});

describe('bad input, in a whole drop', () => {
  const deps = (source: DocketSource) => ({
    source,
    store: memoryCaseStore(),
    publisher: memoryPublisher(),
    clock: fixedClock('2026-11-28T00:00:00Z'),
    log: silentLog,
  });

  it('reports a file that is no table it reads as UNKNOWN_TABLE, and reads the rest', async () => {
    const tables = memoryDocketSource({ tbl_JuvenileHistory: `${JUV}1\t100\t10\t4\t\t\r\n`, B_TblProceeding: PROC + proc('10', '100') });
    const source: DocketSource = {
      ...tables,
      listFiles: async () => ['tbl_JuvenileHistory', 'B_TblProceeding', 'drops/bad/tbl_Unknown.csv', 'drops/bad/Count.txt'],
    };
    const report = await ingestDocketDrop(drop, deps(source));
    expect(report.ignoredFiles).toEqual([{ file: 'drops/bad/tbl_Unknown.csv', reason: 'UNKNOWN_TABLE' }]);
    expect(report.ftas.new).toBe(1);
  });

  it('still finds the FTAs of a table whose other rows are broken, and counts every row', async () => {
    const huge = `99\t999\t${'z'.repeat(10 * 1024 * 1024)}\r\n`;
    const source = memoryDocketSource({
      tbl_JuvenileHistory: `${JUV}1\t100\t10\t4\t\t\r\n2\t101\t11\t4\t\t\r\n`,
      B_TblProceeding: PROC + proc('10', '100') + huge + proc('11', '101') + '12\t101\t2022',
    });
    const d = deps(source);
    const report = await ingestDocketDrop(drop, d);
    expect(report.tables.B_TblProceeding).toEqual({
      read: 4,
      accepted: 2,
      rejected: 2,
      rejectedByReason: { ROW_TOO_LONG: 1, ROW_MISSING_FIELDS: 1 },
    });
    expect(d.publisher.sent.map((m) => m.ftaId).sort()).toEqual(['IA-10', 'IA-11']);
  });

  it('rejects a binary juvenile table with its reason and still reads the proceedings', async () => {
    const source: DocketSource = {
      async listTables() {
        return new Map([
          ['tbl_JuvenileHistory', 'j'],
          ['B_TblProceeding', 'p'],
        ] as const);
      },
      async *openTable(_d, key) {
        yield key === 'j' ? Buffer.concat([Buffer.from([0, 1, 2, 0xff]), randomBytes(1000)]) : Buffer.from(PROC + proc('10', '100'));
      },
    };
    const d = deps(source);
    d.store.ucCases.add('100');
    const report = await ingestDocketDrop(drop, d);
    expect(report.tables.tbl_JuvenileHistory?.tableRejection?.reason).toBe('TABLE_NOT_TEXT');
    expect(report.ftas.new).toBe(1);
  });
});
