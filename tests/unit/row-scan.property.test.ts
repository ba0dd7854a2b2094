import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CASE_TABLE, type CaseRow } from '../../shared/domain/case';
import { mapColumns, readTableHeader } from '../../shared/domain/eoir-table-header';
import { SCAN_BATCH_BYTES, scanTableRange, type ScannedRows } from '../../shared/domain/eoir-table-rows';
import type { TableSpec } from '../../shared/domain/eoir-table';
import { KeySet } from '../../shared/lib/key-set';
import { classifyCaseRows } from '../../shared/domain/ingest-rules/classify-case-rows';
import { classifyProceedingRows } from '../../shared/domain/ingest-rules/classify-proceeding-rows';
import { classifyScheduleRows } from '../../shared/domain/ingest-rules/classify-schedule-rows';
import type { CaseStanding, LocatedRow, StandingOf } from '../../shared/domain/ingest-rules/row-verdicts';
import { PROCEEDING_TABLE, type ProceedingRow } from '../../shared/domain/proceeding';
import { SCHEDULE_TABLE, type ScheduleRow } from '../../shared/domain/schedule';

/*
 * The row scan's fast path (a plain row held as its fields' bounds, read by the rules
 * field by field, built only when a rule keeps it) against a plain reference parse of the
 * same bytes: each line split on LF, CR dropped, decoded (UTF-8, else Windows-1252), split on TAB, each
 * field cleaned as EOIR's conventions say (control characters out, trimmed, NULL / N/A /
 * empty as null), then the table's own parse. Rows carry EOIR's quirks: CRLF, padded
 * codes, cp1252 and UTF-8 bytes, NULs, stray TABs, keys missing or not integers.
 */

const B = (s: string): Buffer => Buffer.from(s, 'latin1');

/** A field's bytes: mostly its value, sometimes padded, with a NUL or a DEL, or as a placeholder. */
const quirky = (values: readonly string[]): fc.Arbitrary<Buffer> =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...values).map(B) },
    { weight: 1, arbitrary: fc.constantFrom(...values).map((v) => B(` ${v}  `)) },
    { weight: 1, arbitrary: fc.constantFrom(...values).map((v) => B(`${v}\0`)) },
    { weight: 1, arbitrary: fc.constantFrom(...values).map((v) => B(`\x7f${v}`)) },
    { weight: 1, arbitrary: fc.constantFrom('', 'NULL', 'N/A', ' ').map(B) },
  );
const key = quirky(['1', '7', '42', '901', '902', '903', '000123', '123', '0', '00', '123456789012', '999999999999', '4294967294', '4294967295', 'FC', '12a', '1234567890123']);
const day = quirky(['2025-02-28', '2025-03-01', '2025-03-01 00:00:00.000', '2026-01-15', '2024-05-02T08:30', 'junk', '2025-13-01', '2025-03']);
const code = (values: readonly string[]): fc.Arbitrary<Buffer> => quirky(values);
/**
 * Bytes >= 0x80 among letters and spaces: any single byte (cp1252's own 0x80-0x9F, a
 * no-break space 0xA0, UTF-8 leads and continuations alone) or a whole UTF-8 character
 * (ü, €, a no-break space), so lines come out UTF-8, cp1252, or with a UTF-8 start that
 * turns out not to be UTF-8.
 */
const highBytes = fc
  .array(
    fc.oneof(
      { weight: 2, arbitrary: fc.constantFrom([0x20], [0x41], [0x5a]) },
      { weight: 2, arbitrary: fc.integer({ min: 0x80, max: 0xff }).map((b) => [b]) },
      { weight: 1, arbitrary: fc.constantFrom('ü', '€', '\u00a0').map((c) => [...Buffer.from(c, 'utf8')]) },
    ),
    { minLength: 1, maxLength: 6 },
  )
  .map((parts) => Buffer.from(parts.flat()));
/** Free text (a city): ASCII, a cp1252 byte (é), UTF-8 (ü), other bytes >= 0x80, or a stray TAB inside. */
const city = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('HOUSTON', 'SAN JUAN', '').map(B) },
  { weight: 1, arbitrary: fc.constant(Buffer.concat([B('MAYAG'), Buffer.from([0xfc]), B('EZ')])) },
  { weight: 1, arbitrary: fc.constant(Buffer.concat([B('MAYAG'), Buffer.from('ü', 'utf8'), B('EZ')])) },
  { weight: 1, arbitrary: fc.constant(Buffer.concat([B('CAF'), Buffer.from([0xe9])])) },
  { weight: 2, arbitrary: highBytes },
  { weight: 1, arbitrary: fc.constant(B('SAN\tANTONIO')) },
);

interface TableCase<T> {
  readonly spec: TableSpec<T>;
  readonly header: readonly string[];
  readonly fields: fc.Arbitrary<Buffer[]>;
}

const SCHEDULE: TableCase<ScheduleRow> = {
  spec: SCHEDULE_TABLE,
  header: ['IDNSCHEDULE', 'IDNPROCEEDING', 'IDNCASE', 'LANG', 'BASE_CITY_CODE', 'CAL_TYPE', 'ADJ_DATE', 'ADJ_TIME_START', 'ADJ_RSN', 'ADJ_MEDIUM', 'ADJ_MSG'],
  fields: fc.tuple(
    key, key, key, city, code(['HOU', 'SNA', 'NYC']), code(['M', 'I', 'Ñ', '\u0096', '\u00a0M']), day, code(['0830', '1300', '93']),
    code(['11', '09', '10', '33', '25']), code(['P', 'p', 'H', 'V', 'T']), city,
  ),
};
const PROCEEDING: TableCase<ProceedingRow> = {
  spec: PROCEEDING_TABLE,
  header: ['IDNPROCEEDING', 'IDNCASE', 'OSC_DATE', 'BASE_CITY_CODE', 'HEARING_DATE', 'DEC_CODE', 'COMP_DATE', 'ABSENTIA', 'CASE_TYPE', 'NAT'],
  fields: fc.tuple(
    key, key, day, code(['HOU', 'SNA']), day, code(['X', 'D', 'A']), day, code(['Y', 'y', 'N', 'n', '2024-01-01', 'X']), code(['RMV', 'AOC']), city,
  ),
};
const CASES: TableCase<CaseRow> = {
  spec: CASE_TABLE,
  header: ['IDNCASE', 'ALIEN_CITY', 'ALIEN_STATE', 'ALIEN_ZIPCODE', 'ALIEN_NBR', 'LATEST_HEARING', 'LATEST_TIME', 'UPDATE_SITE', 'CASEPRIORITY_CODE'],
  fields: fc.tuple(
    key, city, code(['TX', 'pr']), code(['78201', '00602', '1234']), code(['012345678', 'A12345678', '99']), day, code(['0830', '0900']),
    code(['HOU', 'SNA']), code(['UC', 'uc', 'Uc', 'UC1', 'D']),
  ),
};

/** A file: the header, then each row's fields joined by TAB, each line LF or CRLF. */
const fileOf = (header: readonly string[], rows: readonly { fields: Buffer[]; crlf: boolean }[]): Buffer =>
  Buffer.concat([
    B(`${header.join('\t')}\r\n`),
    ...rows.flatMap(({ fields, crlf }) => [...fields.flatMap((f, i) => (i === 0 ? [f] : [B('\t'), f])), B(crlf ? '\r\n' : '\n')]),
  ]);

/** The reference: EOIR's field conventions written out plainly. */
function referenceClean(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  // eslint-disable-next-line no-control-regex
  const v = raw.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return v === '' || v === 'NULL' || v === 'N/A' ? null : v;
}
/**
 * Windows-1252's bytes 0x80-0x9F (the Unicode consortium's cp1252.txt); the five it leaves
 * undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) read as the same code point, as latin-1 does.
 * Every other byte is the code point of the same number.
 */
const WINDOWS_1252_80_9F =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';
function referenceDecode(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return Array.from(bytes, (b) => (b >= 0x80 && b <= 0x9f ? WINDOWS_1252_80_9F[b - 0x80] : String.fromCharCode(b))).join('');
  }
}
/** Each line's cleaned values of the spec's columns (required, then optional), or its field count when it has a stray TAB. */
function referenceRows<T>(spec: TableSpec<T>, header: readonly string[], file: Buffer): ({ values: (string | null)[] } | { fields: number })[] {
  const names = header.map((h) => h.toLowerCase());
  const wanted = [...spec.columns, ...(spec.optionalColumns ?? [])].map((c) => names.indexOf(c.toLowerCase()));
  // Lines split on the bytes, each decoded on its own (a UTF-8 line beside a cp1252 one).
  const lines = file.toString('latin1').split('\n').slice(1).map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)).filter((l) => l !== '');
  return lines.map((line) => {
    const fields = referenceDecode(B(line)).split('\t');
    if (fields.length !== header.length) return { fields: fields.length };
    return { values: wanted.map((i) => (i < 0 ? null : referenceClean(fields[i]))) };
  });
}

async function* chunksOf(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}
/** How the bytes arrive (`chunk`: the source's chunk size) and how many the scan gathers per batch (`batch`). */
interface Cut {
  readonly chunk: number;
  readonly batch: number;
  /** The scan's first batch (it doubles up to `batch`); the scan's default when absent. */
  readonly first?: number;
}
async function scan<T>(spec: TableSpec<T>, file: Buffer, { chunk, batch, first }: Cut): Promise<ScannedRows<T>[]> {
  const head = await readTableHeader(chunksOf(file, 1 << 20), spec.table);
  if (!head.ok) throw new Error(head.detail);
  const mapped = mapColumns(head.header, spec);
  if (!mapped.ok) throw new Error(mapped.detail);
  const out: ScannedRows<T>[] = [];
  for await (const rows of scanTableRange(chunksOf(file, chunk), head.header, mapped.indexes, spec, undefined, undefined, batch, first)) out.push(rows);
  return out;
}

/**
 * The batches as the ingest hands them over when it gathers several chunks' rows into one
 * (ScannedRows.absorb): the accepted rows in the first batch, every batch's rejected rows kept.
 */
function gathered<T>(batches: ScannedRows<T>[]): ScannedRows<T>[] {
  const [first, ...rest] = batches;
  if (first === undefined) return [];
  const rejected = rest.map((b) => Object.assign(Object.create(null) as ScannedRows<T>, { length: 0, rejected: b.rejected }));
  for (const b of rest) first.absorb(b);
  return [first, ...rejected];
}

/** The file as the byte-level scan reads it, and as the reference does, compared row by row. */
async function scanAgreesWithReference<T>(t: TableCase<T>, rows: { fields: Buffer[]; crlf: boolean }[], chunk: Cut, gather = false): Promise<void> {
  const file = fileOf(t.header, rows);
  const expected = referenceRows(t.spec, t.header, file);
  const batches = gather ? gathered(await scan(t.spec, file, chunk)) : await scan(t.spec, file, chunk);
  const seen: { line: number; value?: T; values?: (string | null)[]; reason?: string; repaired?: boolean }[] = [];
  const width = t.spec.columns.length + (t.spec.optionalColumns?.length ?? 0);
  for (const b of batches) {
    for (let i = 0; i < b.length; i++) {
      const row = b.row(i);
      const values = Array.from({ length: width }, (_, k) => b.field(i, k));
      // fieldIs, isNull and fieldAtLeast say what the field's string says.
      for (let k = 0; k < width; k++) {
        const v = values[k] ?? null;
        expect(b.fieldIs(i, k, '11')).toBe(v === '11');
        expect(b.isNull(i, k)).toBe(v === null);
        expect(b.fieldAtLeast(i, k, '2025-03-01')).toBe(v !== null && v >= '2025-03-01');
      }
      const caseId = values[t.spec.columns.findIndex((c) => c.toLowerCase() === 'idncase')];
      expect(b.caseId(i)).toBe(caseId);
      // The case key: an accepted IDNCASE is 1-12 digits (the format); its value when written
      // plainly (no leading zero) and below 2^32 - 1, else none (-1: asked by the string).
      expect(caseId).toMatch(/^[0-9]{1,12}$/);
      const plain = /^(0|[1-9][0-9]{0,9})$/.test(caseId as string) && Number(caseId) < 2 ** 32 - 1;
      expect(b.caseKey(i)).toBe(plain ? Number(caseId) : -1);
      seen.push({ line: row.lineNumber, value: row.value, values, repaired: b.isRepaired(i) });
    }
    for (const r of b.rejected) seen.push({ line: r.lineNumber, reason: r.result.reason });
  }
  seen.sort((a, b) => a.line - b.line);
  // Every line is one row, accepted or rejected.
  expect(seen.map((s) => s.line)).toEqual(expected.map((_, i) => i + 2));
  expected.forEach((want, i) => {
    const got = seen[i] as (typeof seen)[number];
    if ('fields' in want) {
      // A stray TAB: repaired (accepted, or rejected for the repaired row's keys) or rejected as shifted.
      if (got.reason === undefined) expect(got.repaired).toBe(true);
      else expect(['ROW_EXTRA_FIELDS', 'KEY_MISSING', 'KEY_NOT_INTEGER']).toContain(got.reason);
      return;
    }
    const parsed = t.spec.parse(want.values);
    if (parsed.ok) {
      expect(got.reason).toBeUndefined();
      expect(got.values).toEqual(want.values);
      expect(got.value).toEqual(parsed.value);
    } else expect(got.reason).toBe(parsed.reason);
  });
}

/** Runs per property; each run scans a file in small chunks, slow on a loaded machine (hence the hang guard below). */
const RUNS = 60;
const HANG_GUARD = { timeout: 120_000 };

const rowsOf = (fields: fc.Arbitrary<Buffer[]>) => fc.array(fc.record({ fields, crlf: fc.boolean() }), { minLength: 1, maxLength: 30 });
/** Chunk sizes of the source, and batch sizes of the scan down to a byte (a line then spans many batches). */
const chunkSize: fc.Arbitrary<Cut> = fc.oneof(
  fc.record({ chunk: fc.constantFrom(3, 17, 64, 4096), batch: fc.constantFrom(1, 40, 256, SCAN_BATCH_BYTES) }),
  // Batches growing from a few bytes (as the scan's first ones grow to SCAN_BATCH_BYTES).
  fc.record({ chunk: fc.constantFrom(3, 17, 64, 4096), batch: fc.constantFrom(256, 1000), first: fc.constantFrom(1, 7, 40) }),
);

describe('the row scan against a plain split of the same bytes', HANG_GUARD, () => {
  it('reads every tbl_schedule row as the reference does, fields, row and rejection reason', async () => {
    await fc.assert(fc.asyncProperty(rowsOf(SCHEDULE.fields), chunkSize, fc.boolean(), (rows, chunk, gather) => scanAgreesWithReference(SCHEDULE, rows, chunk, gather)), { numRuns: RUNS });
  });
  it('reads every B_TblProceeding row as the reference does', async () => {
    await fc.assert(fc.asyncProperty(rowsOf(PROCEEDING.fields), chunkSize, fc.boolean(), (rows, chunk, gather) => scanAgreesWithReference(PROCEEDING, rows, chunk, gather)), { numRuns: RUNS });
  });
  it('reads every A_TblCase row as the reference does (a stray TAB in ALIEN_CITY repaired or rejected)', async () => {
    await fc.assert(fc.asyncProperty(rowsOf(CASES.fields), chunkSize, fc.boolean(), (rows, chunk, gather) => scanAgreesWithReference(CASES, rows, chunk, gather)), { numRuns: RUNS });
  });
});

/** Standings for the generated case ids: some UC, some with signals naming generated keys. */
const standingArb = fc.dictionary(
  fc.constantFrom('1', '7', '42', '901', '902', '903', '000123', '123'),
  fc.record({
    uc: fc.boolean(),
    signals: fc.option(
      fc.record({
        orders: fc.array(fc.tuple(fc.constantFrom('1', '7', '42', '901'), fc.constantFrom('2024-01-01', '2025-06-01'))).map((e) => new Map(e)),
        noShows: fc.array(fc.constantFrom('1', '7', '42', '901')).map((e) => new Set(e)),
      }),
      { nil: null },
    ),
  }),
);
const asOf = fc.constantFrom('2025-03-01T12:00:00.000Z', '2024-01-01T00:00:00.000Z');

/** The rules over the scan's batch (rows passed over unbuilt) and over every row built: the same verdicts. */
async function rulesAgree<T>(
  t: TableCase<T>,
  rows: { fields: Buffer[]; crlf: boolean }[],
  chunk: Cut,
  classify: (rows: ScannedRows<T> | readonly LocatedRow<T>[]) => unknown,
  /** What the scanned batch's verdicts must equal, given the rows built one by one (default: `classify`). */
  reference: (rows: readonly LocatedRow<T>[]) => unknown = classify,
): Promise<void> {
  for (const batch of await scan(t.spec, fileOf(t.header, rows), chunk)) {
    const built = Array.from({ length: batch.length }, (_, i) => batch.row(i));
    expect(classify(batch)).toEqual(reference(built));
  }
}

/** Standings given with `known` (the case keys of the cases they know, and of some they do not): the rules pass over other cases' rows on the key. */
const withKnown = (m: Record<string, CaseStanding>, extra: readonly string[]): StandingOf => {
  const known = new KeySet();
  for (const id of [...Object.keys(m), ...extra]) known.add(id);
  return Object.assign((id: string) => m[id], { known });
};
const extraKnown = fc.array(fc.constantFrom('7', '0', '00', '999999999999', '4294967295'), { maxLength: 3 });

describe('the ingest rules on the scan agree with the rules on built rows', HANG_GUARD, () => {
  const standingOf = (m: Record<string, CaseStanding>): StandingOf => (id) => m[id];
  it('tbl_schedule: the same signals, refusals, withdrawals, hearings, upcoming and adjourned', async () => {
    await fc.assert(
      fc.asyncProperty(rowsOf(SCHEDULE.fields), chunkSize, standingArb, asOf, (rows, chunk, st, at) =>
        rulesAgree(SCHEDULE, rows, chunk, (r) => classifyScheduleRows(r, standingOf(st), { dropId: 'd', asOf: at }))),
      { numRuns: RUNS },
    );
  });
  it('tbl_schedule, standings with known case keys: the same verdicts as standings by IDNCASE alone', async () => {
    await fc.assert(
      fc.asyncProperty(rowsOf(SCHEDULE.fields), chunkSize, standingArb, extraKnown, asOf, (rows, chunk, st, extra, at) =>
        rulesAgree(
          SCHEDULE,
          rows,
          chunk,
          (r) => classifyScheduleRows(r, withKnown(st, extra), { dropId: 'd', asOf: at }),
          (r) => classifyScheduleRows(r, standingOf(st), { dropId: 'd', asOf: at }),
        )),
      { numRuns: RUNS },
    );
  });
  it('B_TblProceeding, standings with known case keys: the same verdicts as standings by IDNCASE alone', async () => {
    await fc.assert(
      fc.asyncProperty(rowsOf(PROCEEDING.fields), chunkSize, standingArb, extraKnown, asOf, (rows, chunk, st, extra, at) =>
        rulesAgree(
          PROCEEDING,
          rows,
          chunk,
          (r) => classifyProceedingRows(r, withKnown(st, extra), { dropId: 'd', asOf: at }),
          (r) => classifyProceedingRows(r, standingOf(st), { dropId: 'd', asOf: at }),
        )),
      { numRuns: RUNS },
    );
  });
  it('B_TblProceeding: the same orders, refusals, notes, withdrawals and key lines', async () => {
    await fc.assert(
      fc.asyncProperty(rowsOf(PROCEEDING.fields), chunkSize, standingArb, asOf, (rows, chunk, st, at) =>
        rulesAgree(PROCEEDING, rows, chunk, (r) => classifyProceedingRows(r, standingOf(st), { dropId: 'd', asOf: at }))),
      { numRuns: RUNS },
    );
  });
  it('A_TblCase: the same UC priority marks, A-numbers and upcoming hearings', async () => {
    await fc.assert(
      fc.asyncProperty(rowsOf(CASES.fields), chunkSize, asOf, (rows, chunk, at) => rulesAgree(CASES, rows, chunk, (r) => classifyCaseRows(r, { dropId: 'd', asOf: at }))),
      { numRuns: RUNS },
    );
  });
});
