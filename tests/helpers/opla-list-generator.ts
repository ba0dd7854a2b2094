import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { aorForCourt } from '../../shared/domain/courts';
import type { GeneratedDrop, GeneratedFta } from './drop-generator';
import { mulberry32, shiftDays } from './eoir-rows';

/**
 * OPLA's FTA list as OIG found it (OIG-24-46: about 28,000 of DOJ's 32,000+ UC FTAs): built
 * from a generated drop's ground truth, it omits a share of the FTAs (12% by default) and
 * adds wrong entries, and says what each row is, from how it was built (never from the
 * reconciliation): the FTAs it lists, those it omits, the wrong entries with the reason
 * they are unsupported, and the rows the ingest must reject.
 */
export interface GeneratedOplaList {
  readonly file: string;
  readonly expected: {
    /** Data rows written (header excluded). */
    readonly rows: number;
    /** FTAs the list names correctly (one entry each). */
    readonly listed: readonly GeneratedFta[];
    /** FTAs the list omits. */
    readonly omitted: readonly GeneratedFta[];
    /** Entries no DOJ FTA supports, with the reason (their lines). */
    readonly wrong: readonly { readonly line: number; readonly reason: 'NO_DOJ_FTA' | 'DUPLICATE_ENTRY'; readonly aor: string }[];
    /** Rows the ingest rejects, with the reason. */
    readonly rejected: readonly { readonly line: number; readonly reason: string }[];
    /** The AOR each FTA's court lies in (courts.ts data), by ftaId. */
    readonly aorOf: ReadonlyMap<string, string>;
  };
}

const oplaType = (f: GeneratedFta): string => (f.kind === 'IN_ABSENTIA_ORDER' ? 'IN_ABSENTIA_ORDER' : 'NO_SHOW');

/**
 * Writes `<folder>/fta-list.csv` (UTF-8 with a BOM, CRLF, as Excel saves) for `drop`.
 * Listed FTAs are named by EOIR_CASE_ID (every fourth by A_NUMBER alone), dated within the
 * 3-day window (both edges used). Wrong entries: a case DOJ has no FTA for, a listed FTA's
 * twin 5 days off, the other FTA type for a case that has only one, a second entry 2 days
 * off an FTA listed on its own date (DUPLICATE_ENTRY). Rejected rows: a bad type, no case
 * reference, a bad date, an unknown AOR, an exact repeat of a row.
 */
export function generateOplaList(drop: GeneratedDrop, options: { seed: number; folder: string; omitShare?: number }): GeneratedOplaList {
  const rnd = mulberry32(options.seed);
  const ftas = [...drop.expected.ftaDetails].sort((a, b) => a.ftaId.localeCompare(b.ftaId));
  const order = ftas.map((f) => ({ f, k: rnd() })).sort((a, b) => a.k - b.k).map((x) => x.f);
  const omitCount = Math.round(ftas.length * (options.omitShare ?? 0.12));
  const omitted = order.slice(0, omitCount);
  const listed = order.slice(omitCount);
  const aorOf = new Map(ftas.map((f) => [f.ftaId, aorForCourt(f.court) ?? 'UNKNOWN']));
  type Row = { fields: string[]; kind: 'good' } | { fields: string[]; kind: 'wrong'; reason: 'NO_DOJ_FTA' | 'DUPLICATE_ENTRY'; aor: string } | { fields: string[]; kind: 'rejected'; reason: string };
  const rows: Row[] = [];
  const jitters = [-3, -2, -1, 0, 1, 2, 3];
  const dupTarget = listed[0] as GeneratedFta;
  listed.forEach((f, i) => {
    const jitter = f === dupTarget ? 0 : (jitters[Math.floor(rnd() * jitters.length)] as number);
    const byANumber = i % 4 === 3;
    rows.push({
      kind: 'good',
      fields: [byANumber ? '' : f.caseId, byANumber || i % 3 === 0 ? f.aNumber : '', shiftDays(f.date, jitter), oplaType(f), shiftDays(f.date, 20), aorOf.get(f.ftaId) as string],
    });
  });
  const aorFor = (f: GeneratedFta): string => aorOf.get(f.ftaId) as string;
  const twin = listed[1] as GeneratedFta;
  rows.push({ kind: 'wrong', reason: 'NO_DOJ_FTA', aor: 'HOU', fields: ['9999999', '', '2025-03-03', 'NO_SHOW', '2025-03-20', 'HOU'] });
  rows.push({ kind: 'wrong', reason: 'NO_DOJ_FTA', aor: aorFor(twin), fields: [twin.caseId, '', shiftDays(twin.date, 5), oplaType(twin), shiftDays(twin.date, 20), aorFor(twin)] });
  const kindsOf = (caseId: string) => new Set(ftas.filter((f) => f.caseId === caseId).map((f) => f.kind));
  const single = ftas.find((f) => kindsOf(f.caseId).size === 1) as GeneratedFta;
  rows.push({
    kind: 'wrong', reason: 'NO_DOJ_FTA', aor: aorFor(single),
    fields: [single.caseId, '', single.date, single.kind === 'IN_ABSENTIA_ORDER' ? 'NO_SHOW' : 'IN_ABSENTIA_ORDER', shiftDays(single.date, 20), aorFor(single)],
  });
  rows.push({ kind: 'wrong', reason: 'DUPLICATE_ENTRY', aor: aorFor(dupTarget), fields: [dupTarget.caseId, '', shiftDays(dupTarget.date, 2), oplaType(dupTarget), shiftDays(dupTarget.date, 21), aorFor(dupTarget)] });
  const some = listed[2] as GeneratedFta;
  rows.push({ kind: 'rejected', reason: 'FTA_TYPE_INVALID', fields: [some.caseId, '', some.date, 'FTA', '2025-01-01', 'HOU'] });
  rows.push({ kind: 'rejected', reason: 'KEY_MISSING', fields: ['', '', some.date, 'NO_SHOW', '2025-01-01', 'HOU'] });
  rows.push({ kind: 'rejected', reason: 'DATE_INVALID', fields: [some.caseId, '', '13/45/2025', 'NO_SHOW', '2025-01-01', 'HOU'] });
  rows.push({ kind: 'rejected', reason: 'AOR_INVALID', fields: [some.caseId, '', some.date, 'NO_SHOW', '2025-01-01', 'XYZ'] });
  const first = rows[0] as Row;
  rows.push({ kind: 'rejected', reason: 'OPLA_ENTRY_DUPLICATE', fields: [...first.fields] });
  // Shuffled, except that the repeated row comes after the row it repeats (the first row wins).
  const body = rows.slice(1, -1).map((r) => ({ r, k: rnd() })).sort((a, b) => a.k - b.k).map((x) => x.r);
  const ordered = [first, ...body, rows[rows.length - 1] as Row];
  const wrong: { line: number; reason: 'NO_DOJ_FTA' | 'DUPLICATE_ENTRY'; aor: string }[] = [];
  const rejected: { line: number; reason: string }[] = [];
  ordered.forEach((r, i) => {
    if (r.kind === 'wrong') wrong.push({ line: i + 2, reason: r.reason, aor: r.aor });
    if (r.kind === 'rejected') rejected.push({ line: i + 2, reason: r.reason });
  });
  mkdirSync(options.folder, { recursive: true });
  const file = join(options.folder, 'fta-list.csv');
  const lines = [['EOIR_CASE_ID', 'A_NUMBER', 'FTA_DATE', 'FTA_TYPE', 'RECORDED_ON', 'AOR'], ...ordered.map((r) => r.fields)];
  writeFileSync(file, `\uFEFF${lines.map((l) => l.join(',')).join('\r\n')}\r\n`);
  return { file, expected: { rows: ordered.length, listed, omitted, wrong, rejected, aorOf } };
}

/**
 * A later partial drop (B_TblProceeding only) that shows these in-absentia orders'
 * proceedings with ABSENTIA `N`: each order is rescinded.
 */
export function writeRescindingDrop(drop: GeneratedDrop, orders: readonly GeneratedFta[], folder: string): string {
  const [header, ...rows] = readFileSync(join(drop.folder, 'B_TblProceeding.csv'), 'utf8').split('\r\n').filter((l) => l !== '');
  const columns = (header as string).split('\t');
  const id = columns.indexOf('IDNPROCEEDING');
  const absentia = columns.indexOf('ABSENTIA');
  const wanted = new Set(orders.map((o) => o.proceedingId));
  const out = rows
    .map((l) => l.split('\t'))
    .filter((f) => wanted.has(f[id] as string))
    .map((f) => f.map((v, i) => (i === absentia ? 'N' : v)).join('\t'));
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'B_TblProceeding.csv'), `${[header, ...out].join('\r\n')}\r\n`);
  return folder;
}
