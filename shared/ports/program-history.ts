import type { ProgramHistory } from '../domain/program-report';

/**
 * Reads the dated aggregate counters over their whole history (AGG#FTA_DAY, AGG#FTA_WEEK,
 * AGG#BACKLOG_FLOW, AGG#TASK_FLOW) for the program report's trends and FTAs by week.
 * Aggregate items only (a few per AOR, shard and day), never case items; read-only.
 */
export interface ProgramHistoryReader {
  readProgramHistory(): Promise<ProgramHistory>;
}
