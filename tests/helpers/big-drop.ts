export const JUV = 'idnJuvenileHistory\tidnCase\tidnProceeding\tidnJuvenile\r\n';
const CASE = 'IDNCASE\tALIEN_CITY\tALIEN_STATE\tALIEN_ZIPCODE\tADDRESS_CHANGEDON\tCASEPRIORITY_CODE\r\n';
export const PROC = 'IDNPROCEEDING\tIDNCASE\tOSC_DATE\tBASE_CITY_CODE\tCASE_TYPE\tDEC_CODE\tABSENTIA\tHEARING_DATE\tCOMP_DATE\r\n';
const SCHED = 'IDNSCHEDULE\tIDNPROCEEDING\tIDNCASE\tBASE_CITY_CODE\tCAL_TYPE\tADJ_DATE\tADJ_RSN\tADJ_MEDIUM\r\n';
export const CASES = 120;
const caseId = (i: number) => String(1000 + i);

/**
 * A drop whose tables each span several 1 KiB chunks: UC cases by juvenile history (every
 * third case) and by CASEPRIORITY_CODE (every fifth; some cases both), in-absentia orders
 * on every second case, a no-show on every fourth, one row with a stray tab (rejected),
 * and case 1000 reopened: its order sits in the first proceeding chunk, the proceeding
 * opened after it in the last one.
 */
export function bigDrop(): Record<string, string> {
  let juv = JUV;
  let cases = CASE;
  let proc = PROC;
  let sched = SCHED;
  for (let i = 0; i < CASES; i++) {
    const id = caseId(i);
    juv += `${i + 1}\t${id}\t${5000 + i}\t${i % 3 === 0 ? '4' : '6'}\r\n`;
    cases += `${id}\tHOUSTON\tTX\t77002\t2024-05-01 00:00:00.000\t${i % 5 === 0 ? 'UC' : 'N/A'}\r\n`;
    proc += `${5000 + i}\t${id}\t2022-01-01 00:00:00.000\tHOU\tRMV\tX\t${i % 2 === 0 ? 'Y' : 'N'}\t2025-03-01 00:00:00.000\t2025-03-04 00:00:00.000\r\n`;
    sched += `${9000 + i}\t${5000 + i}\t${id}\tHOU\tM\t2025-02-01 00:00:00.000\t${i % 4 === 0 ? '11' : '01'}\tP\r\n`;
  }
  proc += `5999\t1000\t2025-06-01 00:00:00.000\tHOU\tRMV\t\tN\t2025-07-01 00:00:00.000\t\r\n`;
  proc += `5998\t1001\t\tHOU\tRMV\tX\tY\t2025-03-01 00:00:00.000\t2025-03-04 00:00:00.000\textra\r\n`;
  return { tbl_JuvenileHistory: juv, A_TblCase: cases, B_TblProceeding: proc, tbl_schedule: sched };
}
