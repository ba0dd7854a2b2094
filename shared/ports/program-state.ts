import type { ProgramState } from '../domain/program-metrics';

/** Reads the aggregates the metrics job needs: a few items, however many UCs there are. */
export interface ProgramStateReader {
  readProgramState(): Promise<ProgramState>;
}
