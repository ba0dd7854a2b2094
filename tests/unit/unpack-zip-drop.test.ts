import { describe, expect, it } from 'vitest';
import { createInProcessDropLedger } from '../../shared/use-cases/steps/ingest/in-process-drop-ledger';
import type { EoirTableName } from '../../shared/domain/eoir-table';
import { UNPACKED_ZIP_MANIFEST, UnpackedZipManifest } from '../../shared/messages/unpacked-zip';
import type { DocketSource, DropListing, DropRef } from '../../shared/ports/docket-source';
import { startDocketDrop, type FanOutDeps } from '../../shared/use-cases/start-docket-drop';
import { dropFromObjectKey } from '../../shared/adapters/s3-docket-source';
import { mustUnpack, UNPACKED_BY_META, unpackZipDrop } from '../../shared/use-cases/steps/unpack-zip-drop';
import {
  fixedClock,
  memoryCaseStore,
  memoryChunkQueue,
  memoryDocketSource,
  memoryPublisher,
  memoryQuarantine,
  memoryStaging,
  silentLog,
} from '../helpers/in-memory-ports';

const ZIP: DropRef = { dropId: 'release-2026-11', location: 'drops/release-2026-11.zip', kind: 'zip' };

const TABLES: Record<EoirTableName, string> = {
  tbl_JuvenileHistory: 'idnJuvenileHistory\tidnCase\tidnProceeding\tidnJuvenile\r\n1\t1000\t5000\t4\r\n',
  A_TblCase: 'IDNCASE\tALIEN_CITY\tALIEN_STATE\tALIEN_ZIPCODE\tCASEPRIORITY_CODE\r\n1000\tHOUSTON\tTX\t77002\tUC\r\n',
  B_TblProceeding:
    'IDNPROCEEDING\tIDNCASE\tOSC_DATE\tBASE_CITY_CODE\tCASE_TYPE\tDEC_CODE\tABSENTIA\tHEARING_DATE\tCOMP_DATE\r\n' +
    '5000\t1000\t2023-01-01\tHOU\tRMV\tX\tY\t2024-01-01\t2024-01-01\r\n'.repeat(40),
  tbl_schedule: 'IDNSCHEDULE\tIDNPROCEEDING\tIDNCASE\tBASE_CITY_CODE\tCAL_TYPE\tADJ_DATE\tADJ_RSN\tADJ_MEDIUM\r\n',
};
const COUNT = 'A_TblCase\t1\r\nB_TblProceeding\t40\r\ntbl_schedule\t0\r\ntbl_JuvenileHistory\t1\r\n';

/**
 * A zip drop in memory, as zip-drop.ts lists one: entries under the data folder, read
 * whole only (rangeReadable false), a lookup table ignored and a hostile entry refused.
 */
function zipSource(options: { countFile?: string; sizeOf?: Partial<Record<EoirTableName, number>> } = {}): DocketSource {
  const inner = memoryDocketSource(TABLES, { chunkSize: 7 });
  return {
    async listDrop(): Promise<DropListing> {
      const tables = new Map(
        (Object.keys(TABLES) as EoirTableName[])
          .filter((t) => t !== 'tbl_JuvenileHistory')
          .map((t) => [t, [{ key: t, size: options.sizeOf?.[t] ?? Buffer.byteLength(TABLES[t], 'latin1'), rangeReadable: false }]] as const),
      );
      return {
        tables,
        countFile: options.countFile === undefined ? null : Buffer.from(options.countFile),
        refused: new Map([['tbl_JuvenileHistory', 'entry compression ratio is that of a zip bomb']]),
        ignored: [
          { file: 'Lookup/tblLookupJudge.csv', reason: 'EOIR_LOOKUP_TABLE' },
          { file: '../../etc/passwd', reason: 'ENTRY_UNSAFE' },
        ],
      };
    },
    openTable: (drop, key, from) => inner.openTable(drop, key, from),
  };
}

const deps = (source: DocketSource, staging = memoryStaging()) => ({ source, staging, prefix: 'unpacked/', clock: fixedClock('2026-11-28T12:00:00Z'), log: silentLog });

describe('mustUnpack', () => {
  it('unpacks a zip when a table is bigger than one invocation reads whole, and never a folder', async () => {
    const listing = await zipSource().listDrop(ZIP);
    const proceedings = Buffer.byteLength(TABLES.B_TblProceeding, 'latin1');
    expect(mustUnpack(listing, proceedings - 1)).toBe(true);
    expect(mustUnpack(listing, proceedings)).toBe(false);
    const folder = await memoryDocketSource(TABLES).listDrop({ dropId: 'd', location: 'drops/d/' });
    expect(mustUnpack(folder, 1)).toBe(false);
  });
});

describe('unpackZipDrop', () => {
  it('streams each table into a folder of the same drop id under unpacked/ (never into drops/), then the manifest, then the zip’s Count.txt as the marker', async () => {
    const source = zipSource({ countFile: COUNT });
    const listing = await source.listDrop(ZIP);
    const d = deps(source);
    const out = await unpackZipDrop(ZIP, listing, 'seq-1', d);

    expect(out).toMatchObject({ kind: 'unpacked', folder: 'unpacked/release-2026-11/', marker: 'unpacked/release-2026-11/Count.txt', tables: 3, duplicate: false });
    for (const t of ['A_TblCase', 'B_TblProceeding', 'tbl_schedule'] as const) {
      expect(d.staging.objects.get(`unpacked/release-2026-11/${t}.csv`)?.body.toString('latin1')).toBe(TABLES[t]);
    }
    // The refused entry is not copied; nothing but the tables, the manifest and the marker is written.
    expect(d.staging.writes.slice(-2)).toEqual([`unpacked/release-2026-11/${UNPACKED_ZIP_MANIFEST}`, 'unpacked/release-2026-11/Count.txt']);
    expect(d.staging.writes).toHaveLength(5);
    expect(out.bytes).toBe(['A_TblCase', 'B_TblProceeding', 'tbl_schedule'].reduce((n, t) => n + Buffer.byteLength(TABLES[t as EoirTableName], 'latin1'), 0));
    const marker = d.staging.objects.get('unpacked/release-2026-11/Count.txt');
    expect(marker?.body.toString()).toBe(COUNT);
    expect(marker?.metadata).toEqual({ [UNPACKED_BY_META]: 'seq-1' });

    const manifest = UnpackedZipManifest.parse(JSON.parse(d.staging.objects.get(`unpacked/release-2026-11/${UNPACKED_ZIP_MANIFEST}`)?.body.toString() ?? ''));
    expect(manifest).toMatchObject({ dropId: 'release-2026-11', zipKey: ZIP.location, trigger: 'seq-1', countFile: true, unpackedAt: '2026-11-28T12:00:00.000Z' });
    expect(manifest.tables.map((t) => t.key).sort()).toEqual(['unpacked/release-2026-11/A_TblCase.csv', 'unpacked/release-2026-11/B_TblProceeding.csv', 'unpacked/release-2026-11/tbl_schedule.csv']);
    expect(manifest.refused).toEqual([{ table: 'tbl_JuvenileHistory', detail: 'entry compression ratio is that of a zip bomb' }]);
    expect(manifest.ignored).toEqual(listing.ignored);
  });

  it('marks a zip without Count.txt with an empty READY', async () => {
    const d = deps(zipSource());
    const out = await unpackZipDrop(ZIP, await d.source.listDrop(ZIP), 'seq-1', d);
    expect(out.marker).toBe('unpacked/release-2026-11/READY');
    expect(d.staging.objects.get(out.marker)?.body.length).toBe(0);
    expect(d.staging.writes.at(-1)).toBe(out.marker);
  });

  it('writes nothing again for the same event (duplicate delivery, retry after the marker landed), but unpacks a new upload', async () => {
    const d = deps(zipSource({ countFile: COUNT }));
    const listing = await d.source.listDrop(ZIP);
    await unpackZipDrop(ZIP, listing, 'seq-1', d);
    const before = d.staging.writes.length;
    expect(await unpackZipDrop(ZIP, listing, 'seq-1', d)).toMatchObject({ duplicate: true, bytes: 0 });
    expect(d.staging.writes).toHaveLength(before);
    expect(await unpackZipDrop(ZIP, listing, 'seq-2', d)).toMatchObject({ duplicate: false });
    expect(d.staging.writes).toHaveLength(before * 2);
    expect(d.staging.objects.get('unpacked/release-2026-11/Count.txt')?.metadata).toEqual({ [UNPACKED_BY_META]: 'seq-2' });
  });

  it('writes no marker when a table fails mid-stream (the other uploads are aborted), so the folder is never read half-written; the retry completes it', async () => {
    const source = zipSource({ countFile: COUNT });
    const listing = await source.listDrop(ZIP);
    const failing = deps(source, memoryStaging({ failStreamOf: 'B_TblProceeding.csv' }));
    await expect(unpackZipDrop(ZIP, listing, 'seq-1', failing)).rejects.toThrow(/connection reset/);
    // The other tables' uploads were aborted, not left to run on.
    expect(failing.staging.objects.has('unpacked/release-2026-11/A_TblCase.csv')).toBe(false);
    expect(failing.staging.objects.has('unpacked/release-2026-11/Count.txt')).toBe(false);
    expect(failing.staging.objects.has(`unpacked/release-2026-11/${UNPACKED_ZIP_MANIFEST}`)).toBe(false);

    // The retry of the same event, the connection healthy again: unpacks everything, then the marker.
    failing.staging.failStreamOf = undefined;
    const out = await unpackZipDrop(ZIP, listing, 'seq-1', failing);
    expect(out.duplicate).toBe(false);
    expect(failing.staging.objects.get('unpacked/release-2026-11/B_TblProceeding.csv')?.body.toString('latin1')).toBe(TABLES.B_TblProceeding);
    expect(failing.staging.objects.get('unpacked/release-2026-11/Count.txt')?.metadata).toEqual({ [UNPACKED_BY_META]: 'seq-1' });
    expect(failing.staging.writes.at(-1)).toBe('unpacked/release-2026-11/Count.txt');
  });

  it('fails, without a marker, when an entry gives other than the bytes its zip directory declares', async () => {
    const d = deps(zipSource({ countFile: COUNT, sizeOf: { A_TblCase: 10 } }));
    await expect(unpackZipDrop(ZIP, await d.source.listDrop(ZIP), 'seq-1', d)).rejects.toThrow(/A_TblCase gave \d+ bytes; its directory says 10/);
    expect(d.staging.objects.has('unpacked/release-2026-11/Count.txt')).toBe(false);
  });
});

describe('startDocketDrop with a zip', () => {
  const fanOut = (source: DocketSource, fanOutBytes: number, staging?: ReturnType<typeof memoryStaging>): FanOutDeps => ({
    source,
    store: memoryCaseStore(),
    publisher: memoryPublisher(),
    quarantine: memoryQuarantine(),
    ledger: createInProcessDropLedger(),
    queue: memoryChunkQueue(),
    clock: fixedClock('2026-11-28T12:00:00Z'),
    log: silentLog,
    fanOutBytes,
    chunks: { chunkBytes: 1024, parallelChunks: 2 },
    ...(staging === undefined ? {} : { unpack: { staging, prefix: 'unpacked/' } }),
  });

  it('unpacks a zip with a big table and reads nothing of it here', async () => {
    const staging = memoryStaging();
    const d = fanOut(zipSource({ countFile: COUNT }), 1024, staging);
    const started = await startDocketDrop(ZIP, 'seq-1', d);
    expect(started).toMatchObject({ kind: 'unpacked', dropId: 'release-2026-11', tables: 3 });
    expect((d.queue as ReturnType<typeof memoryChunkQueue>).sent).toEqual([]);
    expect(await d.ledger.getRun('release-2026-11', 's3-seq-1')).toBeUndefined();
    expect((d.publisher as ReturnType<typeof memoryPublisher>).sent).toEqual([]);
  });

  it('reads a zip whose tables are all small in this invocation, as before', async () => {
    const staging = memoryStaging();
    const started = await startDocketDrop(ZIP, 'seq-1', fanOut(zipSource({ countFile: COUNT }), 1024 * 1024, staging));
    expect(started.kind).toBe('ingested');
    expect(staging.writes).toEqual([]);
  });

  it('says why when a function that cannot write drops gets a big zip', async () => {
    await expect(startDocketDrop(ZIP, 'seq-1', fanOut(zipSource(), 1024))).rejects.toThrow(/must be unpacked/);
  });
});

describe('dropFromObjectKey', () => {
  const prefixes = { drops: 'drops/', unpacked: 'unpacked/' };
  it('knows folder drops, zip drops and the folders big zips are unpacked into, by their keys', () => {
    expect(dropFromObjectKey('drops/d1/Count.txt', prefixes)).toEqual({ dropId: 'd1', location: 'drops/d1/', kind: 'folder' });
    expect(dropFromObjectKey('drops/EOIR Case Data.zip', prefixes)).toEqual({ dropId: 'EOIR Case Data', location: 'drops/EOIR Case Data.zip', kind: 'zip' });
    expect(dropFromObjectKey('unpacked/EOIR Case Data/READY', prefixes)).toEqual({ dropId: 'EOIR Case Data', location: 'unpacked/EOIR Case Data/', kind: 'folder' });
    // A zip under unpacked/ is no drop of its own, nor is anything outside the two prefixes.
    expect(dropFromObjectKey('unpacked/x.zip', prefixes)).toBeUndefined();
    expect(dropFromObjectKey('quarantine/d1/Count.txt', prefixes)).toBeUndefined();
    expect(dropFromObjectKey('drops/Count.txt', prefixes)).toBeUndefined();
  });
});
