/**
 * `npm run gen:drop -- --rows N [--out DIR] [--seed S]`: writes a realistic DOJ drop in
 * EOIR's real layout (the four tables and Count.txt), tab-separated, CRLF, with the quirks
 * of real files at small rates. `--rows` is the number of tbl_schedule rows; the other
 * tables keep a full release's proportions (eoir-format.md 1.1): B_TblProceeding 0.355x,
 * A_TblCase 0.272x, tbl_JuvenileHistory 0.064x.
 *
 * Codes and shares: idnJuvenile, CASEPRIORITY_CODE, CUSTODY, CASE_TYPE, DEC_CODE,
 * ADJ_MEDIUM, CAL_TYPE, REC_TYPE from value_frequencies_selected.csv (deportationdata);
 * courts from shared/data/courts.ts; ADJ_RSN codes from adjournment_codes.csv.
 * Assumptions (no source publishes them): ABSENTIA Y 14.4% / N 69.8% / blank 15.8% (the
 * juvenile proceedings MIT counted); ADJ_RSN blank 17% (IN), `11` 6%, `8B` 10%, the rest
 * spread over the other codes.
 */
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { COURTS } from '../shared/data/courts';
import { countTxt, EOIR_ROW_END, eoirRow, mulberry32 } from '../tests/helpers/eoir-rows';

const HEADERS = {
  A_TblCase: 'IDNCASE ALIEN_CITY ALIEN_STATE ALIEN_ZIPCODE UPDATED_ZIPCODE UPDATED_CITY NAT LANG CUSTODY SITE_TYPE E_28_DATE ATTY_NBR CASE_TYPE UPDATE_SITE LATEST_HEARING LATEST_TIME LATEST_CAL_TYPE UP_BOND_DATE UP_BOND_RSN CORRECTIONAL_FAC RELEASE_MONTH RELEASE_YEAR INMATE_HOUSING DATE_OF_ENTRY C_ASY_TYPE C_BIRTHDATE C_RELEASE_DATE UPDATED_STATE ADDRESS_CHANGEDON ZBOND_MRG_FLAG Sex DATE_DETAINED DATE_RELEASED LPR DETENTION_DATE DETENTION_LOCATION DCO_LOCATION DETENTION_FACILITY_TYPE CASEPRIORITY_CODE',
  B_TblProceeding: 'IDNPROCEEDING IDNCASE OSC_DATE INPUT_DATE BASE_CITY_CODE HEARING_LOC_CODE IJ_CODE TRANS_IN_DATE PREV_HEARING_LOC PREV_HEARING_BASE PREV_IJ_CODE TRANS_NBR HEARING_DATE HEARING_TIME DEC_TYPE DEC_CODE DEPORTED_1 DEPORTED_2 OTHER_COMP APPEAL_RSVD APPEAL_NOT_FILED COMP_DATE ABSENTIA VENUE_CHG_GRANTED TRANSFER_TO DATE_APPEAL_DUE_STATUS TRANSFER_STATUS CUSTODY CASE_TYPE NAT LANG SCHEDULED_HEAR_LOC CORRECTIONAL_FAC CRIM_IND IHP AGGRAVATE_FELON DATE_DETAINED DATE_RELEASED',
  tbl_schedule: 'IDNSCHEDULE IDNPROCEEDING IDNCASE OSC_DATE GENERATION SUB_GENERATION REC_TYPE LANG HEARING_LOC_CODE BASE_CITY_CODE IJ_CODE INTERPRETER_CODE INPUT_DATE INPUT_TIME UPDATE_DATE UPDATE_TIME ASSIGNMENT_PATH CAL_TYPE ADJ_DATE ADJ_TIME_START ADJ_TIME_STOP ADJ_RSN ADJ_MEDIUM ADJ_MSG ADJ_ELAP_DAYS LNGSESSNID SCHEDULE_TYPE NOTICE_CODE BLNCLOCKOVERRIDE EOIRAttorneyID',
  tbl_JuvenileHistory: 'idnJuvenileHistory idnCase idnProceeding idnJuvenile DATCREATEDON DATMODIFIEDON',
} as const;

const DATA = join(import.meta.dirname, '../shared/data/eoir-lookups');

/** Minimal RFC-4180 reader for our lookup extracts. */
function readCsv(file: string): string[][] {
  const rows: string[][] = [];
  for (const line of readFileSync(join(DATA, file), 'utf8').split(/\r?\n/).slice(1)) {
    if (!line) continue;
    const out: string[] = [];
    let cur = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (quoted) {
        if (c === '"' && line[i + 1] === '"') {
          cur += '"';
          i++;
        } else if (c === '"') quoted = false;
        else cur += c;
      } else if (c === '"') quoted = true;
      else if (c === ',') {
        out.push(cur);
        cur = '';
      }
      else cur += c;
    }
    out.push(cur);
    rows.push(out);
  }
  return rows;
}

type Pick = () => string;
function weighted(random: () => number, entries: readonly [string, number][]): Pick {
  const total = entries.reduce((s, [, w]) => s + w, 0);
  const cum: number[] = [];
  let acc = 0;
  for (const [, w] of entries) cum.push((acc += w / total));
  return () => {
    const r = random();
    for (let i = 0; i < cum.length; i++) if (r < (cum[i] as number)) return entries[i]?.[0] ?? '';
    return entries[entries.length - 1]?.[0] ?? '';
  };
}

export async function generateDrop(rows: number, outDir: string, seed = 42): Promise<void> {
  const random = mulberry32(seed);
  const freq = readCsv('value_frequencies_selected.csv');
  const share = (table: string, field: string, blank = 0): [string, number][] => {
    const list = freq.filter((r) => r[0] === table && r[1] === field).map((r) => [r[2] ?? '', Number(r[4])] as [string, number]);
    const clean = list.filter(([v]) => /^[A-Za-z0-9/]{1,6}$/.test(v));
    const sum = clean.reduce((s, [, w]) => s + w, 0);
    return blank > 0 ? [...clean.map(([v, w]) => [v, (w / sum) * (1 - blank)] as [string, number]), ['', blank]] : clean;
  };
  const adjCodes = readCsv('adjournment_codes.csv').map((r) => (r[0] ?? '').trim()).filter((c) => c && !['11', '8B'].includes(c));
  const pick = {
    juvenile: weighted(random, share('tbl_JuvenileHistory', 'idnJuvenile')),
    priority: weighted(random, [...share('A_TblCase', 'CASEPRIORITY_CODE').map(([v, w]) => [v, w * 0.027] as [string, number]), ['N/A', 0.973]]),
    custody: weighted(random, share('A_TblCase', 'CUSTODY')),
    caseType: weighted(random, share('B_TblProceeding', 'CASE_TYPE')),
    decCode: weighted(random, share('B_TblProceeding', 'DEC_CODE', 0.47)),
    absentia: weighted(random, [['Y', 0.144], ['N', 0.698], ['', 0.158]]),
    medium: weighted(random, share('tbl_schedule', 'ADJ_MEDIUM')),
    calType: weighted(random, share('tbl_schedule', 'CAL_TYPE')),
    recType: weighted(random, share('tbl_schedule', 'REC_TYPE')),
    adjRsn: weighted(random, [['', 0.17], ['11', 0.06], ['8B', 0.1], ...adjCodes.map((c) => [c, 0.67 / adjCodes.length] as [string, number])]),
  };
  const courts = COURTS.filter((c) => c.aor !== null);
  const court = (): string => courts[Math.floor(random() * courts.length)]?.code ?? 'HOU';
  const date = (from: number, span: number): string => {
    const d = new Date(Date.UTC(from, 0, 1) + Math.floor(random() * span * 365) * 86_400_000);
    return `${d.toISOString().slice(0, 10)} 00:00:00.000`;
  };

  const nSchedule = rows;
  const nProceeding = Math.max(1, Math.round(rows * 0.355));
  const nCase = Math.max(1, Math.round(rows * 0.272));
  const nJuvenile = Math.max(1, Math.round(rows * 0.064));
  const CASE0 = 9_000_000;
  const PROC0 = 8_000_000;
  mkdirSync(outDir, { recursive: true });

  async function write(table: keyof typeof HEADERS, n: number, row: (i: number) => string): Promise<void> {
    const out = createWriteStream(join(outDir, `${table}.csv`));
    let buf = eoirRow(HEADERS[table].split(' ')) + EOIR_ROW_END;
    for (let i = 0; i < n; i++) {
      buf += row(i) + EOIR_ROW_END;
      if (buf.length > 1 << 20) {
        if (!out.write(Buffer.from(buf, 'latin1'))) await new Promise<void>((r) => out.once('drain', () => r()));
        buf = '';
      }
    }
    out.write(Buffer.from(buf, 'latin1'));
    await new Promise<void>((r, j) => out.end((err?: Error | null) => (err ? j(err) : r())));
  }

  const cities = ['HOUSTON', 'NEW YORK', 'LOS ANGELES', 'MIAMI', 'MAYAG\u00dcEZ', 'SAN ANTONIO', 'CHICAGO', 'ATLANTA'];
  await write('A_TblCase', nCase, (i) => {
    const city = cities[Math.floor(random() * cities.length)] as string;
    // 1 in 100,000 rows: a TAB inside ALIEN_CITY (the real stray-tab quirk).
    const cityField = random() < 0.00001 ? city.replace(' ', '\t') || `${city}\t` : city;
    const f = new Array<string>(39).fill('');
    f[0] = String(CASE0 + i); f[1] = cityField; f[2] = 'TX'; f[3] = String(77000 + (i % 999)); f[6] = 'GT'; f[7] = 'SP ';
    f[8] = pick.custody(); f[12] = 'RMV'; f[13] = court(); f[14] = date(2024, 2); f[15] = '0900'; f[16] = 'M';
    f[25] = `${1 + (i % 12)}/${2006 + (i % 12)}`; f[28] = random() < 0.36 ? date(2022, 3) : ''; f[38] = pick.priority();
    return eoirRow(f);
  });
  await write('B_TblProceeding', nProceeding, (i) => {
    const f = new Array<string>(38).fill('');
    const absentia = pick.absentia();
    f[0] = String(PROC0 + i); f[1] = String(CASE0 + (i % nCase)); f[2] = date(2018, 6); f[3] = f[2]; f[4] = court(); f[5] = f[4];
    f[12] = date(2023, 3); f[13] = '0830'; f[14] = 'O'; f[15] = absentia === 'Y' ? 'X' : pick.decCode();
    f[21] = f[15] ? date(2023, 3) : ''; f[22] = random() < 0.00001 ? 'Y\u0000' : absentia; f[28] = pick.caseType(); f[29] = 'GT'; f[30] = 'SP ';
    return eoirRow(f);
  });
  await write('tbl_schedule', nSchedule, (i) => {
    const f = new Array<string>(30).fill('');
    const p = i % nProceeding;
    f[0] = String(40_000_000 + i); f[1] = String(PROC0 + p); f[2] = String(CASE0 + (p % nCase)); f[3] = date(2018, 6);
    f[4] = '1'; f[6] = pick.recType(); f[7] = 'SP '; f[8] = court(); f[9] = f[8]; f[10] = 'DL'; f[12] = date(2019, 5); f[13] = '1508';
    f[16] = 'A'; f[17] = pick.calType(); f[18] = date(2020, 6); f[19] = '0900'; f[20] = '0915'; f[21] = pick.adjRsn(); f[22] = pick.medium();
    f[26] = 'MM'; f[28] = '0';
    return eoirRow(f);
  });
  await write('tbl_JuvenileHistory', nJuvenile, (i) => {
    const c = Math.floor(random() * nCase);
    return eoirRow([String(5_000_000 + i), String(CASE0 + c), String(PROC0 + (c % nProceeding)), pick.juvenile(), '2014-09-06 19:24:46.373', '']);
  });
  const counts: [string, number][] = [['A_TblCase', nCase], ['B_TblProceeding', nProceeding], ['tbl_schedule', nSchedule], ['tbl_JuvenileHistory', nJuvenile]];
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(outDir, 'Count.txt'), countTxt(counts));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { rows: { type: 'string', default: '10000' }, out: { type: 'string' }, seed: { type: 'string', default: '42' } } });
  const rows = Number(values.rows);
  if (!Number.isInteger(rows) || rows < 1) throw new Error('--rows must be a positive integer');
  const out = values.out ?? join('out', `generated-drop-${rows}`);
  const t0 = performance.now();
  await generateDrop(rows, out, Number(values.seed));
  console.log(`wrote a ${rows}-row drop to ${out} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
