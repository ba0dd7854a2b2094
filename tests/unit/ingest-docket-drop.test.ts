import { describe, expect, it } from 'vitest';
import { ingestDocketDrop } from '../../shared/use-cases/steps/ingest/ingest-docket-drop';
import { fixedClock, memoryQuarantine, memoryCaseStore, memoryDocketSource, memoryPublisher, silentLog } from '../helpers/in-memory-ports';

const JUV = 'idnJuvenileHistory\tidnCase\tidnProceeding\tidnJuvenile\tDATCREATEDON\tDATMODIFIEDON\r\n';
const PROC = 'IDNPROCEEDING\tIDNCASE\tOSC_DATE\tBASE_CITY_CODE\tCASE_TYPE\tDEC_CODE\tABSENTIA\tHEARING_DATE\tCOMP_DATE\r\n';
const proc = (id: string, caseId: string, absentia: string, comp = '2025-03-04 00:00:00.000') =>
  `${id}\t${caseId}\t2022-01-01 00:00:00.000\tHOU\tRMV\tX\t${absentia}\t2025-03-01 00:00:00.000\t${comp}\r\n`;
const drop = { dropId: 'd1', location: 'drops/d1/' };

describe('ingestDocketDrop', () => {
  it('records one FTA per in-absentia order of a UC case and queues it', async () => {
    const store = memoryCaseStore();
    const publisher = memoryPublisher();
    const source = memoryDocketSource({
      tbl_JuvenileHistory: `${JUV}1\t100\t10\t4\t\t\r\n2\t200\t20\t6\t\t\r\n3\t300\t30\t3\t\t\r\n`,
      B_TblProceeding: PROC + proc('10', '100', 'Y') + proc('20', '200', 'Y') + proc('30', '300', 'N') + proc('31', '300', ' y '),
    });
    const report = await ingestDocketDrop(drop, { source, store, publisher, quarantine: memoryQuarantine(), clock: fixedClock('2026-11-28T00:00:00Z'), log: silentLog });
    expect(report.ftas).toEqual({ new: 2, repeated: 0, rescinded: 0 });
    expect(publisher.sent.map((m) => m.ftaId).sort()).toEqual(['IA-10', 'IA-31']);
    expect(report.ftasPublished).toBe(2);
    expect(report.tables.B_TblProceeding).toEqual({ read: 4, accepted: 4, rejected: 0, rejectedByReason: {} });
    expect(store.reports).toHaveLength(1);
  });

  it('finds FTAs of cases marked UC by an earlier drop', async () => {
    const store = memoryCaseStore();
    store.ucCases.add('500');
    const source = memoryDocketSource({ B_TblProceeding: PROC + proc('50', '500', 'Y') });
    const report = await ingestDocketDrop(drop, { source, store, publisher: memoryPublisher(), quarantine: memoryQuarantine(), clock: fixedClock('2026-11-28T00:00:00Z'), log: silentLog });
    expect(report.ftas.new).toBe(1);
  });

  it('counts a repeated drop as repeated, and sends nothing new', async () => {
    const store = memoryCaseStore();
    const publisher = memoryPublisher();
    const source = memoryDocketSource({ tbl_JuvenileHistory: `${JUV}1\t100\t10\t4\t\t\r\n`, B_TblProceeding: PROC + proc('10', '100', 'Y') });
    const deps = { source, store, publisher, quarantine: memoryQuarantine(), clock: fixedClock('2026-11-28T00:00:00Z'), log: silentLog };
    await ingestDocketDrop(drop, deps);
    const again = await ingestDocketDrop(drop, deps);
    expect(again.ftas).toEqual({ new: 0, repeated: 1, rescinded: 0 });
    expect(publisher.sent).toHaveLength(1);
  });

  it('keeps an FTA the queues refused in the outbox, fails the run, and sends it on the next run', async () => {
    const store = memoryCaseStore();
    const failIds = new Set(['IA-10']);
    const publisher = memoryPublisher({ failIds });
    const source = memoryDocketSource({ tbl_JuvenileHistory: `${JUV}1\t100\t10\t4\t\t\r\n`, B_TblProceeding: PROC + proc('10', '100', 'Y') });
    const deps = { source, store, publisher, quarantine: memoryQuarantine(), clock: fixedClock('2026-11-28T00:00:00Z'), log: silentLog };
    await expect(ingestDocketDrop(drop, deps)).rejects.toMatchObject({ code: 'FTA_PUBLISH_FAILED' });
    expect(store.ftas.get('IA-10')?.published).toBe(false);
    failIds.clear();
    const retry = await ingestDocketDrop(drop, deps);
    expect(retry.ftas).toEqual({ new: 0, repeated: 1, rescinded: 0 });
    expect(retry.ftasPublished).toBe(1);
    expect(publisher.sent.map((m) => m.ftaId)).toEqual(['IA-10']);
  });

  it('rejects an undated in-absentia order with a reason instead of losing it silently', async () => {
    const store = memoryCaseStore();
    const source = memoryDocketSource({
      B_TblProceeding: `${PROC}60\t600\t\tHOU\tRMV\tX\tY\t\t\r\n`,
    });
    const report = await ingestDocketDrop(drop, { source, store, publisher: memoryPublisher(), quarantine: memoryQuarantine(), clock: fixedClock('2026-11-28T00:00:00Z'), log: silentLog });
    expect(report.tables.B_TblProceeding).toEqual({ read: 1, accepted: 0, rejected: 1, rejectedByReason: { FTA_DATE_MISSING: 1 } });
  });

  it('reports a table whose header lacks needed columns', async () => {
    const source = memoryDocketSource({ B_TblProceeding: 'IDNPROCEEDING\tIDNCASE\r\n1\t2\r\n' });
    const report = await ingestDocketDrop(drop, { source, store: memoryCaseStore(), publisher: memoryPublisher(), quarantine: memoryQuarantine(), clock: fixedClock('2026-11-28T00:00:00Z'), log: silentLog });
    expect(report.tables.B_TblProceeding?.tableRejection?.reason).toBe('HEADER_MISSING_COLUMNS');
  });
});
