import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dropTriggeredBy } from '../../shared/adapters/s3-docket-source';
import { openZipDrop } from '../../shared/adapters/zip-drop';
import type { EoirTableName } from '../../shared/domain/eoir-table';
import { readTableHeader } from '../../shared/domain/eoir-table-header';
import type { MetricPoint } from '../../shared/domain/program-metrics';
import type { DocketSource, DropListing, TableFile } from '../../shared/ports/docket-source';
import type { ReportArchive } from '../../shared/ports/report-archive';
import { createInProcessDropLedger } from '../../shared/use-cases/steps/ingest/in-process-drop-ledger';
import { startDocketDrop } from '../../shared/use-cases/start-docket-drop';
import { ingestDocketDrop } from '../../shared/use-cases/steps/ingest/ingest-docket-drop';
import { dropMetrics } from '../../shared/use-cases/steps/ingest/finish-drop-run';
import { fixedClock, memoryCaseStore, memoryChunkQueue, memoryDocketSource, memoryPublisher, memoryQuarantine, silentLog } from '../helpers/in-memory-ports';
import { makeZip } from '../helpers/zip';

const PREFIXES = { drops: 'drops/', unpacked: 'unpacked/' };
const JUV = 'idnJuvenileHistory\tidnCase\tidnProceeding\tidnJuvenile\tDATCREATEDON\tDATMODIFIEDON\r\n';
const PROC = 'IDNPROCEEDING\tIDNCASE\tOSC_DATE\tBASE_CITY_CODE\tCASE_TYPE\tDEC_CODE\tABSENTIA\tHEARING_DATE\tCOMP_DATE\r\n';
const proc = (id: string, caseId: string) => `${id}\t${caseId}\t2022-01-01 00:00:00.000\tHOU\tRMV\tX\tY\t2025-03-01 00:00:00.000\t2025-03-04 00:00:00.000\r\n`;
const SCHED = 'IDNSCHEDULE\tIDNPROCEEDING\tIDNCASE\tBASE_CITY_CODE\tCAL_TYPE\tADJ_DATE\tADJ_RSN\tADJ_MEDIUM\r\n';
const sched = (id: string, caseId: string) => `${id}\t10\t${caseId}\tHOU\tM\t2025-02-01 00:00:00.000\t11\tP\r\n`;
const deps = (source: DocketSource, extra: Record<string, unknown> = {}) => ({
  source, store: memoryCaseStore(), publisher: memoryPublisher(), quarantine: memoryQuarantine(), clock: fixedClock('2026-11-28T00:00:00Z'), log: silentLog, ...extra,
});
const drop = { dropId: 'd1', location: 'drops/d1/' };

/** A drop source whose tables may have several files (file key -> bytes). */
function filesSource(files: Record<string, { table: EoirTableName; body: string }>, extra: Partial<DropListing> = {}): DocketSource {
  const tables = new Map<EoirTableName, TableFile[]>();
  for (const [key, f] of Object.entries(files)) tables.set(f.table, [...(tables.get(f.table) ?? []), { key, size: Buffer.byteLength(f.body), rangeReadable: true }]);
  return {
    async listDrop() {
      return { tables, countFile: null, refused: new Map(), ...extra };
    },
    async *openTable(_d, key, from = 0) {
      yield Buffer.from(files[key]?.body ?? '', 'latin1').subarray(from);
    },
  };
}

describe('which S3 objects start an ingest', () => {
  it.each(['drops/d1/Count.txt', 'drops/d1/COUNT.TXT', 'drops/d1/count.txt', 'drops/d1/READY', 'drops/d1/ready', 'drops/d1/EOIR Case Data/Count.txt', 'unpacked/d1/Count.txt'])(
    'starts the folder drop for the marker %s',
    (key) => {
      expect(dropTriggeredBy(key, PREFIXES)).toMatchObject({ dropId: 'd1', kind: 'folder' });
    },
  );
  it.each(['drops/release.zip', 'drops/release.ZIP', 'drops/release.Zip'])('starts the zip drop %s', (key) => {
    expect(dropTriggeredBy(key, PREFIXES)).toEqual({ dropId: 'release', location: key, kind: 'zip' });
  });
  it.each(['drops/d1/A_TblCase.csv', 'drops/d1/Lookup/tblLookup_Juvenile.csv', 'drops/d1/a/b/Count.txt', 'drops/d1/old.zip', 'unpacked/x.zip', 'quarantine/d1/Count.txt', 'drops/d1/unpacked-from-zip.json'])(
    'starts nothing for %s',
    (key) => {
      expect(dropTriggeredBy(key, PREFIXES)).toBeUndefined();
    },
  );
});

describe('header detection after blank lines', () => {
  const HEADER = 'IDNCASE\tALIEN_CITY\r\n';
  async function* chunked(blank: number, chunk = 64 * 1024): AsyncIterable<Uint8Array> {
    const blanks = Buffer.alloc(chunk, '\r\n');
    for (let sent = 0; sent < blank; sent += chunk) yield blanks.subarray(0, Math.min(chunk, blank - sent));
    yield Buffer.from(`${HEADER}1\tHOUSTON\r\n`);
  }
  it.each([4, 8, 16])('looks at each byte once for %i MiB of blank lines before the header (linear work)', async (mib) => {
    const blank = mib * 1024 * 1024;
    const scan = { bytes: 0 };
    const head = await readTableHeader(chunked(blank), 'A_TblCase', undefined, scan);
    expect(head).toMatchObject({ ok: true, header: { names: ['idncase', 'alien_city'], byteLength: blank + HEADER.length } });
    // Every blank byte once, then the header line up to its LF: never a byte twice.
    expect(scan.bytes).toBe(blank + HEADER.length);
  });

  it('finds the rows after megabytes of blank lines in a drop', async () => {
    const blank = '\r\n'.repeat(2 * 1024 * 1024);
    const d = deps(memoryDocketSource({ tbl_JuvenileHistory: `${blank}${JUV}1\t100\t10\t4\t\t\r\n`, B_TblProceeding: PROC + proc('10', '100') }));
    const report = await ingestDocketDrop(drop, d);
    expect(report.tables.tbl_JuvenileHistory).toMatchObject({ read: 1, accepted: 1 });
    expect(report.ftas.new).toBe(1);
  });
});

describe('a table with two files', () => {
  it('reads both, names each with its own counts, and quarantines them in parts of their own', async () => {
    const d = deps(
      filesSource({
        'drops/d1/tbl_JuvenileHistory.csv': { table: 'tbl_JuvenileHistory', body: `${JUV}1\t100\t10\t4\t\t\r\n2\t200\t20\t4\t\t\r\n` },
        'drops/d1/tbl_schedule.csv': { table: 'tbl_schedule', body: SCHED + sched('1', '100') + 'broken\r\n' },
        'drops/d1/tbl_schedule.txt': { table: 'tbl_schedule', body: SCHED + sched('2', '200') + sched('3', '200') + 'broken\r\n' },
      }),
    );
    const report = await ingestDocketDrop(drop, d);
    expect([...d.store.ftas.keys()].sort()).toEqual(['NS-1', 'NS-2', 'NS-3']);
    expect(report.tables.tbl_schedule).toMatchObject({ read: 5, accepted: 3, rejected: 2 });
    expect(report.tables.tbl_schedule?.files).toEqual([
      { key: 'drops/d1/tbl_schedule.csv', read: 2, accepted: 1, rejected: 1 },
      { key: 'drops/d1/tbl_schedule.txt', read: 3, accepted: 2, rejected: 1 },
    ]);
    // Two quarantine parts: the second file's part does not overwrite the first's.
    expect(new Set(report.quarantine).size).toBe(2);
  });

  it('names a file whose header is unusable and still reads the other', async () => {
    const d = deps(
      filesSource({
        'drops/d1/tbl_JuvenileHistory.csv': { table: 'tbl_JuvenileHistory', body: `${JUV}1\t100\t10\t4\t\t\r\n` },
        'drops/d1/tbl_schedule.csv': { table: 'tbl_schedule', body: SCHED + sched('1', '100') },
        'drops/d1/tbl_schedule.txt': { table: 'tbl_schedule', body: 'NOT\tA\tSCHEDULE\r\n' },
      }),
    );
    const report = await ingestDocketDrop(drop, d);
    expect(report.tables.tbl_schedule?.tableRejection).toBeUndefined();
    expect(report.tables.tbl_schedule?.files?.[1]).toMatchObject({ key: 'drops/d1/tbl_schedule.txt', read: 0, tableRejection: { reason: 'HEADER_MISSING_COLUMNS' } });
    expect([...d.store.ftas.keys()]).toEqual(['NS-1']);
  });
});

describe('a drop with nothing readable', () => {
  it('is a failure with a reason in its report, and publishes DropsFailed', async () => {
    const points: MetricPoint[] = [];
    const d = deps(filesSource({}, { ignored: [{ file: 'drops/d1/Lookup/tblLookup_Juvenile.csv', reason: 'EOIR_LOOKUP_TABLE' }] }), {
      metrics: { publish: (p: readonly MetricPoint[]) => points.push(...p) },
    });
    const report = await ingestDocketDrop(drop, d);
    expect(report.failure).toMatchObject({ reason: 'NOTHING_READABLE' });
    expect(report.failure?.detail).toMatch(/1 EOIR_LOOKUP_TABLE/);
    expect(points.find((p) => p.name === 'DropsFailed')?.value).toBe(1);
    expect(d.store.reports).toHaveLength(1);
  });

  it('is not said of a drop with one readable table', async () => {
    const report = await ingestDocketDrop(drop, deps(memoryDocketSource({ tbl_JuvenileHistory: JUV })));
    expect(report.failure).toBeUndefined();
    expect(dropMetrics(report).find((p) => p.name === 'DropsFailed')?.value).toBe(0);
  });
});

describe('the Count.txt shortfall', () => {
  it('is measured in tables and rows read short of the count (a longer table is no shortfall)', async () => {
    const source = memoryDocketSource(
      { tbl_JuvenileHistory: `${JUV}1\t100\t10\t4\t\t\r\n`, B_TblProceeding: PROC + proc('10', '100') + proc('11', '100') },
      { countFile: 'tbl_JuvenileHistory\t4\r\nB_TblProceeding\t1\r\n' },
    );
    const report = await ingestDocketDrop(drop, deps(source));
    expect(dropMetrics(report).filter((p) => p.name.startsWith('CountShortfall'))).toEqual([
      { name: 'CountShortfallTables', unit: 'Count', value: 1 },
      { name: 'CountShortfallRows', unit: 'Count', value: 3 },
    ]);
  });
});

describe('long lists in a report', () => {
  it('puts 3,000 files not read in S3, keeping their counts by reason in the report', async () => {
    const written: { name: string; entries: readonly unknown[] }[] = [];
    const reports: ReportArchive = {
      async writeList(dropId, runId, name, entries) {
        written.push({ name, entries });
        return `reports/drops/${dropId}/${runId}/${name}.json`;
      },
    };
    const ignored = Array.from({ length: 3000 }, (_, i) => ({ file: `drops/d1/misc/${'x'.repeat(150)}-${i}.txt`, reason: 'UNKNOWN_TABLE' as const }));
    const d = deps(filesSource({ 'drops/d1/tbl_JuvenileHistory.csv': { table: 'tbl_JuvenileHistory', body: JUV } }, { ignored }), { reports });
    const report = await ingestDocketDrop(drop, d);
    expect(report.ignoredFiles).toBeUndefined();
    expect(report.ignoredByReason).toEqual({ UNKNOWN_TABLE: 3000 });
    expect(report.lists?.ignoredFiles).toMatchObject({ count: 3000, key: expect.stringMatching(/^reports\/drops\/d1\/.+\/ignored-files\.json$/) });
    expect(written.map((w) => [w.name, w.entries.length])).toEqual([['ignored-files', 3000]]);
    expect(Buffer.byteLength(JSON.stringify(report))).toBeLessThan(10_000);
  });
});

describe('the outbox at the start of an ingest', () => {
  it('sends an FTA an earlier run stored but could not queue before reading the new drop', async () => {
    const failIds = new Set(['IA-10']);
    const publisher = memoryPublisher({ failIds });
    const d = { ...deps(memoryDocketSource({ tbl_JuvenileHistory: `${JUV}1\t100\t10\t4\t\t\r\n`, B_TblProceeding: PROC + proc('10', '100') })), publisher };
    await expect(ingestDocketDrop(drop, d)).rejects.toMatchObject({ code: 'FTA_PUBLISH_FAILED' });
    failIds.clear();
    let sentBeforeReading = -1;
    const next = memoryDocketSource({ tbl_JuvenileHistory: JUV });
    const watching: DocketSource = {
      async listDrop(ref) {
        sentBeforeReading = publisher.sent.length;
        return next.listDrop(ref);
      },
      openTable: (ref, key, from) => next.openTable(ref, key, from),
    };
    await ingestDocketDrop({ dropId: 'd2', location: 'drops/d2/' }, { ...d, source: watching });
    expect(sentBeforeReading).toBe(1);
    expect(publisher.sent.map((m) => m.ftaId)).toEqual(['IA-10']);
  });
});

describe('zip entries by compression method', () => {
  const bufferReader = (zip: Buffer) => async function* (start: number, end: number): AsyncIterable<Uint8Array> {
    yield zip.subarray(start, end);
  };
  it('decodes Deflate64 (method 9) entries', async () => {
    const zip = readFileSync(join(import.meta.dirname, '../fixtures/cases/c02-deflate64-zip/EOIR Case Data deflate64.zip'));
    const opened = await openZipDrop('drops/c02.zip', bufferReader(zip), zip.length);
    expect([...opened.listing.tables.keys()].sort()).toEqual(['A_TblCase', 'B_TblProceeding', 'tbl_JuvenileHistory', 'tbl_schedule']);
    expect(opened.listing.countFile?.toString('latin1')).toMatch(/^A_TblCase\t3/);
    const entry = opened.listing.tables.get('tbl_JuvenileHistory')?.[0];
    const parts: Uint8Array[] = [];
    for await (const c of opened.openEntry(entry?.key ?? '', 0)) parts.push(c);
    const text = Buffer.concat(parts).toString('latin1');
    expect(text.startsWith('idnJuvenileHistory\tidnCase')).toBe(true);
    expect(Buffer.concat(parts).length).toBe(entry?.size);
  });

  it('refuses an entry of another method (bzip2, 12) for its table, with the method named, and lists the rest', async () => {
    const zip = makeZip([
      { name: 'Data/A_TblCase.csv', data: Buffer.from('IDNCASE\r\n') },
      { name: 'Data/tbl_JuvenileHistory.csv', data: Buffer.from(JUV) },
    ]);
    zip.writeUInt16LE(12, 8); // the first entry's local header
    zip.writeUInt16LE(12, zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 10); // and its central record
    const opened = await openZipDrop('drops/z.zip', bufferReader(zip), zip.length);
    expect(opened.listing.refused.get('A_TblCase')).toMatch(/A_TblCase\.csv: compression method 12 is not supported/);
    expect([...opened.listing.tables.keys()]).toEqual(['tbl_JuvenileHistory']);
  });
});

describe('an ingest that fails', () => {
  it('leaves a failure note saying why beside the report lists of the run, and still fails for Lambda to retry', async () => {
    const written: { dropId: string; runId: string; name: string; entries: readonly unknown[] }[] = [];
    const broken: DocketSource = {
      async listDrop() {
        throw new Error('the zip central directory is corrupt');
      },
      openTable: () => (async function* () {})(),
    };
    const d = {
      ...deps(broken),
      ledger: createInProcessDropLedger(),
      queue: memoryChunkQueue(),
      fanOutBytes: 1024 * 1024,
      reports: { writeList: async (dropId: string, runId: string, name: string, entries: readonly unknown[]) => (written.push({ dropId, runId, name, entries }), `reports/drops/${dropId}/${runId}/${name}.json`) },
    };
    await expect(startDocketDrop(drop, 'seq-7', d)).rejects.toThrow(/central directory is corrupt/);
    expect(written).toMatchObject([{ dropId: 'd1', runId: 's3-seq-7', name: 'failure', entries: [{ error: 'the zip central directory is corrupt', location: 'drops/d1/' }] }]);
  });
});
