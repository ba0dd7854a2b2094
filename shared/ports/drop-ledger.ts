import type { ChunkResult, DropChunk, PlannedReport } from '../domain/drop-plan';
import type { DropReport } from '../domain/drop-report';
import type { DropRef } from './docket-source';
import type { DropKeys } from './drop-keys';
import type { DropAsOf } from './fta-signals';

/** A planned ingest run of one drop: what a chunk worker needs besides its own chunk. */
export interface DropRun {
  readonly drop: DropRef;
  /** One run per S3 trigger (its sequencer): a duplicate event finds the same run. */
  readonly runId: string;
  readonly plan: PlannedReport;
  /** The chunks of each stage of INGEST_STAGES (a stage may have none). */
  readonly stages: readonly (readonly DropChunk[])[];
  /** All four tables present: only then are omitted UC cases flagged. */
  readonly fullDrop: boolean;
  /** A_TblCase read without a table rejection (a condition of the omitted-case sweep). */
  readonly caseTableReadable: boolean;
  /** Bytes of the largest table that can be read by range (0 when none can: a zip drop). */
  readonly largestRangeReadable: number;
  /** The drop's as-of, fixed by its first run: evidence is ordered by it. */
  readonly asOf: DropAsOf;
  /** Run by chunk workers over the chunk queue (else inside one invocation). */
  readonly fannedOut?: boolean;
}

export interface RunState {
  readonly run: DropRun;
  /** The stage running now; INGEST_STAGES.length while finishing. */
  readonly stage: number;
  /** Set once the run has finished. */
  readonly report: DropReport | null;
}


/**
 * The bookkeeping of a drop's ingest run across chunks and invocations (DynamoDB items
 * under `DROP#<dropId>`; in memory for a drop read inside one invocation). Every call is
 * idempotent, so redelivered and retried chunks neither lose nor double their counts.
 */
export interface DropLedger extends DropKeys {
  /** Stores the run if it is not stored yet; returns its state either way. */
  startRun(run: DropRun): Promise<{ created: boolean; state: RunState }>;
  getRun(dropId: string, runId: string): Promise<RunState | undefined>;
  /**
   * Stores a chunk's result and counts it done for its stage, both or neither (one
   * transaction). 'duplicate' when this chunk's result is already stored (nothing changes).
   */
  recordChunk(run: DropRun, chunk: DropChunk, result: ChunkResult): Promise<'recorded' | 'duplicate'>;
  /** Whether this chunk's result is stored already (a redelivered chunk skips its work). */
  isChunkRecorded(run: DropRun, chunk: DropChunk): Promise<boolean>;
  /**
   * Moves the run from `stage` to the next one if every chunk of `stage` is recorded. True
   * for exactly one caller, and again for that caller's retries (same `by`) until the
   * follow-up is marked done, so the one that advanced can redo it after a crash; false
   * for everyone else.
   */
  advanceStage(run: DropRun, stage: number, by: string): Promise<boolean>;
  /** The follow-up of advancing past `stage` (sending the next stage) is done: no retry redoes it. */
  markFollowUpDone(run: DropRun, stage: number): Promise<void>;
  /** Every recorded chunk result of the run. */
  chunkResults(run: DropRun): Promise<readonly ChunkResult[]>;
  /**
   * Notes cases whose FTAs the finish step settles from their signals: cases that became
   * UC cases, and UC cases with withdrawal evidence in this drop. Idempotent.
   */
  noteToSettle(run: DropRun, caseIds: readonly string[]): Promise<void>;
  /** The noted cases, in pages. */
  toSettle(run: DropRun): AsyncIterable<readonly string[]>;
  /** Stores the report and marks the run finished (idempotent: a second call overwrites with the same report). */
  finishRun(run: DropRun, report: DropReport): Promise<void>;
}


/**
 * The notes a run keeps for its finish step (the keys of UC cases' rows and the cases to
 * settle): they grow with the drop.
 */
export type FinishNotes = Pick<DropLedger, 'noteKeys' | 'settledKeys' | 'noteToSettle' | 'toSettle'>;
