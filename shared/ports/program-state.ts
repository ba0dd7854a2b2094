import type { ProgramState } from '../domain/program-metrics';

/**
 * Reads the aggregates the metrics job needs (windows relative to `now`): a few items per
 * AOR and recent day or drop, however many UCs there are. Read-only, safe to repeat.
 */
export interface ProgramStateReader {
  /**
   * `fullFtaHistory` reads every week of AGG#FTA_WEEK instead of METRIC_WINDOWS.ftaWeeks
   * (still aggregate items only: the local report's "FTAs by week" chart, not the job).
   */
  readProgramState(now: Date, options?: { fullFtaHistory?: boolean }): Promise<ProgramState>;
}
