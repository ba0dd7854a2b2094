/**
 * Runs the whole ingest use case over a generated drop with ports that keep nothing (a
 * store that only counts), then prints the process's peak RSS. Used by bench/run.ts in a
 * fresh process per drop size.
 */
import { ingestDocketDrop } from '../shared/use-cases/ingest-docket-drop';
import type { CaseStore } from '../shared/ports/case-store';
import { createReadStream, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tableForFileName, type EoirTableName } from '../shared/domain/eoir-table';
import type { DocketSource } from '../shared/ports/docket-source';

const dir = process.argv[2] as string;
const ucCases = new Set<string>();
const countingStore: CaseStore = {
  async markUcCases(m) { for (const x of m) ucCases.add(x.caseId); return m.length; },
  async findUcCases(ids) { return new Set(ids.filter((i) => ucCases.has(i))); },
  async recordFtas(f) { return f.map(() => 'new' as const); },
  async *unpublishedFtas() {},
  async markFtasPublished() {},
  async saveDropReport() {},
  async recordCaseSightings() {},
  async recordAddresses() {},
  async recordHearings() {},
  async findOpenFtas() { return []; },
  async openFtasOfCases() { return []; },
  async rescindFtas() { return 0; },
  async *unpublishedRescissions() {},
  async markRescissionsPublished() {},
  async flagUcCasesNotSeen() { return 0; },
  async recordRescindedFtas() { return 0; },
  // Keeps nothing: every case reads as having no signals.
  signals: {
    async lookupCases(ids) { return new Map(ids.map((id) => [id, { uc: ucCases.has(id), signals: null, settled: false }])); },
    async recordSightings(s) { return s.map((x) => ({ ...x.signal, seen: [{ asOf: x.asOf, dropId: x.signal.provenance.dropId }], withdrawals: [] })); },
    async recordWithdrawals() { return []; },
    async signalsOfCases() { return []; },
    async markSettled() {},
  },
  aNumbers: { async indexCases() { return new Set(); }, async indexRoster() { return []; } },
  dropAsOf: { async fix(_id, candidate) { return candidate; } },
};
const source: DocketSource = {
  async listDrop() {
    const tables = new Map<EoirTableName, { key: string; size: number; rangeReadable: boolean }[]>();
    for (const f of readdirSync(dir)) {
      const t = tableForFileName(f);
      if (t) tables.set(t, [...(tables.get(t) ?? []), { key: join(dir, f), size: statSync(join(dir, f)).size, rangeReadable: true }]);
    }
    return { tables, countFile: readFileSync(join(dir, 'Count.txt')), refused: new Map() };
  },
  openTable(_d, key, fromByte = 0) {
    return createReadStream(key, { start: fromByte, highWaterMark: 64 * 1024 });
  },
};
const report = await ingestDocketDrop(
  { dropId: 'bench', location: dir },
  {
    source,
    store: countingStore,
    publisher: { async publish(m) { return new Set(m.map((x) => x.ftaId)); } },
    quarantine: { async write() { return 'q'; } },
    clock: { now: () => new Date() },
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
  },
);
const read = Object.values(report.tables).reduce((s, t) => s + (t?.read ?? 0), 0);
console.log(JSON.stringify({ rowsRead: read, ftasNew: report.ftas.new, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
