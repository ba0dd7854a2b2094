import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reconcileOpla, type DojFta } from '../../shared/domain/opla-reconciliation';
import type { OplaEntry } from '../../shared/domain/opla-fta-list';
import type { OplaExportRecord } from '../../shared/ports/reconciliation-basis';
import { ingestOplaList, readOplaList } from '../../shared/use-cases/steps/ingest-opla-list';
import { generateDrop } from '../helpers/drop-generator';
import { tempDir } from '../helpers/temp-dir';
import { generateOplaList } from '../helpers/opla-list-generator';

const fta = (over: Partial<DojFta> & Pick<DojFta, 'ftaId' | 'caseId' | 'date'>): DojFta => ({
  kind: 'IN_ABSENTIA_ORDER', aNumber: null, status: 'OPEN', aor: 'HOU', recordedAt: '2026-01-10T08:00:00.000Z', ...over,
});
let nextLine = 2;
const entry = (over: Partial<OplaEntry> & Pick<OplaEntry, 'ftaDate'>): OplaEntry => ({
  line: nextLine++, caseId: null, aNumber: null, ftaType: 'IN_ABSENTIA_ORDER', recordedOn: '2026-01-20', aor: 'HOU', ...over,
});
const source = (bytes: Buffer) => ({ openObject: async function* () { yield new Uint8Array(bytes); } });

describe('reconcileOpla: the matching rule (same case, same type, dates within 3 days)', () => {
  it('matches 3 days apart but not 4, NO_SHOW to a no-show adjournment, by A-number only when EOIR_CASE_ID is empty', () => {
    const doj = [
      fta({ ftaId: 'IA-1', caseId: '100', date: '2026-01-10' }),
      fta({ ftaId: 'IA-2', caseId: '200', date: '2026-01-10' }),
      fta({ ftaId: 'NS-3', kind: 'NO_SHOW_ADJOURNMENT', caseId: '300', aNumber: '012345678', date: '2026-01-05', aor: 'NYC' }),
      fta({ ftaId: 'IA-4', caseId: '400', aNumber: '087654321', date: '2026-01-05' }),
    ];
    const opla = [
      entry({ caseId: '100', ftaDate: '2026-01-13' }),
      entry({ caseId: '200', ftaDate: '2026-01-14' }),
      entry({ aNumber: '012345678', ftaType: 'NO_SHOW', ftaDate: '2026-01-02', aor: 'NYC' }),
      // EOIR_CASE_ID given: it decides, even though the A-number is the case's.
      entry({ caseId: '999', aNumber: '087654321', ftaDate: '2026-01-05' }),
    ];
    const r = reconcileOpla(doj, opla, '2026-02-09');
    const by = (cat: string) => r.lines.filter((l) => l.category === cat).map((l) => l.ftaId ?? `line ${l.oplaLine}`).sort();
    expect(by('MATCHED')).toEqual(['IA-1', 'NS-3']);
    expect(by('MISSING_FROM_OPLA')).toEqual(['IA-2', 'IA-4']);
    expect(r.lines.filter((l) => l.category === 'UNSUPPORTED').map((l) => [l.caseId ?? l.aNumber, l.reason])).toEqual([['999', 'NO_DOJ_FTA'], ['200', 'NO_DOJ_FTA']]);
    // 2026-01-10 to 2026-02-09: 30 days since the FTA; recorded 2026-01-10: 30 days.
    const missing2 = r.lines.find((l) => l.ftaId === 'IA-2');
    expect([missing2?.daysSinceFta, missing2?.daysSinceRecorded]).toEqual([30, 30]);
    expect(r.byAor).toEqual([
      { aor: 'HOU', matched: 1, missingFromOpla: 2, unsupported: 2, rescindedInDoj: 0, oldestMissingDays: 35 },
      { aor: 'NYC', matched: 1, missingFromOpla: 0, unsupported: 0, rescindedInDoj: 0, oldestMissingDays: null },
    ]);
  });

  it('a rescinded FTA: an entry naming it is unsupported as RESCINDED_IN_DOJ; unlisted, it is not missing', () => {
    const doj = [fta({ ftaId: 'IA-1', caseId: '100', date: '2026-01-10', status: 'RESCINDED' }), fta({ ftaId: 'IA-2', caseId: '200', date: '2026-01-10', status: 'RESCINDED' })];
    const r = reconcileOpla(doj, [entry({ caseId: '100', ftaDate: '2026-01-11' })], '2026-02-01');
    expect(r.lines.map((l) => [l.category, l.reason, l.ftaId, l.dojStatus])).toEqual([['UNSUPPORTED', 'RESCINDED_IN_DOJ', 'IA-1', 'RESCINDED']]);
    expect(r.totals).toMatchObject({ missingFromOpla: 0, unsupported: 1, rescindedInDoj: 1, matched: 0 });
  });

  it('two entries for one FTA: the nearer date matches, the other is a DUPLICATE_ENTRY; an open FTA is preferred to a rescinded one', () => {
    const doj = [
      fta({ ftaId: 'IA-1', caseId: '100', date: '2026-01-10' }),
      fta({ ftaId: 'IA-7', caseId: '700', date: '2026-01-10', status: 'RESCINDED' }),
      fta({ ftaId: 'IA-8', caseId: '700', date: '2026-01-12' }),
    ];
    const far = entry({ caseId: '100', ftaDate: '2026-01-12' });
    const near = entry({ caseId: '100', ftaDate: '2026-01-09' });
    const between = entry({ caseId: '700', ftaDate: '2026-01-10' });
    const r = reconcileOpla(doj, [far, near, between], '2026-02-01');
    expect(r.lines.map((l) => [l.category, l.reason, l.ftaId, l.oplaLine])).toEqual([
      ['UNSUPPORTED', 'DUPLICATE_ENTRY', null, far.line],
      ['MATCHED', null, 'IA-1', near.line],
      ['MATCHED', null, 'IA-8', between.line],
    ]);
  });

  it('the result does not depend on the order of either input', () => {
    const drop = generateDrop({ seed: 311, cases: 80 });
    const doj = drop.expected.ftaDetails.map((f) => fta({ ftaId: f.ftaId, kind: f.kind, caseId: f.caseId, aNumber: f.aNumber, date: f.date }));
    const opla = drop.expected.ftaDetails.flatMap((f, i) =>
      i % 5 === 0 ? [] : [entry({ caseId: f.caseId, ftaType: f.kind === 'IN_ABSENTIA_ORDER' ? 'IN_ABSENTIA_ORDER' : 'NO_SHOW', ftaDate: f.date }), entry({ caseId: f.caseId, ftaType: f.kind === 'IN_ABSENTIA_ORDER' ? 'IN_ABSENTIA_ORDER' : 'NO_SHOW', ftaDate: f.date })],
    );
    const a = reconcileOpla(doj, opla, '2026-03-01');
    const b = reconcileOpla([...doj].reverse(), [...opla].reverse(), '2026-03-01');
    expect(b).toEqual(a);
    expect(a.totals.matched + a.totals.missingFromOpla).toBe(doj.length);
  });
});

describe('reconcileOpla on a generated OPLA list (12% of DOJ FTAs omitted, wrong entries added)', () => {
  it.each([501, 502])('seed %i: the gap, the unsupported entries and the matches are exactly the ones the list was built with', async (seed) => {
    const drop = generateDrop({ seed, cases: 200 });
    const list = generateOplaList(drop, { seed, folder: tempDir('opla') });
    const read = await readOplaList('opla/x/fta-list.csv', source(readFileSync(list.file)));
    expect(read.counts).toMatchObject({ read: list.expected.rows, rejected: list.expected.rejected.length });
    expect(read.quarantine.map((q) => q.split(',').slice(0, 2).join(',')).sort()).toEqual(list.expected.rejected.map((r) => `${r.line},${r.reason}`).sort());

    const doj = drop.expected.ftaDetails.map((f) =>
      fta({ ftaId: f.ftaId, kind: f.kind, caseId: f.caseId, aNumber: f.aNumber, date: f.date, aor: list.expected.aorOf.get(f.ftaId) ?? null }),
    );
    const r = reconcileOpla(doj, read.entries, '2026-06-01');
    const ids = (cat: string) => r.lines.filter((l) => l.category === cat).map((l) => l.ftaId).sort();
    expect(list.expected.omitted.length).toBe(Math.round(drop.expected.ftas * 0.12));
    expect(ids('MISSING_FROM_OPLA')).toEqual(list.expected.omitted.map((f) => f.ftaId).sort());
    expect(ids('MATCHED')).toEqual(list.expected.listed.map((f) => f.ftaId).sort());
    expect(r.lines.filter((l) => l.category === 'UNSUPPORTED').map((l) => `${l.oplaLine} ${l.reason}`).sort()).toEqual(list.expected.wrong.map((w) => `${w.line} ${w.reason}`).sort());
    for (const aor of new Set([...list.expected.aorOf.values()])) {
      const missing = list.expected.omitted.filter((f) => list.expected.aorOf.get(f.ftaId) === aor).length;
      const unsupported = list.expected.wrong.filter((w) => w.aor === aor).length;
      expect(r.byAor.find((a) => a.aor === aor) ?? { missingFromOpla: 0, unsupported: 0 }).toMatchObject({ missingFromOpla: missing, unsupported });
    }
  });
});

describe('readOplaList: the sample fixture', () => {
  it('reads tests/fixtures/sample-opla/fta-list.csv (Windows-1252, quoted fields): every row accepted or rejected with its reason', async () => {
    const read = await readOplaList('opla/sample/fta-list.csv', source(readFileSync(join(import.meta.dirname, '../fixtures/sample-opla/fta-list.csv'))));
    expect(read.encoding).toBe('WINDOWS-1252');
    expect(read.counts).toMatchObject({ read: 7, accepted: 5, rejected: 2, rejectedByReason: { FTA_TYPE_INVALID: 1, KEY_MISSING: 1 } });
    expect(read.entries.map((e) => [e.caseId, e.aNumber, e.ftaType, e.ftaDate, e.aor])).toContainEqual([null, '012345678', 'NO_SHOW', '2025-02-03', 'HOU']);
  });
});

describe('ingestOplaList', () => {
  const deps = (file: string) => {
    const written = new Map<string, string>();
    const recorded: string[] = [];
    return {
      written,
      recorded,
      deps: {
        source: source(Buffer.from(file)),
        files: { putObject: async (key: string, body: string | Uint8Array) => void written.set(key, String(body)) },
        basis: {
          recordOplaExport: async (r: OplaExportRecord) => (recorded.push(r.exportId), r),
          latestOplaExport: async () => undefined,
          lastDropId: async () => null,
        },
        clock: { now: () => new Date('2026-03-01T00:00:00Z') },
        log: { info: () => undefined, warn: () => undefined, error: () => undefined },
      },
    };
  };

  it('refuses a file without the six columns whole, and does not record it as the latest export (it would report every DOJ FTA missing)', async () => {
    const d = deps('EOIR_CASE_ID,A_NUMBER,FTA_DATE\r\n9431127,,2025-01-03\r\n');
    const report = await ingestOplaList({ exportId: 'e1', objectKey: 'opla/e1/fta-list.csv' }, d.deps);
    expect(report.rows.tableRejection).toEqual({ reason: 'HEADER_MISSING_COLUMNS', detail: 'FTA_TYPE, RECORDED_ON, AOR' });
    expect(d.recorded).toEqual([]);
    expect(report.firstArrivedAt).toBeNull();
  });

  it('records a readable export and quarantines its rejected rows with line and reason', async () => {
    const d = deps('AOR,FTA_TYPE,RECORDED_ON,FTA_DATE,A_NUMBER,EOIR_CASE_ID\nHOU,NO_SHOW,2025-01-05,2025-01-03,,9431127\nHOU,NO_SHOW,2025-01-05,2025-02-30,,9431128\n');
    const report = await ingestOplaList({ exportId: 'e2', objectKey: 'opla/e2/fta-list.csv' }, d.deps);
    expect(d.recorded).toEqual(['e2']);
    expect(report.rows).toMatchObject({ read: 2, accepted: 1, rejected: 1 });
    expect(d.written.get('quarantine/opla/e2/fta-list.csv')).toBe('LINE,REASON,ROW\r\n3,DATE_INVALID,"HOU,NO_SHOW,2025-01-05,2025-02-30,,9431128"\r\n');
  });
});
