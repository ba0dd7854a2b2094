import { describe, expect, it } from 'vitest';
import { createDynamoCaseStore } from '../../shared/adapters/cases-table/dynamo-case-store';
import { createDynamoDropLedger } from '../../shared/adapters/cases-table/dynamo-drop-ledger';
import type { ModelDrop, ModelRoster } from '../helpers/ledger-model';
import { dropFiles, ledgerPorts, readThroughLedger, rosterCsv, type LedgerFta } from '../helpers/ledger-run';
import { useCasesTable } from '../helpers/local-stack';

/**
 * A roster landing while a drop reads its proceedings and schedules stage, on DynamoDB
 * Local: the drop reads each case's UC mark once for the stage (a drop read inside one
 * invocation keeps each case's evidence for the stage), the roster marks the case and
 * settles its signals between two of the stage's chunks, and the drop then stores a signal
 * or a withdrawal for a case it still takes for one that is not a UC case. The FTA must be
 * recorded, or rescinded, by this drop: not left to the next drop that shows it again.
 */
describe('a roster landing between two chunks of a drop\'s proceedings and schedules stage (DynamoDB Local)', () => {
  const table = useCasesTable();
  const ports = () => ledgerPorts(createDynamoCaseStore({ client: table.dynamo, tableName: table.tableName }), { chunkBytes: 64, parallelChunks: 1 });
  const roster = (rosterId: string, caseIds: string[]): ModelRoster => ({ kind: 'roster', rosterId, rows: caseIds.map((c) => ({ aNumber: `02${c}`, eoirCaseId: c })) });
  const ftasOf = async (h: { store: { listFtas: ReturnType<typeof createDynamoCaseStore>['listFtas'] } }, caseIds: string[]): Promise<LedgerFta[]> => {
    const out: LedgerFta[] = [];
    for await (const f of h.store.listFtas()) if (caseIds.includes(f.caseId)) out.push({ ftaId: f.ftaId, caseId: f.caseId, status: f.status });
    return out;
  };
  /**
   * Lands the roster before the first byte range of the table in `file` that starts after
   * the first byte of data line `afterLine` (1-based): the chunks are read one at a time, in
   * order, and a line belongs to the range holding its first byte, so the lines up to
   * `afterLine` are read before it. `landed.nextLineRead` says whether the next line was too.
   */
  const landRosterAfter = (h: ReturnType<typeof ports>, file: string, afterLine: number, rosterFile: ModelRoster) => {
    const lines = file.split('\r\n');
    const offsetOf = (line: number): number => lines.slice(0, line).reduce((n, l) => n + l.length + 2, 0);
    const landed = { at: -1, nextLineRead: true };
    const beforeChunk = async (key: string, fetchStart: number): Promise<void> => {
      // A range is fetched from one byte before its start.
      if (landed.at >= 0 || key !== tableKey(file) || fetchStart + 1 <= offsetOf(afterLine)) return;
      landed.at = fetchStart + 1;
      landed.nextLineRead = landed.at > offsetOf(afterLine + 1);
      await h.roster(rosterFile.rosterId, rosterCsv(rosterFile));
    };
    return { landed, beforeChunk };
  };
  const tableKey = (file: string): string => (file.startsWith('IDNSCHEDULE') ? 'tbl_schedule' : 'B_TblProceeding');

  it('records and publishes the new no-shows of cases the roster made UC cases (one with an order settled by the roster, one with no signal before)', async () => {
    const h = ports();
    const [withOrder, noSignal] = ['7300001', '7300002'];
    const jan: ModelDrop = {
      kind: 'drop', dropId: 'mid-jan', asOf: '2026-01-01',
      proceedings: [{ proceedingId: '8300001', caseId: withOrder, osc: '2022-01-01', absentia: 'Y', compDate: '2025-05-01', hearingDate: '2025-05-01' }],
    };
    const s = (scheduleId: string, caseId: string, adjRsn: string) => ({ scheduleId, proceedingId: '8300009', caseId, adjDate: '2025-09-01', adjRsn });
    // Both cases are read by the stage's first chunks (a hearing each), then show a no-show.
    const feb: ModelDrop = {
      kind: 'drop', dropId: 'mid-feb', asOf: '2026-02-01',
      schedules: [s('9300001', withOrder, '8B'), s('9300002', noSignal, '8B'), s('9300003', withOrder, '11'), s('9300004', noSignal, '11')],
    };
    await h.drop(jan.dropId, dropFiles(jan), jan.asOf);
    expect(await ftasOf(h, [withOrder, noSignal])).toEqual([]);

    const files = dropFiles(feb);
    const mid = landRosterAfter(h, files.tbl_schedule as string, 2, roster('roster-mid', [withOrder, noSignal]));
    const report = await h.drop(feb.dropId, files, feb.asOf, { beforeChunk: mid.beforeChunk });
    // The roster landed after the first two schedule lines were read, before the third.
    expect(mid.landed).toMatchObject({ nextLineRead: false });
    expect(mid.landed.at).toBeGreaterThan(0);
    expect(h.outcome(await ftasOf(h, [withOrder, noSignal]))).toEqual({
      ftas: [
        { ftaId: 'IA-8300001', caseId: withOrder, status: 'OPEN' },
        { ftaId: 'NS-9300003', caseId: withOrder, status: 'OPEN' },
        { ftaId: 'NS-9300004', caseId: noSignal, status: 'OPEN' },
      ],
      notices: ['IA-8300001', 'NS-9300003', 'NS-9300004'],
      corrections: [],
    });
    // The roster recorded the order; the drop the two no-shows.
    expect(report.ftas.new).toBe(2);
  });

  it('a fanned-out drop: a roster landing between a chunk worker\'s lookup of the cases and its write of their no-shows (no stage cache)', async () => {
    const dynamo = createDynamoCaseStore({ client: table.dynamo, tableName: table.tableName });
    const [withOrder, noSignal] = ['7300005', '7300006'];
    const lands = roster('roster-mid-3', [withOrder, noSignal]);
    let landed = false;
    // The roster runs when the worker writes the cases' sightings: after its lookup found them not UC cases.
    const store = {
      ...dynamo,
      signals: {
        ...dynamo.signals,
        async recordSightings(...args: Parameters<typeof dynamo.signals.recordSightings>) {
          if (!landed && args[0].some((x) => x.signal.caseId === noSignal)) {
            landed = true;
            await h.roster(lands.rosterId, rosterCsv(lands));
          }
          return dynamo.signals.recordSightings(...args);
        },
      },
    };
    const h = ledgerPorts(store, { chunkBytes: 64, parallelChunks: 1 });
    const fanOut = readThroughLedger(createDynamoDropLedger({ client: table.dynamo, tableName: table.tableName }), 0);
    const jan: ModelDrop = {
      kind: 'drop', dropId: 'mid-jan-3', asOf: '2026-01-01',
      proceedings: [{ proceedingId: '8300051', caseId: withOrder, osc: '2022-01-01', absentia: 'Y', compDate: '2025-05-01', hearingDate: '2025-05-01' }],
    };
    const s = (scheduleId: string, caseId: string) => ({ scheduleId, proceedingId: '8300059', caseId, adjDate: '2025-09-01', adjRsn: '11' });
    const feb: ModelDrop = { kind: 'drop', dropId: 'mid-feb-3', asOf: '2026-02-01', schedules: [s('9300051', withOrder), s('9300052', noSignal)] };
    await h.drop(jan.dropId, dropFiles(jan), jan.asOf, { reader: fanOut });
    const report = await h.drop(feb.dropId, dropFiles(feb), feb.asOf, { reader: fanOut });
    expect(landed).toBe(true);
    expect(report.fanOut?.chunks).toBeGreaterThan(1);
    expect(h.outcome(await ftasOf(h, [withOrder, noSignal]))).toEqual({
      ftas: [
        { ftaId: 'IA-8300051', caseId: withOrder, status: 'OPEN' },
        { ftaId: 'NS-9300051', caseId: withOrder, status: 'OPEN' },
        { ftaId: 'NS-9300052', caseId: noSignal, status: 'OPEN' },
      ],
      notices: ['IA-8300051', 'NS-9300051', 'NS-9300052'],
      corrections: [],
    });
  });

  it('rescinds, with its correction, an order the roster recorded OPEN when a later line of the drop withdraws it', async () => {
    const h = ports();
    const caseId = '7300003';
    const p = (proceedingId: string, absentia: string, osc: string) => ({ proceedingId, caseId, osc, absentia, compDate: '2025-05-01', hearingDate: '2025-05-01' });
    const jan: ModelDrop = { kind: 'drop', dropId: 'mid-jan-2', asOf: '2026-01-01', proceedings: [p('8300031', 'Y', '2022-01-01')] };
    // The stage's first chunk reads the case (another proceeding), a later one says N.
    const feb: ModelDrop = { kind: 'drop', dropId: 'mid-feb-2', asOf: '2026-02-01', proceedings: [p('8300032', 'N', '2021-01-01'), p('8300031', 'N', '2022-01-01')] };
    await h.drop(jan.dropId, dropFiles(jan), jan.asOf);
    const files = dropFiles(feb);
    const mid = landRosterAfter(h, files.B_TblProceeding as string, 1, roster('roster-mid-2', [caseId]));
    await h.drop(feb.dropId, files, feb.asOf, { beforeChunk: mid.beforeChunk });
    expect(mid.landed).toMatchObject({ nextLineRead: false });
    expect(mid.landed.at).toBeGreaterThan(0);
    // The roster saw the order before the drop's N was stored: notice, then the correction.
    expect(h.outcome(await ftasOf(h, [caseId]))).toEqual({
      ftas: [{ ftaId: 'IA-8300031', caseId, status: 'RESCINDED' }],
      notices: ['IA-8300031'],
      corrections: ['IA-8300031'],
    });
  });
});
