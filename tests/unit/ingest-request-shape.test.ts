import { describe, expect, it } from 'vitest';
import { CASE_TABLE } from '../../shared/domain/case';
import { PROCEEDING_TABLE } from '../../shared/domain/proceeding';
import { SCAN_BATCH_BYTES } from '../../shared/domain/eoir-table-rows';
import type { UcMark } from '../../shared/ports/case-store';
import { ingestDocketDrop } from '../../shared/use-cases/steps/ingest/ingest-docket-drop';
import { FIRST_BATCH_ROWS, readTableChunk, ROWS_PER_BATCH } from '../../shared/use-cases/steps/ingest/read-drop-table';
import { fixedClock, memoryCaseStore, memoryDocketSource, memoryPublisher, memoryQuarantine, silentLog } from '../helpers/in-memory-ports';

/*
 * The shape of the ingest's work that decides how soon its first FTA is queued and what it
 * costs the store: batch sizes as rows are handed over, and UC marks sent once per case.
 */
const JUV = 'idnJuvenileHistory\tidnCase\tidnProceeding\tidnJuvenile\tDATCREATEDON\tDATMODIFIEDON\r\n';
const CASE = 'IDNCASE\tALIEN_CITY\tALIEN_STATE\tALIEN_ZIPCODE\tADDRESS_CHANGEDON\tCASEPRIORITY_CODE\r\n';
const PROC = 'IDNPROCEEDING\tIDNCASE\tOSC_DATE\tBASE_CITY_CODE\tCASE_TYPE\tDEC_CODE\tABSENTIA\tHEARING_DATE\tCOMP_DATE\r\n';
const caseRow = (id: number, priority: string) => `${id}\tHOUSTON\tTX\t77002\t\t${priority}\r\n`;
const drop = { dropId: 'd1', location: 'drops/d1/' };

describe('batches handed over as a chunk is read', () => {
  /** Lines of 100 bytes, about an EOIR schedule or proceeding line: a scan batch holds FIRST_SCAN_BATCH_BYTES / 100 rows at first, SCAN_BATCH_BYTES / 100 at most. */
  const hundredByteLine = (fields: string) => `${fields}${' '.repeat(100 - 2 - fields.length)}\r\n`;

  it('start small and double up to ROWS_PER_BATCH in a table that shows FTAs, every row handed over once', async () => {
    const rows = 40_000;
    let body = PROC;
    for (let i = 1; i <= rows; i++) body += hundredByteLine(`${i}\t${i}\t2022-01-01\tHOU\tRMV\tX\tN\t2025-03-01\t`);
    const source = memoryDocketSource({ B_TblProceeding: body }, { chunkSize: 4096 });
    const sizes: number[] = [];
    await readTableChunk(
      { drop, chunk: { table: 'B_TblProceeding', key: 'B_TblProceeding', start: 0, end: null, stage: 2 }, spec: PROCEEDING_TABLE, source, quarantine: memoryQuarantine() },
      async (batch) => {
        sizes.push(batch.length);
        return new Map();
      },
    );
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(rows);
    expect(FIRST_BATCH_ROWS).toBe(500);
    expect(ROWS_PER_BATCH).toBe(5000);
    // The first hand-over after a few hundred rows, not thousands: the scan's first batches
    // are small too (8 KiB, doubling), or the first would wait for a 120 KiB batch.
    expect(sizes[0]).toBeGreaterThanOrEqual(500);
    expect(sizes[0]).toBeLessThan(1000);
    const want = [500, 1000, 2000, 4000, 5000, 5000];
    const scanBatchRows = Math.ceil((SCAN_BATCH_BYTES) / 100);
    want.forEach((size, i) => {
      expect(sizes[i]).toBeGreaterThanOrEqual(size);
      // Overshoot: less than one scan batch.
      expect(sizes[i]).toBeLessThan(size + scanBatchRows);
    });
    for (const size of sizes.slice(0, -1)) expect(size).toBeLessThan(ROWS_PER_BATCH + scanBatchRows);
  });

  it('hands the case table over in full batches from the first: it queues no FTA, and each batch is a round of the store\'s calls', async () => {
    const rows = 12_000;
    let body = CASE;
    for (let i = 1; i <= rows; i++) body += hundredByteLine(`${i}\tHOUSTON\tTX\t77002\t\t`);
    const source = memoryDocketSource({ A_TblCase: body }, { chunkSize: 4096 });
    const sizes: number[] = [];
    await readTableChunk(
      { drop, chunk: { table: 'A_TblCase', key: 'A_TblCase', start: 0, end: null, stage: 1 }, spec: CASE_TABLE, source, quarantine: memoryQuarantine() },
      async (batch) => {
        sizes.push(batch.length);
        return new Map();
      },
    );
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(rows);
    const scanBatchRows = Math.ceil(SCAN_BATCH_BYTES / 100);
    // Full batches and the rest: at most three, where a first batch of 500 doubling would make five.
    expect(sizes.length).toBeLessThanOrEqual(3);
    for (const size of sizes.slice(0, -1)) {
      expect(size).toBeGreaterThanOrEqual(ROWS_PER_BATCH);
      expect(size).toBeLessThan(ROWS_PER_BATCH + scanBatchRows);
    }
  });
});

describe('UC marks of one run', () => {
  it('a case the juvenile stage marked is not sent again by the case table\'s CASEPRIORITY: same marks, claims and FTAs', async () => {
    const store = memoryCaseStore();
    const sent: UcMark[][] = [];
    const markUcCases = store.markUcCases.bind(store);
    store.markUcCases = async (marks, claim) => {
      sent.push([...marks]);
      return markUcCases(marks, claim);
    };
    // 100 and 200 are juvenile UC cases; 200 and 300 have CASEPRIORITY_CODE UC.
    const source = memoryDocketSource({
      tbl_JuvenileHistory: `${JUV}1\t100\t10\t4\t\t\r\n2\t200\t20\t3\t\t\r\n`,
      A_TblCase: CASE + caseRow(100, '') + caseRow(200, 'UC') + caseRow(300, 'UC') + caseRow(400, ''),
      B_TblProceeding: ['100', '200', '300', '400'].map((c) => `${c}1\t${c}\t2022-01-01 00:00:00.000\tHOU\tRMV\tX\tY\t2025-03-01 00:00:00.000\t2025-03-04 00:00:00.000\r\n`).reduce((a, b) => a + b, PROC),
    });
    const report = await ingestDocketDrop(drop, { source, store, publisher: memoryPublisher(), quarantine: memoryQuarantine(), clock: fixedClock('2026-11-28T00:00:00Z'), log: silentLog });
    expect(sent.map((list) => list.map((m) => `${m.caseId} ${m.basis}`))).toEqual([['100 JUVENILE_HISTORY', '200 JUVENILE_HISTORY'], ['300 CASE_PRIORITY']]);
    expect(report.ucCasesMarked).toBe(3);
    expect([...store.ucCases].sort()).toEqual(['100', '200', '300']);
    expect(report.ftas).toEqual({ new: 3, repeated: 0, rescinded: 0 });
  });
});
