import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

/**
 * What an analyst handed the release would run instead of the pipeline: one DuckDB query
 * over the same four files for the UC FTAs (docs/spec.md §2 and §3): UC cases are those with
 * a juvenile mark UJ (4) or J2 (3), or CASEPRIORITY_CODE `UC`; their no-shows are
 * tbl_schedule rows with ADJ_RSN `11` and a dated ADJ_DATE (`NS-<IDNSCHEDULE>`), their
 * in absentia orders B_TblProceeding rows with ABSENTIA `Y` (NULs stripped, trimmed,
 * upper-cased) dated by COMP_DATE else HEARING_DATE (`IA-<IDNPROCEEDING>`).
 * Files are read as EOIR ships them: TAB-separated, CRLF, no quoting, cp1252 (A_TblCase read
 * as latin-1); a row DuckDB cannot split (a stray TAB) is skipped, where the ingest repairs it.
 * Returns each FTA id with its date (YYYY-MM-DD).
 */
export async function duckdbUcFtas(dir: string, threads: number): Promise<Map<string, string>> {
  const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const conn = await instance.connect();
  try {
    // Only A_TblCase holds bytes that are not ASCII (cp1252 cities): only it is decoded as
    // latin-1 (slower in DuckDB); the others are read as UTF-8, DuckDB's fast path.
    const csv = (table: string, columns: string): string =>
      `read_csv('${join(dir, `${table}.csv`).replaceAll("'", "''")}', delim = '\\t', header = true, quote = '', escape = '', ` +
      `all_varchar = true, ${table === 'A_TblCase' ? "encoding = 'latin-1', " : ''}ignore_errors = true, auto_detect = false, columns = {${columns}})`;
    const cols = (header: string): string => header.split(' ').map((c) => `'${c}': 'VARCHAR'`).join(', ');
    const day = (v: string): string => `nullif(left(trim(replace(${v}, chr(0), '')), 10), '')`;
    const key = (v: string): string => `trim(replace(${v}, chr(0), ''))`;
    const sql = `
      WITH uc AS (
        SELECT ${key('idnCase')} AS c FROM ${csv('tbl_JuvenileHistory', cols(HEADERS.tbl_JuvenileHistory))} WHERE ${key('idnJuvenile')} IN ('3', '4')
        UNION
        SELECT ${key('IDNCASE')} AS c FROM ${csv('A_TblCase', cols(HEADERS.A_TblCase))} WHERE upper(${key('CASEPRIORITY_CODE')}) = 'UC'
      )
      SELECT 'NS-' || ${key('s.IDNSCHEDULE')} AS id, ${day('s.ADJ_DATE')} AS d
        FROM ${csv('tbl_schedule', cols(HEADERS.tbl_schedule))} s JOIN uc ON ${key('s.IDNCASE')} = uc.c
        WHERE ${key('s.ADJ_RSN')} = '11' AND ${day('s.ADJ_DATE')} IS NOT NULL
      UNION ALL
      SELECT 'IA-' || ${key('p.IDNPROCEEDING')} AS id, coalesce(${day('p.COMP_DATE')}, ${day('p.HEARING_DATE')}) AS d
        FROM ${csv('B_TblProceeding', cols(HEADERS.B_TblProceeding))} p JOIN uc ON ${key('p.IDNCASE')} = uc.c
        WHERE upper(${key('p.ABSENTIA')}) = 'Y' AND coalesce(${day('p.COMP_DATE')}, ${day('p.HEARING_DATE')}) IS NOT NULL`;
    const reader = await conn.runAndReadAll(sql);
    return new Map(reader.getRows().map(([id, d]) => [String(id), String(d)]));
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** The generated drop's headers (bench/gen-drop.ts): DuckDB is told the columns, not left to sniff them. */
const HEADERS = {
  A_TblCase: 'IDNCASE ALIEN_CITY ALIEN_STATE ALIEN_ZIPCODE UPDATED_ZIPCODE UPDATED_CITY NAT LANG CUSTODY SITE_TYPE E_28_DATE ATTY_NBR CASE_TYPE UPDATE_SITE LATEST_HEARING LATEST_TIME LATEST_CAL_TYPE UP_BOND_DATE UP_BOND_RSN CORRECTIONAL_FAC RELEASE_MONTH RELEASE_YEAR INMATE_HOUSING DATE_OF_ENTRY C_ASY_TYPE C_BIRTHDATE C_RELEASE_DATE UPDATED_STATE ADDRESS_CHANGEDON ZBOND_MRG_FLAG Sex DATE_DETAINED DATE_RELEASED LPR DETENTION_DATE DETENTION_LOCATION DCO_LOCATION DETENTION_FACILITY_TYPE CASEPRIORITY_CODE',
  B_TblProceeding: 'IDNPROCEEDING IDNCASE OSC_DATE INPUT_DATE BASE_CITY_CODE HEARING_LOC_CODE IJ_CODE TRANS_IN_DATE PREV_HEARING_LOC PREV_HEARING_BASE PREV_IJ_CODE TRANS_NBR HEARING_DATE HEARING_TIME DEC_TYPE DEC_CODE DEPORTED_1 DEPORTED_2 OTHER_COMP APPEAL_RSVD APPEAL_NOT_FILED COMP_DATE ABSENTIA VENUE_CHG_GRANTED TRANSFER_TO DATE_APPEAL_DUE_STATUS TRANSFER_STATUS CUSTODY CASE_TYPE NAT LANG SCHEDULED_HEAR_LOC CORRECTIONAL_FAC CRIM_IND IHP AGGRAVATE_FELON DATE_DETAINED DATE_RELEASED',
  tbl_schedule: 'IDNSCHEDULE IDNPROCEEDING IDNCASE OSC_DATE GENERATION SUB_GENERATION REC_TYPE LANG HEARING_LOC_CODE BASE_CITY_CODE IJ_CODE INTERPRETER_CODE INPUT_DATE INPUT_TIME UPDATE_DATE UPDATE_TIME ASSIGNMENT_PATH CAL_TYPE ADJ_DATE ADJ_TIME_START ADJ_TIME_STOP ADJ_RSN ADJ_MEDIUM ADJ_MSG ADJ_ELAP_DAYS LNGSESSNID SCHEDULE_TYPE NOTICE_CODE BLNCLOCKOVERRIDE EOIRAttorneyID',
  tbl_JuvenileHistory: 'idnJuvenileHistory idnCase idnProceeding idnJuvenile DATCREATEDON DATMODIFIEDON',
} as const;
