/**
 * Runs the whole ingest of a generated drop as the deployed docket ingest does when it reads
 * a drop inside one invocation (startDocketDrop, no fan-out), with ports that keep nothing
 * but the UC marks (a store that counts and holds the marked IDNCASEs in a KeySet; a drop
 * ledger whose finish-step notes, kept in DynamoDB when deployed, are dropped), then prints
 * the process's peak RSS. Used by the growth bench in a fresh process per drop size.
 */
import { startDocketDrop } from '../shared/use-cases/start-docket-drop';
import { createInProcessDropLedger } from '../shared/use-cases/steps/ingest/in-process-drop-ledger';
import type { CaseStore } from '../shared/ports/case-store';
import { createReadStream, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { stageCacheCasesForHeap } from '../shared/runtime/heap';
import { KeySet } from '../shared/lib/key-set';
import { tableForFileName, type EoirTableName } from '../shared/domain/eoir-table';
import type { DocketSource } from '../shared/ports/docket-source';

const dir = process.argv[2] as string;
// The UC marks the store holds (DynamoDB, deployed): kept compact, so this process's RSS is
// the ingest's, not a stand-in store's (a Set of 56,000 strings at 4x rows was ~2.5 MB).
const ucCases = new KeySet();
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
  readingDrops: {
    async claim() {}, async release() { return true; }, async takeOverExpired() { return true; }, async reading() { return new Set(); }, async handOff() {},
    async handedOff() { return []; }, async clearHandOffs() {}, async expired() { return []; },
  },
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
// The run's bookkeeping stays in memory (a few items per chunk); the notes for the finish
// step are what the DynamoDB ledger holds deployed: here they are answered and dropped.
const ledger = {
  ...createInProcessDropLedger(),
  async noteKeys(_run: unknown, _chunk: unknown, notes: readonly { table: string; key: string; fta: boolean }[]) {
    return new Map(notes.map((n) => [`${n.table}#${n.key}`, { first: true, recordsFta: n.fta }]));
  },
  async *settledKeys() {},
  async noteToSettle() {},
  async *toSettle() {},
};
const t0 = performance.now();
const started = await startDocketDrop({ dropId: 'bench', location: dir }, 'bench', {
  source,
  store: countingStore,
  // Sized to this process's heap, as the deployed wiring does (chunkDeps).
  stageCacheCases: stageCacheCasesForHeap(),
  publisher: { async publish(m) { return new Set(m.map((x) => x.ftaId)); } },
  quarantine: { async write() { return 'q'; } },
  clock: { now: () => new Date() },
  log: { info: () => undefined, warn: () => undefined, error: () => undefined },
  ledger,
  queue: { async send() { throw new Error('the bench reads the drop inline'); } },
  fanOutBytes: Number.MAX_SAFE_INTEGER,
});
if (started.kind !== 'ingested') throw new Error(`expected an inline ingest, got ${started.kind}`);
const report = started.report;
const read = Object.values(report.tables).reduce((s, t) => s + (t?.read ?? 0), 0);
console.log(JSON.stringify({ rowsRead: read, ftasNew: report.ftas.new, elapsedMs: performance.now() - t0, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
