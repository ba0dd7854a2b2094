import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { CASE_TABLE } from '../shared/domain/case';
import { mapColumns, readTableHeader } from '../shared/domain/eoir-table-header';
import { parseTableRange } from '../shared/domain/eoir-table-rows';
import { type EoirTableName, type ParsedRow, type TableSpec } from '../shared/domain/eoir-table';
import { detectInAbsentiaOrder } from '../shared/domain/fta';
import { isUnaccompaniedCode, JUVENILE_HISTORY_TABLE } from '../shared/domain/juvenile';
import { PROCEEDING_TABLE } from '../shared/domain/proceeding';
import { detectNoShow, SCHEDULE_TABLE } from '../shared/domain/schedule';

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

async function* rowsOf<T>(dir: string, spec: TableSpec<T>): AsyncGenerator<ParsedRow<T>[]> {
  const file = join(dir, `${spec.table}.csv`);
  const head = await readTableHeader(createReadStream(file, { end: 1 << 20 }), spec.table);
  if (!head.ok) throw new Error(head.detail);
  const mapped = mapColumns(head.header, spec);
  if (!mapped.ok) throw new Error(mapped.detail);
  yield* parseTableRange(createReadStream(file, { highWaterMark: 64 * 1024 }), head.header, mapped.indexes, spec);
}

/**
 * The ingest core over the four tables of a drop, no I/O besides reading the files: header
 * mapping, decode (UTF-8 or cp1252), field cleaning, row parsing with rejection reasons,
 * stray-tab repair, UC classification (juvenile marks UJ/J2 and CASEPRIORITY_CODE `UC`, an
 * in-memory set) and FTA detection (in absentia orders and no-shows of UC cases).
 * Returns each FTA id with its date, and the rows read and rejected.
 */
export async function ingestCore(dir: string): Promise<{ rows: number; rejected: number; ftas: Map<string, string> }> {
  let rows = 0;
  let rejected = 0;
  const uc = new Set<string>();
  const ftas = new Map<string, string>();
  const provenance = (table: EoirTableName) => ({ dropId: 'bench', table, lineNumber: 0 });
  for await (const batch of rowsOf(dir, JUVENILE_HISTORY_TABLE)) {
    for (const row of batch) {
      rows += 1;
      if (!row.result.ok) rejected += 1;
      else if (isUnaccompaniedCode(row.result.value.idnJuvenile)) uc.add(row.result.value.caseId);
    }
  }
  for await (const batch of rowsOf(dir, CASE_TABLE)) {
    for (const row of batch) {
      rows += 1;
      if (!row.result.ok) rejected += 1;
      else if (row.result.value.ucPriority) uc.add(row.result.value.caseId);
    }
  }
  const ia = provenance('B_TblProceeding');
  for await (const batch of rowsOf(dir, PROCEEDING_TABLE)) {
    for (const row of batch) {
      rows += 1;
      if (!row.result.ok) {
        rejected += 1;
        continue;
      }
      const p = row.result.value;
      if (!uc.has(p.caseId)) continue;
      const found = detectInAbsentiaOrder(p, ia);
      if (found.kind === 'fta') ftas.set(found.fta.ftaId, found.fta.date);
    }
  }
  const ns = provenance('tbl_schedule');
  for await (const batch of rowsOf(dir, SCHEDULE_TABLE)) {
    for (const row of batch) {
      rows += 1;
      if (!row.result.ok) {
        rejected += 1;
        continue;
      }
      const s = row.result.value;
      if (!uc.has(s.caseId)) continue;
      const found = detectNoShow(s, ns);
      if (found.kind === 'fta') ftas.set(found.fta.ftaId, found.fta.date);
    }
  }
  return { rows, rejected, ftas };
}
