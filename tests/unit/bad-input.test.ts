import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openZipDrop } from '../../shared/adapters/zip-drop';
import { MAX_LINE_BYTES } from '../../shared/domain/eoir-format';
import { fetchStartFor, planByteRanges, type ParsedRow } from '../../shared/domain/eoir-table';
import { mapColumns, readTableHeader } from '../../shared/domain/eoir-table-header';
import { openEoirTable } from '../../shared/domain/open-eoir-table';
import { parseTableRange, TOO_LONG_ROW_KEPT_BYTES } from '../../shared/domain/eoir-table-rows';
import { PROCEEDING_TABLE, type ProceedingRow } from '../../shared/domain/proceeding';
import type { DocketSource } from '../../shared/ports/docket-source';
import { ingestDocketDrop } from '../../shared/use-cases/steps/ingest/ingest-docket-drop';
import type { FileRejectionReason } from '../../shared/domain/rejections';
import { fixedClock, memoryCaseStore, memoryDocketSource, memoryPublisher, memoryQuarantine, silentLog } from '../helpers/in-memory-ports';
import { rowOffsets } from '../helpers/row-oracle';
import { makeZip } from '../helpers/zip';

const JUV = 'idnJuvenileHistory\tidnCase\tidnProceeding\tidnJuvenile\tDATCREATEDON\tDATMODIFIEDON\r\n';
const PROC = 'IDNPROCEEDING\tIDNCASE\tOSC_DATE\tBASE_CITY_CODE\tCASE_TYPE\tDEC_CODE\tABSENTIA\tHEARING_DATE\tCOMP_DATE\r\n';
const proc = (id: string, caseId: string) => `${id}\t${caseId}\t2022-01-01 00:00:00.000\tHOU\tRMV\tX\tY\t2025-03-01 00:00:00.000\t2025-03-04 00:00:00.000\r\n`;
const drop = { dropId: 'bad', location: 'drops/bad/' };

/** The bytes in chunks of `size`, as S3 streams them. */
async function* stream(bytes: Buffer, size = 64 * 1024): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function readProceedings(bytes: Buffer, chunk?: number) {
  const opened = await openEoirTable(stream(bytes, chunk), PROCEEDING_TABLE);
  if (!opened.ok) return { rejection: opened.reason, rows: [] as ParsedRow<ProceedingRow>[] };
  const rows: ParsedRow<ProceedingRow>[] = [];
  for await (const row of opened.rows) rows.push(row);
  return { rejection: undefined, rows };
}

const reasons = (rows: readonly ParsedRow<unknown>[]) => rows.map((r) => (r.result.ok ? 'ok' : r.result.reason));

describe('a table that is not text', () => {
  it('is rejected TABLE_NOT_TEXT when its first line holds control bytes (a zip or binary renamed .csv)', async () => {
    const zipLike = Buffer.concat([Buffer.from([0x50, 0x4b, 3, 4, 0x14, 0]), randomBytes(200_000)]);
    expect((await readProceedings(zipLike)).rejection).toBe('TABLE_NOT_TEXT');
    const gzipLike = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.from(PROC)]);
    expect((await readProceedings(gzipLike)).rejection).toBe('TABLE_NOT_TEXT');
  });

  it('is rejected TABLE_NOT_TEXT when no line end comes within MAX_LINE_BYTES, reading no more than that', async () => {
    let served = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      const block = Buffer.alloc(64 * 1024, 0x41);
      for (;;) {
        served += block.length;
        yield block;
      }
    }
    const head = await readTableHeader(endless(), 'B_TblProceeding');
    expect(head).toMatchObject({ ok: false, reason: 'TABLE_NOT_TEXT' });
    expect(served).toBeLessThanOrEqual(MAX_LINE_BYTES + 2 * 64 * 1024);
  });

  it('still reads a header with EOIR quirks: embedded NULs, cp1252 bytes, leading blank lines', async () => {
    const header = Buffer.concat([Buffer.from('\r\n\r\nIDNPROCEEDING\tIDN\0CASE\tOSC_DATE\tBASE_CITY_CODE\tCASE_TYPE\tDEC_CODE\tABSENTIA\tHEARING_DATE\tCOMP_DATE\xe9\r\n', 'latin1')]);
    const head = await readTableHeader(stream(header), 'B_TblProceeding');
    expect(head.ok).toBe(true);
  });

  it('is TABLE_EMPTY, not TABLE_NOT_TEXT, when there is no line at all', async () => {
    expect((await readProceedings(Buffer.alloc(0))).rejection).toBe('TABLE_EMPTY');
    expect((await readProceedings(Buffer.from('\r\n\n\r\n'))).rejection).toBe('TABLE_EMPTY');
  });
});

describe('a line too long to be a row', () => {
  const huge = (id: string) => `${id}\t103\t${'x'.repeat(10 * 1024 * 1024)}\tHOU\tRMV\tX\tY\t2025-03-01\t2025-03-04\r\n`;

  it('rejects a 10 MB line ROW_TOO_LONG and reads the rows after it, whatever the chunk size', async () => {
    const bytes = Buffer.from(PROC + proc('10', '100') + huge('13') + proc('11', '101'));
    for (const chunk of [1000, 64 * 1024, 1024 * 1024, bytes.length]) {
      const { rows } = await readProceedings(bytes, chunk);
      expect(reasons(rows), `chunk ${chunk}`).toEqual(['ok', 'ROW_TOO_LONG', 'ok']);
      expect(rows.map((r) => r.lineNumber)).toEqual([2, 3, 4]);
      expect(rows[1]?.byteOffset).toBe(Buffer.byteLength(PROC + proc('10', '100')));
      // Only the first bytes are kept for the quarantine.
      expect(rows[1]?.raw?.length).toBe(TOO_LONG_ROW_KEPT_BYTES);
      expect(rows[1]?.raw?.toString('latin1').startsWith('13\t103\txxx')).toBe(true);
    }
  });

  it('rejects a too-long last line without a line end', async () => {
    const { rows } = await readProceedings(Buffer.from(PROC + proc('10', '100') + huge('13').trimEnd()), 4096);
    expect(reasons(rows)).toEqual(['ok', 'ROW_TOO_LONG']);
  });

  // That a 256 MB line streams through in bounded memory is measured by bench/long-line.bench.ts.

  it('is counted once, by the byte range holding its first byte, whatever the ranges, chunks and scan batches', async () => {
    const max = 40;
    const line = fc.oneof(
      fc.constantFrom('1\t2\t\t\t\t\t\t\t', '2\t3\t\t\t\t\t\t\t', '7\t8\t\t\t\t\t\tY\t2025-01-01', ''),
      fc.integer({ min: 0, max: 3 * max }).map((n) => '9'.repeat(n)),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 25 }), fc.integer({ min: 1, max: 150 }), fc.integer({ min: 1, max: 90 }), fc.integer({ min: 1, max: 90 }), fc.boolean(), async (lines, rangeBytes, chunk, batchBytes, crlf) => {
        const eol = crlf ? '\r\n' : '\n';
        const bytes = Buffer.from(PROC.trimEnd() + eol + lines.join(eol), 'latin1');
        const head = await readTableHeader(stream(bytes, chunk), 'B_TblProceeding', 1024);
        if (!head.ok) throw new Error('header');
        const mapped = mapColumns(head.header, PROCEEDING_TABLE);
        if (!mapped.ok) throw new Error('columns');
        const read = async (start: number, end: number) => {
          const out: string[] = [];
          const from = fetchStartFor({ start, end });
          for await (const batch of parseTableRange(stream(bytes.subarray(from), chunk), head.header, mapped.indexes, PROCEEDING_TABLE, { start, end }, max, batchBytes)) {
            out.push(...batch.map((r) => `${r.byteOffset}:${r.result.ok ? 'ok' : r.result.reason}`));
          }
          return out;
        };
        const whole = await read(0, Number.POSITIVE_INFINITY);
        const parts: string[] = [];
        for (const r of planByteRanges(bytes.length, rangeBytes)) parts.push(...(await read(r.start, r.end)));
        // The oracle is not the parser: every non-blank line after the header, counted apart.
        expect(whole.map((w) => Number(w.slice(0, w.indexOf(':'))))).toEqual(rowOffsets(bytes));
        expect(parts).toEqual(whole);
        // Exactly the non-blank lines over the limit are ROW_TOO_LONG.
        const expectedTooLong = lines.filter((l) => l.length > max).length;
        expect(whole.filter((w) => w.endsWith('ROW_TOO_LONG'))).toHaveLength(expectedTooLong);
      }),
      { numRuns: 200 },
    );
  });
});

describe('bad input in a whole drop', () => {
  const deps = (source: DocketSource) => ({
    source,
    store: memoryCaseStore(),
    publisher: memoryPublisher(),
    quarantine: memoryQuarantine(),
    clock: fixedClock('2026-11-28T00:00:00Z'),
    log: silentLog,
  });

  it('counts and quarantines a 10 MB line and a truncated last line, and still finds every FTA', async () => {
    const source = memoryDocketSource({
      tbl_JuvenileHistory: `${JUV}1\t100\t10\t4\t\t\r\n2\t101\t11\t4\t\t\r\n`,
      B_TblProceeding: PROC + proc('10', '100') + `99\t999\t${'z'.repeat(10 * 1024 * 1024)}\r\n` + proc('11', '101') + '12\t101\t2022',
    });
    const d = deps(source);
    const report = await ingestDocketDrop(drop, d);
    expect(report.tables.B_TblProceeding).toEqual({ read: 4, accepted: 2, rejected: 2, rejectedByReason: { ROW_TOO_LONG: 1, ROW_MISSING_FIELDS: 1 } });
    expect(d.publisher.sent.map((m) => m.ftaId).sort()).toEqual(['IA-10', 'IA-11']);
    const quarantined = d.quarantine.rows;
    expect(quarantined.map((q) => q.reason).sort()).toEqual(['ROW_MISSING_FIELDS', 'ROW_TOO_LONG']);
    expect(Math.max(...quarantined.map((q) => q.raw.length))).toBeLessThanOrEqual(TOO_LONG_ROW_KEPT_BYTES);
  });

  it('rejects a binary table with TABLE_NOT_TEXT and still reads the other tables', async () => {
    const source = memoryDocketSource({
      tbl_JuvenileHistory: `${JUV}1\t100\t10\t4\t\t\r\n`,
      A_TblCase: Buffer.concat([Buffer.from([0, 1, 2, 0xff, 0x0a]), randomBytes(5000)]),
      B_TblProceeding: PROC + proc('10', '100'),
    });
    const report = await ingestDocketDrop(drop, deps(source));
    expect(report.tables.A_TblCase).toMatchObject({ read: 0, tableRejection: { reason: 'TABLE_NOT_TEXT' } });
    expect(report.ftas.new).toBe(1);
  });

  it('lists files that are no table it reads as ignoredFiles (UNKNOWN_TABLE), and reads the rest', async () => {
    const tables = memoryDocketSource({ tbl_JuvenileHistory: `${JUV}1\t100\t10\t4\t\t\r\n`, B_TblProceeding: PROC + proc('10', '100') });
    const source: DocketSource = {
      ...tables,
      listDrop: async (ref) => ({ ...(await tables.listDrop(ref)), ignored: [{ file: 'drops/bad/tbl_Unknown.csv', reason: 'UNKNOWN_TABLE' }] }),
    };
    const report = await ingestDocketDrop(drop, deps(source));
    expect(report.ignoredFiles).toEqual([{ file: 'drops/bad/tbl_Unknown.csv', reason: 'UNKNOWN_TABLE' }]);
    expect(report.ftas.new).toBe(1);
  });

  it('warns of an unknown file, but only logs the EOIR lookup and other tables every release holds', async () => {
    const tables = memoryDocketSource({ tbl_JuvenileHistory: `${JUV}1\t100\t10\t4\t\t\r\n` });
    const withIgnored = (ignored: { file: string; reason: FileRejectionReason }[]): DocketSource => ({
      ...tables,
      listDrop: async (ref) => ({ ...(await tables.listDrop(ref)), ignored }),
    });
    const levels = async (source: DocketSource): Promise<string[]> => {
      const seen: string[] = [];
      const log = { ...silentLog, info: (m: string) => void (m === 'files not read' && seen.push('info')), warn: (m: string) => void (m === 'files not read' && seen.push('warn')) };
      await ingestDocketDrop(drop, { ...deps(source), log });
      return seen;
    };
    const eoirOwn = [
      { file: 'Lookup/tblLookupJudge.csv', reason: 'EOIR_LOOKUP_TABLE' as const },
      { file: 'tbl_CustodyHistory.csv', reason: 'EOIR_TABLE_NOT_READ' as const },
    ];
    expect(await levels(withIgnored(eoirOwn))).toEqual(['info']);
    expect(await levels(withIgnored([...eoirOwn, { file: 'notes.docx', reason: 'UNKNOWN_TABLE' }]))).toEqual(['warn']);
  });
});

describe('zip drop listing', () => {
  it('names lookup entries EOIR_LOOKUP_TABLE and hostile paths ENTRY_UNSAFE; refuses a table outside the drop or a bomb', async () => {
    const zip = makeZip([
      { name: 'Data/tbl_JuvenileHistory.csv', data: Buffer.from(`${JUV}1\t100\t10\t4\t\t\r\n`) },
      { name: '../B_TblProceeding.csv', data: Buffer.from(PROC + proc('10', '100')) },
      { name: 'Data/A_TblCase.csv', data: Buffer.alloc(4 * 1024 * 1024, 0x41) },
      { name: 'Lookup/tblLookupBaseCity.csv', data: Buffer.from('a\tb\r\n') },
      { name: '../../etc/cron.d/evil', data: Buffer.from('x') },
      { name: 'Data/Count.txt', data: Buffer.from('tbl_JuvenileHistory\t1\r\n') },
    ]);
    const { listing } = await openZipDrop('drops/z.zip', (start, end) => stream(zip.subarray(start, end)), zip.length);
    expect([...listing.tables.keys()]).toEqual(['tbl_JuvenileHistory']);
    expect(listing.refused.get('B_TblProceeding')).toMatch(/outside/);
    expect(listing.refused.get('A_TblCase')).toMatch(/bomb/);
    expect(listing.ignored).toEqual([
      { file: 'Lookup/tblLookupBaseCity.csv', reason: 'EOIR_LOOKUP_TABLE' },
      { file: '../../etc/cron.d/evil', reason: 'ENTRY_UNSAFE' },
    ]);
  });
});
