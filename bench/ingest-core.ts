import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { mapColumns, parseTableRange, readTableHeader } from '../shared/domain/eoir-table';
import { detectNoShow, SCHEDULE_TABLE } from '../shared/domain/schedule';

/** Baseline: plain readline + split('\t') over the file, counting rows. */
export async function readlineSplit(file: string): Promise<number> {
  let rows = 0;
  let fields = 0;
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let first = true;
  for await (const line of rl) {
    if (first) {
      first = false;
      continue;
    }
    fields += line.split('\t').length;
    rows += 1;
  }
  return rows + (fields > 0 ? 0 : 0);
}

/**
 * The ingest core over tbl_schedule, no I/O besides reading the file: header mapping,
 * decode (UTF-8 or cp1252), field cleaning, row parsing with rejection reasons, stray-tab
 * repair, UC classification (an in-memory set) and no-show FTA detection.
 */
export async function ingestCore(file: string, ucCases: ReadonlySet<string>): Promise<{ rows: number; ftas: number; rejected: number }> {
  const head = await readTableHeader(createReadStream(file, { end: 1 << 20 }), 'tbl_schedule');
  if (!head.ok) throw new Error(head.detail);
  const mapped = mapColumns(head.header, SCHEDULE_TABLE);
  if (!mapped.ok) throw new Error(mapped.detail);
  let rows = 0;
  let ftas = 0;
  let rejected = 0;
  const provenance = { dropId: 'bench', table: 'tbl_schedule' as const, lineNumber: 0 };
  for await (const batch of parseTableRange(createReadStream(file, { highWaterMark: 64 * 1024 }), head.header, mapped.indexes, SCHEDULE_TABLE)) {
    for (const row of batch) {
      rows += 1;
      if (!row.result.ok) {
        rejected += 1;
        continue;
      }
      const s = row.result.value;
      if (!ucCases.has(s.caseId)) continue;
      if (detectNoShow(s, provenance).kind === 'fta') ftas += 1;
    }
  }
  return { rows, ftas, rejected };
}
