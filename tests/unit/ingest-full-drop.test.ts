import { describe, expect, it } from 'vitest';
import { ingestDocketDrop, type IngestDeps } from '../../shared/use-cases/steps/ingest/ingest-docket-drop';
import { memoryCaseStore, memoryDocketSource, memoryPublisher, memoryQuarantine, silentLog, steppingClock } from '../helpers/in-memory-ports';

const JUV = 'idnJuvenileHistory\tidnCase\tidnProceeding\tidnJuvenile\r\n';
const CASE = 'IDNCASE\tALIEN_CITY\tALIEN_STATE\tALIEN_ZIPCODE\tADDRESS_CHANGEDON\tCASEPRIORITY_CODE\r\n';
const PROC = 'IDNPROCEEDING\tIDNCASE\tOSC_DATE\tBASE_CITY_CODE\tCASE_TYPE\tDEC_CODE\tABSENTIA\tHEARING_DATE\tCOMP_DATE\r\n';
const SCHED = 'IDNSCHEDULE\tIDNPROCEEDING\tIDNCASE\tBASE_CITY_CODE\tCAL_TYPE\tADJ_DATE\tADJ_RSN\tADJ_MEDIUM\r\n';
const proc = (id: string, caseId: string, absentia: string, osc = '2022-01-01 00:00:00.000') =>
  `${id}\t${caseId}\t${osc}\tHOU\tRMV\tX\t${absentia}\t2025-03-01 00:00:00.000\t2025-03-04 00:00:00.000\r\n`;
const sched = (id: string, procId: string, caseId: string, rsn: string) => `${id}\t${procId}\t${caseId}\tHOU\tM\t2025-02-01 00:00:00.000\t${rsn}\tP\r\n`;

function deps(store = memoryCaseStore(), publisher = memoryPublisher(), quarantine = memoryQuarantine()) {
  return { store, publisher, quarantine, clock: steppingClock('2026-11-28T00:00:00Z'), log: silentLog };
}
const run = (dropId: string, d: Omit<IngestDeps, 'source'>, files: Parameters<typeof memoryDocketSource>[0], opts: Parameters<typeof memoryDocketSource>[1] = {}, chunks?: IngestDeps['chunks']) =>
  ingestDocketDrop({ dropId, location: `drops/${dropId}/` }, { ...d, source: memoryDocketSource(files, opts), chunks });

const fullDrop = {
  tbl_JuvenileHistory: `${JUV}1\t100\t10\t4\r\n2\t300\t30\t6\r\n`,
  A_TblCase: `${CASE}100\tHOUSTON\tTX\t77002\t2024-05-01 00:00:00.000\tN/A\r\n200\tMIAMI\tFL\t33101\t\tUC\r\n300\tDALLAS\tTX\t75201\t\tN/A\r\n`,
  B_TblProceeding: PROC + proc('10', '100', 'Y') + proc('20', '200', 'N') + proc('30', '300', 'Y'),
  tbl_schedule: SCHED + sched('1', '20', '200', '11') + sched('2', '20', '200', '8B') + sched('3', '30', '300', '11'),
};

describe('ingesting a full drop', () => {
  it('marks UC cases by juvenile history and by CASEPRIORITY_CODE, and finds both FTA kinds on them only', async () => {
    const d = deps();
    const report = await run('d1', d, fullDrop);
    expect(report.ucCasesMarked).toBe(2);
    expect(report.ftas).toEqual({ new: 2, repeated: 0, rescinded: 0 });
    expect([...d.store.ftas.keys()].sort()).toEqual(['IA-10', 'NS-1']);
    expect(d.publisher.sent.map((m) => m.type)).toEqual(['FTA_RECORDED', 'FTA_RECORDED']);
  });

  it('records the hearings of UC cases with their outcome, and their addresses of record with dates', async () => {
    const d = deps();
    const report = await run('d1', d, fullDrop);
    expect([...d.store.hearings.values()].map((h) => [h.scheduleId, h.outcome])).toEqual([['1', 'NO_SHOW'], ['2', 'APPEARED']]);
    expect(report.hearingsRecorded).toBe(2);
    const addresses = [...d.store.addresses.values()];
    expect(addresses.find((a) => a.caseId === '100')).toMatchObject({ source: 'EOIR_ADDRESS_OF_RECORD', changedOn: '2024-05-01', address: { city: 'HOUSTON', zip: '77002' } });
    expect(addresses.some((a) => a.caseId === '300')).toBe(false);
  });

  it('gives zero new FTAs and sends nothing when the same drop lands again', async () => {
    const d = deps();
    await run('d1', d, fullDrop);
    const again = await run('d1', d, fullDrop);
    expect(again.ftas).toEqual({ new: 0, repeated: 2, rescinded: 0 });
    expect(d.publisher.sent).toHaveLength(2);
  });

  it('rescinds an order the next drop shows without ABSENTIA Y, and queues a correction', async () => {
    const d = deps();
    await run('d1', d, fullDrop);
    const next = await run('d2', d, { ...fullDrop, B_TblProceeding: PROC + proc('10', '100', 'N') });
    expect(next.ftas.rescinded).toBe(1);
    expect(d.store.ftas.get('IA-10')).toMatchObject({ status: 'RESCINDED', rescindReason: 'ABSENTIA_WITHDRAWN' });
    expect(d.publisher.sent.at(-1)).toMatchObject({ type: 'FTA_RESCINDED', ftaId: 'IA-10', reason: 'ABSENTIA_WITHDRAWN', dropId: 'd2' });
    const third = await run('d3', d, { ...fullDrop, B_TblProceeding: PROC + proc('10', '100', 'N') });
    expect(third.ftas.rescinded).toBe(0);
  });

  it('rescinds an order when the case has a proceeding opened after it (reopened)', async () => {
    const d = deps();
    await run('d1', d, fullDrop);
    const next = await run('d2', d, { B_TblProceeding: PROC + proc('10', '100', 'Y') + proc('11', '100', '', '2025-06-01 00:00:00.000') });
    expect(next.ftas).toEqual({ new: 0, repeated: 1, rescinded: 1 });
    expect(d.store.ftas.get('IA-10')?.rescindReason).toBe('CASE_REOPENED');
  });

  it('rescinds a no-show whose hearing row now shows another reason', async () => {
    const d = deps();
    await run('d1', d, fullDrop);
    const next = await run('d2', d, { tbl_schedule: SCHED + sched('1', '20', '200', '01') });
    expect(next.ftas.rescinded).toBe(1);
    expect(d.store.ftas.get('NS-1')?.rescindReason).toBe('ADJOURNMENT_CHANGED');
  });

  it('flags a UC case a later full drop omits, never deletes it; a partial drop flags nothing', async () => {
    const d = deps();
    await run('d1', d, fullDrop);
    const partial = await run('d2', d, { A_TblCase: `${CASE}200\tMIAMI\tFL\t33101\t\tUC\r\n` });
    expect(partial.ucCasesOmitted).toBe(0);
    const full = await run('d3', d, { ...fullDrop, A_TblCase: `${CASE}200\tMIAMI\tFL\t33101\t\tUC\r\n` });
    expect(full.ucCasesOmitted).toBe(1);
    expect([...d.store.omitted.keys()]).toEqual(['100']);
    expect(d.store.ucCases.has('100')).toBe(true);
    expect(d.store.ftas.get('IA-10')?.status).toBe('OPEN');
  });

  it('reports Count.txt mismatches and a table Count.txt lists but the drop lacks', async () => {
    const d = deps();
    const report = await run('d1', d, { A_TblCase: fullDrop.A_TblCase }, { countFile: 'A_TblCase\t4\r\ntbl_schedule\t3\r\n' });
    expect(report.countCheck).toEqual({ A_TblCase: { expected: 4, read: 3, matches: false } });
    expect(report.tables.tbl_schedule?.tableRejection?.reason).toBe('TABLE_MISSING');
    expect(report.missingTables).toEqual(['B_TblProceeding', 'tbl_schedule', 'tbl_JuvenileHistory']);
  });

  it('quarantines every rejected row with its reason, and junk never stops the drop', async () => {
    const d = deps();
    const junk = `${PROC}FC\t100\t\t\t\t\t\t\t\r\n\u0000\u0001\u00ff\r\n10\t100\t\t\t\t\tY\t\t\r\n` + proc('12', '100', 'Y');
    const report = await run('d1', d, { tbl_JuvenileHistory: fullDrop.tbl_JuvenileHistory, B_TblProceeding: junk });
    expect(report.tables.B_TblProceeding).toMatchObject({ read: 4, accepted: 1, rejected: 3, rejectedByReason: { KEY_NOT_INTEGER: 1, ROW_MISSING_FIELDS: 1, FTA_DATE_MISSING: 1 } });
    expect(d.quarantine.rows.map((r) => r.reason).sort()).toEqual(['FTA_DATE_MISSING', 'KEY_NOT_INTEGER', 'ROW_MISSING_FIELDS']);
    expect(report.quarantine).toHaveLength(1);
    expect(report.ftas.new).toBe(1);
  });

  it('counts each row exactly once when tables are read in small byte-range chunks in parallel', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => sched(String(1000 + i), '20', '200', i % 10 === 0 ? '11' : '01')).join('');
    const files = { ...fullDrop, tbl_schedule: SCHED + rows };
    const whole = await run('d1', deps(), files);
    const chunked = await run('d1', deps(), files, { chunkSize: 97 }, { chunkBytes: 512, parallelChunks: 4 });
    expect(chunked.tables.tbl_schedule?.chunks).toBeGreaterThan(10);
    const { chunks: _c, ...counts } = chunked.tables.tbl_schedule ?? {};
    expect(counts).toEqual(whole.tables.tbl_schedule);
    expect(chunked.tables.tbl_schedule?.read).toBe(300);
    expect(chunked.ftas).toEqual(whole.ftas);
  });
});
