import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAbsentia } from '../../shared/domain/proceeding';
import type { EoirTableName } from '../../shared/domain/eoir-table';
import { ingestDocketDrop } from '../../shared/use-cases/steps/ingest/ingest-docket-drop';
import { memoryCaseStore, memoryDocketSource, memoryPublisher, memoryQuarantine, silentLog, steppingClock } from '../helpers/in-memory-ports';

const CASES = join(import.meta.dirname, '../fixtures/cases');
const TABLES: EoirTableName[] = ['A_TblCase', 'B_TblProceeding', 'tbl_schedule', 'tbl_JuvenileHistory'];
const tablesOf = (folder: string): Partial<Record<EoirTableName, Buffer>> =>
  Object.fromEntries(TABLES.map((t) => [t, readFileSync(join(CASES, folder, `${t}.csv`))]));

/** A fresh pipeline on in-memory ports; `run` ingests one case folder as a drop. */
function pipeline() {
  const store = memoryCaseStore();
  const publisher = memoryPublisher();
  // Time moves on: a drop that arrives after another is a later drop (its as-of is its first arrival).
  const deps = { store, publisher, quarantine: memoryQuarantine(), clock: steppingClock('2026-11-28T00:00:00Z'), log: silentLog };
  const run = (folder: string, chunkBytes?: number) =>
    ingestDocketDrop(
      { dropId: folder.split('/').pop() ?? folder, location: `drops/${folder}/` },
      { ...deps, source: memoryDocketSource(tablesOf(folder), { chunkSize: 97 }), ...(chunkBytes === undefined ? {} : { chunks: { chunkBytes, parallelChunks: 3 } }) },
    );
  const recorded = () => publisher.sent.filter((m) => m.type === 'FTA_RECORDED').map((m) => m.ftaId).sort();
  const rescinded = () => publisher.sent.filter((m) => m.type === 'FTA_RESCINDED').map((m) => m.ftaId).sort();
  return { store, publisher, run, recorded, rescinded };
}

// Whole, and in byte ranges small enough that a key's copies fall in different chunks.
const CHUNKINGS = [undefined, 1024, 400] as const;

describe('a key repeated within one drop is one record', () => {
  it.each(CHUNKINGS)('c01 drop-fc06 (chunk bytes %s): every line counted, duplicates counted, each FTA recorded and published once', async (chunkBytes) => {
    const p = pipeline();
    const report = await p.run('c01-duplicate-lines/drop-fc06', chunkBytes);
    expect(report.tables.A_TblCase).toMatchObject({ read: 5, accepted: 5, rejected: 0, duplicates: 2 });
    expect(report.tables.B_TblProceeding).toMatchObject({ read: 4, accepted: 4, rejected: 0, duplicates: 1 });
    expect(report.tables.tbl_schedule).toMatchObject({ read: 4, accepted: 4, rejected: 0, duplicates: 1 });
    expect(report.tables.tbl_JuvenileHistory).toMatchObject({ read: 3, accepted: 3, rejected: 0, duplicates: 1 });
    expect(report.ucCasesMarked).toBe(2);
    expect(report.ftas).toEqual({ new: 2, repeated: 0, rescinded: 0 });
    expect(report.ftasPublished).toBe(2);
    expect(report.hearingsRecorded).toBe(2);
    expect(report.conflicts).toBeUndefined();
    expect(p.recorded()).toEqual(['IA-8100001', 'NS-9100002']);
    expect([...p.store.ftas.values()].map((f) => [f.fta.ftaId, f.status, f.published])).toEqual(
      expect.arrayContaining([['IA-8100001', 'OPEN', true], ['NS-9100002', 'OPEN', true]]),
    );
  });

  it.each([
    ['drop-fc06-proc-dup-only', { B_TblProceeding: 1 }, 2, ['IA-8100001', 'NS-9100002']],
    ['drop-fc06-sched-dup-only', { tbl_schedule: 1 }, 2, ['IA-8100001', 'NS-9100002']],
    ['drop-fc06-case-juv-dup-only', { A_TblCase: 2, tbl_JuvenileHistory: 1 }, 2, ['IA-8100001', 'NS-9100002']],
    ['drop-fc06-proc-dup-plus-other-order', { B_TblProceeding: 1 }, 3, ['IA-8100001', 'IA-8100009', 'NS-9100002']],
  ] as const)('c01 %s: duplicates %o, UC cases marked %i, each FTA once, whole or chunked', async (folder, duplicates, marked, ftaIds) => {
    for (const chunkBytes of CHUNKINGS) {
      const p = pipeline();
      const report = await p.run(`c01-duplicate-lines/${folder}`, chunkBytes);
      for (const t of TABLES) {
        const counts = report.tables[t];
        expect(counts?.read).toBe((counts?.accepted ?? 0) + (counts?.rejected ?? 0));
        expect(counts?.duplicates ?? 0).toBe((duplicates as Partial<Record<EoirTableName, number>>)[t] ?? 0);
      }
      expect(report.ucCasesMarked).toBe(marked);
      expect(p.recorded()).toEqual([...ftaIds]);
      expect(report.ftas.new).toBe(ftaIds.length);
    }
  });

  it.each(CHUNKINGS)('c01 rescind pair (chunk bytes %s): a later drop showing the order withdrawn twice rescinds it once', async (chunkBytes) => {
    const p = pipeline();
    await p.run('c01-duplicate-lines/rescind-drop-1');
    const second = await p.run('c01-duplicate-lines/rescind-drop-2-dup-withdrawn', chunkBytes);
    expect(second.ftas).toEqual({ new: 0, repeated: 1, rescinded: 1 });
    expect(second.tables.B_TblProceeding).toMatchObject({ read: 4, accepted: 4, duplicates: 1 });
    expect(p.store.ftas.get('IA-8100001')?.status).toBe('RESCINDED');
    expect(p.store.ftas.get('NS-9100002')?.status).toBe('OPEN');
    expect(p.rescinded()).toEqual(['IA-8100001']);
  });
});

describe('conflicting copies of one key in a drop', () => {
  const PROC = 'IDNPROCEEDING\tIDNCASE\tOSC_DATE\tBASE_CITY_CODE\tCASE_TYPE\tDEC_CODE\tABSENTIA\tHEARING_DATE\tCOMP_DATE\r\n';
  const proc = (id: string, absentia: string) => `${id}\t100\t2022-01-01 00:00:00.000\tHOU\tRMV\tX\t${absentia}\t2025-03-01 00:00:00.000\t2025-03-04 00:00:00.000\r\n`;
  const SCHED = 'IDNSCHEDULE\tIDNPROCEEDING\tIDNCASE\tBASE_CITY_CODE\tADJ_DATE\tADJ_RSN\tADJ_MEDIUM\tCAL_TYPE\r\n';
  const sched = (id: string, rsn: string) => `${id}\t10\t100\tHOU\t2025-01-03 00:00:00.000\t${rsn}\tP\tM\r\n`;
  const filler = (n: number, from: number) => Array.from({ length: n }, (_, i) => proc(String(from + i), 'N')).join('');
  const schedFiller = (n: number, from: number) => Array.from({ length: n }, (_, i) => sched(String(from + i), '8B')).join('');

  // One clock per store, moving on: a drop ingested after another is a later drop.
  const clocks = new WeakMap<object, ReturnType<typeof steppingClock>>();
  const clockOf = (store: object): ReturnType<typeof steppingClock> => {
    const clock = clocks.get(store) ?? steppingClock('2026-11-28T00:00:00Z');
    clocks.set(store, clock);
    return clock;
  };
  const ingest = async (store: ReturnType<typeof memoryCaseStore>, publisher: ReturnType<typeof memoryPublisher>, dropId: string, files: Partial<Record<EoirTableName, string>>, chunkBytes?: number) =>
    ingestDocketDrop(
      { dropId, location: `drops/${dropId}/` },
      {
        source: memoryDocketSource(files, { chunkSize: 50 }), store, publisher, quarantine: memoryQuarantine(),
        clock: clockOf(store), log: silentLog,
        ...(chunkBytes === undefined ? {} : { chunks: { chunkBytes, parallelChunks: 4 } }),
      },
    );

  it.each(CHUNKINGS)('ABSENTIA Y and N in one drop (chunk bytes %s): the order is kept, never rescinded by that drop, and listed', async (chunkBytes) => {
    for (const order of [['Y', 'N'], ['N', 'Y']]) {
      const store = memoryCaseStore();
      store.ucCases.add('100');
      const publisher = memoryPublisher();
      // An earlier drop recorded the order; this one holds it twice, Y and N, far apart.
      await ingest(store, publisher, 'd0', { B_TblProceeding: PROC + proc('10', 'Y') });
      const report = await ingest(store, publisher, 'd1', { B_TblProceeding: PROC + proc('10', order[0] ?? '') + filler(20, 20) + proc('10', order[1] ?? '') }, chunkBytes);
      expect(store.ftas.get('IA-10')?.status).toBe('OPEN');
      expect(report.ftas).toEqual({ new: 0, repeated: 1, rescinded: 0 });
      expect(report.tables.B_TblProceeding).toMatchObject({ read: 22, accepted: 22, duplicates: 1, conflicts: 1 });
      expect(report.conflicts).toEqual({ count: 1, listed: [{ table: 'B_TblProceeding', key: '10', values: ['ABSENTIA=N', 'ABSENTIA=Y 2025-03-04'] }] });
      expect(publisher.sent.filter((m) => m.type === 'FTA_RESCINDED')).toEqual([]);
    }
  });

  it.each(CHUNKINGS)('ADJ_RSN 11 and 09 in a first drop (chunk bytes %s): the no-show is recorded once and listed', async (chunkBytes) => {
    const store = memoryCaseStore();
    store.ucCases.add('100');
    const publisher = memoryPublisher();
    const report = await ingest(store, publisher, 'd1', { tbl_schedule: SCHED + sched('7', '09') + schedFiller(20, 30) + sched('7', '11') }, chunkBytes);
    expect(store.ftas.get('NS-7')?.status).toBe('OPEN');
    expect(publisher.sent.map((m) => `${m.type} ${m.ftaId}`)).toEqual(['FTA_RECORDED NS-7']);
    expect(report.tables.tbl_schedule).toMatchObject({ read: 22, duplicates: 1, conflicts: 1 });
    expect(report.conflicts?.listed).toEqual([{ table: 'tbl_schedule', key: '7', values: ['ADJ_RSN=09', 'ADJ_RSN=11 2025-01-03'] }]);
  });

  it('keeps the no-show copy of a hearing written twice in one batch', async () => {
    const store = memoryCaseStore();
    store.ucCases.add('100');
    await ingest(store, memoryPublisher(), 'd1', { tbl_schedule: SCHED + sched('7', '11') + sched('7', '09') });
    expect(store.hearings.get('7')?.outcome).toBe('NO_SHOW');
  });

  it('counts an order both withdrawn and reopened in one drop as rescinded once', async () => {
    const store = memoryCaseStore();
    store.ucCases.add('100');
    const publisher = memoryPublisher();
    await ingest(store, publisher, 'd0', { B_TblProceeding: PROC + proc('10', 'Y') });
    const reopened = `11\t100\t2025-06-01 00:00:00.000\tHOU\tRMV\t\t\t\t\r\n`;
    const report = await ingest(store, publisher, 'd1', { B_TblProceeding: PROC + proc('10', 'N') + reopened });
    expect(report.ftas.rescinded).toBe(1);
    expect(store.ftas.get('IA-10')?.status).toBe('RESCINDED');
    expect(publisher.sent.filter((m) => m.type === 'FTA_RESCINDED').map((m) => m.ftaId)).toEqual(['IA-10']);
  });

  it('lists at most 100 conflicts and counts them all', async () => {
    const store = memoryCaseStore();
    store.ucCases.add('100');
    const ids = Array.from({ length: 130 }, (_, i) => String(1000 + i));
    const body = ids.map((id) => proc(id, 'Y')).join('') + ids.map((id) => proc(id, 'N')).join('');
    const report = await ingest(store, memoryPublisher(), 'd1', { B_TblProceeding: PROC + body });
    expect(report.conflicts?.count).toBe(130);
    expect(report.conflicts?.listed).toHaveLength(100);
    expect(report.conflicts?.listed[0]?.key).toBe('1000');
    expect(report.ftas.new).toBe(130);
  });
});

describe('ABSENTIA that is neither Y nor N (docs/spec.md §3)', () => {
  it('reads Y as an order, N, empty and missing as none, anything else as unknown', () => {
    expect(['Y', ' y ', 'N', 'n', '', '  ', null, undefined, '2025-01-03 00:00:00.000', 'X', 'YES'].map(readAbsentia)).toEqual([
      'ORDER', 'ORDER', 'NO_ORDER', 'NO_ORDER', 'NO_ORDER', 'NO_ORDER', 'NO_ORDER', 'NO_ORDER', 'UNKNOWN', 'UNKNOWN', 'UNKNOWN',
    ]);
  });

  it.each(CHUNKINGS)('c04 (chunk bytes %s): a date in a later drop neither rescinds the order nor sends anything, and is counted with its reason', async (chunkBytes) => {
    const p = pipeline();
    await p.run('c04-absentia-junk-later-drop/drop-1');
    const second = await p.run('c04-absentia-junk-later-drop/drop-2', chunkBytes);
    expect(p.store.ftas.get('IA-8100001')?.status).toBe('OPEN');
    expect(second.ftas).toEqual({ new: 0, repeated: 1, rescinded: 0 });
    expect(second.tables.B_TblProceeding).toMatchObject({ read: 3, accepted: 3, rejected: 0, valueNotes: { ABSENTIA_VALUE_UNKNOWN: 1 } });
    expect(p.rescinded()).toEqual([]);
    expect(p.recorded()).toEqual(['IA-8100001', 'NS-9100002']);
  });

  it('a junk ABSENTIA on a first sighting records nothing and is still counted', async () => {
    const p = pipeline();
    const report = await p.run('c04-absentia-junk-later-drop/drop-2');
    expect(p.recorded()).toEqual(['NS-9100002']);
    expect(report.tables.B_TblProceeding?.valueNotes).toEqual({ ABSENTIA_VALUE_UNKNOWN: 1 });
  });
});
