import type { ProgramState } from '../domain/program-metrics';

/**
 * Reads the aggregates the metrics job needs (windows relative to `now`): a few items per
 * AOR and recent day or drop, however many UCs there are. Read-only, safe to repeat.
 */
export interface ProgramStateReader {
  /** The windows are METRIC_WINDOWS; the report's whole history is ProgramHistoryReader's. */
  readProgramState(now: Date): Promise<ProgramState>;
}
