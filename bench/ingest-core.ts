import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { CASE_TABLE } from '../shared/domain/case';
import { mapColumns, readTableHeader } from '../shared/domain/eoir-table-header';
import { scanTableRange, type ScannedRows } from '../shared/domain/eoir-table-rows';
import { type EoirTableName, type TableSpec } from '../shared/domain/eoir-table';
import { KeySet } from '../shared/lib/key-set';
import { classifyCaseRows } from '../shared/domain/ingest-rules/classify-case-rows';
import { classifyJuvenileRows } from '../shared/domain/ingest-rules/classify-juvenile-rows';
import { classifyProceedingRows } from '../shared/domain/ingest-rules/classify-proceeding-rows';
import { classifyScheduleRows } from '../shared/domain/ingest-rules/classify-schedule-rows';
import type { CaseStanding, SignalShown, StandingOf } from '../shared/domain/ingest-rules/row-verdicts';
import { JUVENILE_HISTORY_TABLE } from '../shared/domain/juvenile';
import { PROCEEDING_TABLE } from '../shared/domain/proceeding';
import { SCHEDULE_TABLE } from '../shared/domain/schedule';

/** The four tables, in the ingest's stage order. */
export const CORE_TABLES: readonly EoirTableName[] = ['tbl_JuvenileHistory', 'A_TblCase', 'B_TblProceeding', 'tbl_schedule'];

/** Baseline: plain readline + split('\t') over the same four files, counting rows. */
export async function readlineSplit(dir: string): Promise<number> {
  let rows = 0;
  let fields = 0;
  for (const table of CORE_TABLES) {
    const rl = createInterface({ input: createReadStream(join(dir, `${table}.csv`)), crlfDelay: Infinity });
    let first = true;
    for await (const line of rl) {
      if (first) {
        first = false;
        continue;
      }
      fields += line.split('\t').length;
      rows += 1;
    }
  }
  return rows + (fields > 0 ? 0 : 0);
}

/**
 * A file's bytes in 1 MiB chunks, read ahead: two buffers, reused, the next chunk read into
 * one while the scan works on the other (it copies each chunk before it asks for the next),
 * as a reader that streams a file would; nothing allocated per read (a read stream
 * allocates a buffer per chunk, which costs page faults and GC work), and no wait on the
 * file system's thread between chunks, which on a loaded machine costs wall time.
 */
export async function* fileChunks(path: string): AsyncGenerator<Uint8Array> {
  const file = await open(path, 'r');
  const size = 1 << 20;
  let reading = Buffer.allocUnsafe(size);
  let spare = Buffer.allocUnsafe(size);
  const read = (into: Buffer): Promise<number> => file.read(into, 0, size, null).then((r) => r.bytesRead);
  let next = read(reading);
  try {
    for (;;) {
      const bytesRead = await next;
      if (bytesRead === 0) return;
      const ready = reading;
      reading = spare;
      spare = ready;
      next = read(reading);
      yield ready.subarray(0, bytesRead);
    }
  } finally {
    await next.catch(() => undefined);
    await file.close();
  }
}

async function* rowsOf<T>(dir: string, spec: TableSpec<T>): AsyncGenerator<ScannedRows<T>> {
  const file = join(dir, `${spec.table}.csv`);
  const head = await readTableHeader(createReadStream(file, { end: 1 << 20 }), spec.table);
  if (!head.ok) throw new Error(head.detail);
  const mapped = mapColumns(head.header, spec);
  if (!mapped.ok) throw new Error(mapped.detail);
  yield* scanTableRange(fileChunks(file), head.header, mapped.indexes, spec);
}

/** The bench drop's as-of: its ADJ_DATEs run 2020-2025, so some hearings are ahead of it. */
export const BENCH_AS_OF = '2025-07-01T00:00:00.000Z';

/**
 * The ingest core over the four tables of a drop, no I/O besides reading the files: header
 * mapping, decode (UTF-8 or cp1252), field cleaning, row parsing with rejection reasons,
 * stray-tab repair, then each table's ingest rules as the ingest runs them on each batch
 * of accepted rows (shared/domain/ingest-rules: UC marks from juvenile UJ/J2 and
 * CASEPRIORITY_CODE `UC`, upcoming hearings, in absentia orders and no-shows of every case,
 * withdrawals, key lines and hearings of UC cases, refusals), with the UC cases in memory
 * where the ingest asks the store (no case has stored signals).
 * Returns each FTA id (the signals shown for UC cases) with its date, and the rows read and rejected.
 */
export async function ingestCore(dir: string): Promise<{ rows: number; rejected: number; ftas: Map<string, string> }> {
  let rows = 0;
  let rejected = 0;
  const drop = { dropId: 'bench', asOf: BENCH_AS_OF };
  // The UC cases (a KeySet): the rules pass over a row of any other case on its case key.
  const uc = new KeySet();
  const UC: CaseStanding = { uc: true, signals: null };
  const standing: StandingOf = Object.assign((caseId: string) => (uc.has(caseId) ? UC : undefined), { known: uc });
  const ftas = new Map<string, string>();
  /** Each batch of accepted rows, as the ingest hands them to the rules (read-drop-table.ts): the row scan's. */
  async function* accepted<T>(spec: TableSpec<T>): AsyncGenerator<ScannedRows<T>> {
    for await (const batch of rowsOf(dir, spec)) {
      rows += batch.length + batch.rejected.length;
      rejected += batch.rejected.length;
      yield batch;
    }
  }
  for await (const batch of accepted(JUVENILE_HISTORY_TABLE)) {
    for (const id of classifyJuvenileRows(batch).ucCaseIds) uc.add(id);
  }
  for await (const batch of accepted(CASE_TABLE)) {
    for (const id of classifyCaseRows(batch, drop).priorityCaseIds) uc.add(id);
  }
  const ftasOf = (shown: readonly SignalShown[]): void => {
    for (const s of shown) if (s.ucCase) ftas.set(s.signal.ftaId, s.signal.date);
  };
  for await (const batch of accepted(PROCEEDING_TABLE)) {
    const out = classifyProceedingRows(batch, standing, drop);
    rejected += out.refusals.size;
    ftasOf(out.shown);
  }
  for await (const batch of accepted(SCHEDULE_TABLE)) {
    const out = classifyScheduleRows(batch, standing, drop);
    rejected += out.refusals.size;
    ftasOf(out.shown);
  }
  return { rows, rejected, ftas };
}
