import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EOIR_TABLES } from '../../shared/domain/eoir-table';
import { ingestDocketDrop } from '../../shared/use-cases/steps/ingest/ingest-docket-drop';
import { generateDrop } from '../helpers/drop-generator';
import { fixedClock, memoryCaseStore, memoryDocketSource, memoryPublisher, memoryQuarantine, silentLog } from '../helpers/in-memory-ports';

/**
 * The generated drops' ground truth (what the fault and PII suites expect) is written from
 * docs/spec.md §2-3, not from the ingest: this checks the two agree, so a suite that finds
 * a different count has found a fault, not a stale expectation.
 */
describe('generated drops', () => {
  it.each([101, 102, 108])('seed %i: the ingest finds exactly the FTAs and rejections the generator says it wrote', async (seed) => {
    const drop = generateDrop({ seed, cases: 60, shiftedRows: 2 });
    const files = Object.fromEntries(EOIR_TABLES.map((t) => [t, readFileSync(join(drop.folder, `${t}.csv`))]));
    const store = memoryCaseStore();
    const publisher = memoryPublisher();
    const report = await ingestDocketDrop(
      { dropId: drop.dropId, location: `drops/${drop.dropId}/` },
      { source: memoryDocketSource(files), store, publisher, quarantine: memoryQuarantine(), clock: fixedClock('2026-11-28T00:00:00Z'), log: silentLog },
    );
    expect(drop.expected.inAbsentiaOrders).toBeGreaterThan(0);
    expect(drop.expected.noShows).toBeGreaterThan(0);
    expect(report.ucCasesMarked).toBe(drop.expected.ucCases);
    expect(report.ftas).toEqual({ new: drop.expected.ftas, repeated: 0, rescinded: 0 });
    expect([...store.ftas.keys()].map((k) => k.replace(/^.*#/, '')).sort()).toEqual([...drop.expected.ftaIds].sort());
    expect(report.tables.B_TblProceeding).toMatchObject({ read: drop.expected.proceedingRows, rejected: drop.expected.proceedingRejected });
    expect(report.tables.tbl_schedule).toMatchObject({ read: drop.expected.scheduleRows, rejected: 0 });
    expect(report.tables.tbl_JuvenileHistory).toMatchObject({ read: drop.expected.juvenileRows, rejected: 0 });
  });
});
