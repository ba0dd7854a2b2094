import { chunkId, INGEST_STAGES, type DropChunk } from '../domain/drop-plan';
import type { DropReport } from '../domain/drop-report';
import { toDropChunkMessage, type DropChunkMessage } from '../messages/drop-chunk';
import type { ChunkQueue } from '../ports/chunk-queue';
import type { DropRef } from '../ports/docket-source';
import type { DropStaging } from '../ports/drop-staging';
import type { DropRun } from '../ports/drop-ledger';
import { fixDropAsOf, ingestRunInline, type ChunkDeps } from './steps/ingest/ingest-docket-drop';
import { finishDropRun } from './steps/ingest/finish-drop-run';
import { claimReading } from './steps/settle-hand-offs';
import { ingestDropChunk } from './steps/ingest/ingest-drop-chunk';
import { planDropRun } from './steps/ingest/plan-drop-run';
import { sweepOutboxesBeforeIngest } from './steps/publish-ftas';
import { DEFAULT_CHUNKS } from './steps/ingest/read-drop-table';
import { mustUnpack, unpackZipDrop, type ZipUnpacked } from './steps/unpack-zip-drop';
import { DocketWatchError } from '../domain/errors';

export interface FanOutDeps extends ChunkDeps {
  readonly queue: ChunkQueue;
  /**
   * A drop with a range-readable table larger than this is fanned out over the chunk
   * queue; a zip drop with a table larger than this is unpacked into a folder drop first.
   */
  readonly fanOutBytes: number;
  /** Where and how a big zip drop is unpacked (the docket ingest only: it alone may write there). */
  readonly unpack?: { readonly staging: DropStaging; readonly prefix: string };
}

export type DropStarted =
  | {
      readonly kind: 'ingested';
      readonly report: DropReport;
      /** True when this trigger's run had finished already (a duplicate S3 event): nothing was read again. */
      readonly duplicate: boolean;
    }
  | {
      readonly kind: 'fanned-out';
      readonly dropId: string;
      readonly runId: string;
      /** Chunks planned, over all stages. */
      readonly chunks: number;
      /** False when this trigger's run existed already (a duplicate S3 event, a retried invocation). */
      readonly created: boolean;
      /** The run's report when a duplicate event finds it finished. */
      readonly report: DropReport | null;
    }
  | ZipUnpacked;

/**
 * Starts the ingest of a drop when its completion marker lands.
 *
 * Before anything, the outboxes are swept (FTAs and rescissions an earlier run stored but
 * could not queue go out now; a queue still refusing is logged and the drop read anyway).
 * 0. A zip drop with a table larger than `fanOutBytes` is unpacked into a folder drop of
 *    the same id (unpackZipDrop); the folder's completion marker starts its own ingest,
 *    which fans it out. Nothing is read here.
 * 1. Plan the run (listing, Count.txt, headers, chunks per stage: planDropRun). The run id
 *    is the S3 trigger's (`trigger`, the event's sequencer), so a duplicate event or a
 *    retried invocation finds the same run.
 * 2. A drop whose range-readable tables are all at most `fanOutBytes` is ingested here
 *    (ingestRunInline), its run and report kept in the ledger, and the report returned.
 * 3. Otherwise the run is stored in the ledger (once) and the chunks of its current stage
 *    are sent to the chunk queue; chunk workers take it from there (ingestChunkMessage).
 *    Run again (duplicate event, retry after a crash between storing and sending), it sends
 *    the current stage's chunks again: a chunk already recorded counts nothing twice.
 */
export async function startDocketDrop(drop: DropRef, trigger: string, deps: FanOutDeps): Promise<DropStarted> {
  try {
    return await startOnce(drop, trigger, deps);
  } catch (err) {
    await recordIngestFailure(drop, `s3-${trigger}`, err, deps);
    throw err;
  }
}

/**
 * Why an ingest attempt failed, where the operator finds it beside the drop's other report
 * lists (`reports/drops/<dropId>/<runId>/failure.json`, replaced by each failed attempt of
 * the run), before the error is rethrown for Lambda to retry (then the alarmed failure
 * queue). Writing it must not hide the error: a failed write is only logged.
 */
async function recordIngestFailure(drop: DropRef, runId: string, err: unknown, deps: FanOutDeps): Promise<void> {
  const error = err instanceof Error ? err.message : String(err);
  deps.log.error('drop ingest failed', { dropId: drop.dropId, runId, error });
  try {
    await deps.reports?.writeList(drop.dropId, runId, 'failure', [{ dropId: drop.dropId, runId, location: drop.location, error, failedAt: deps.clock.now().toISOString() }]);
  } catch (writeErr) {
    deps.log.warn('could not write the failure note', { dropId: drop.dropId, runId, error: writeErr instanceof Error ? writeErr.message : String(writeErr) });
  }
}

async function startOnce(drop: DropRef, trigger: string, deps: FanOutDeps): Promise<DropStarted> {
  const chunks = deps.chunks ?? DEFAULT_CHUNKS;
  const swept = await sweepOutboxesBeforeIngest(drop.dropId, deps);
  const listing = await deps.source.listDrop(drop);
  // Fixed before anything else (a zip's metadata counts even when it is unpacked first).
  const asOf = await fixDropAsOf(drop, listing, deps);
  if (drop.kind === 'zip' && mustUnpack(listing, deps.fanOutBytes)) {
    if (deps.unpack === undefined) throw new DocketWatchError('DROP_UNPACK_UNAVAILABLE', `zip drop ${drop.dropId} must be unpacked, and this function cannot unpack drops`);
    return unpackZipDrop(drop, listing, trigger, { ...deps, ...deps.unpack });
  }
  const planned = await planDropRun(drop, `s3-${trigger}`, { ...deps, chunks }, listing, asOf);
  if (planned.largestRangeReadable <= deps.fanOutBytes) {
    // Read here. The finished run is kept in the ledger, so a duplicate event reads nothing
    // twice; a retry after a crash mid-drop is the same run (same step ids): it reports
    // what the crashed attempt did once, not twice.
    const done = await deps.ledger.getRun(drop.dropId, planned.runId);
    if (done?.report) return { kind: 'ingested', report: done.report, duplicate: true };
    const report = await ingestRunInline(planned, deps);
    report.ftasPublished += swept;
    await deps.ledger.startRun(planned);
    await deps.ledger.finishRun(planned, report);
    return { kind: 'ingested', report, duplicate: false };
  }
  const run: DropRun = { ...planned, fannedOut: true };

  const { created, state } = await deps.ledger.startRun(run);
  const stored = state.run;
  const total = stored.stages.reduce((n, s) => n + s.length, 0);
  deps.log.info(created ? 'drop fanned out' : 'drop run exists; resuming', { dropId: drop.dropId, runId: stored.runId, chunks: total, stage: state.stage });
  if (state.report === null && state.stage < stored.stages.length) {
    // Before any chunk writes: a roster landing from now on leaves the run's cases to its finish.
    await claimReading(stored, deps);
    const current = stored.stages[state.stage] ?? [];
    if (current.length > 0) await sendChunks(stored, current, deps.queue);
    else await advanceFrom(stored, state.stage, 'plan', deps);
  }
  return { kind: 'fanned-out', dropId: drop.dropId, runId: stored.runId, chunks: total, created, report: state.report };
}

/**
 * What a chunk worker does with one chunk message.
 *
 * 1. Read the run from the ledger (finished already: nothing to do).
 * 2. Ingest the chunk and record its result once (ingestDropChunk), unless it is recorded
 *    already (a redelivered message skips the work).
 * 3. Try to advance the run's stage: the chunk that completes a stage (exactly one, by a
 *    conditional write) sends the next stage's chunks, or, after the last stage, finishes
 *    the drop (finishDropRun) and returns the report.
 *
 * A crash anywhere fails the message; SQS redelivers it (same `deliveryId`, the SQS
 * message id), and the retry counts the chunk once, advances at most once and redoes the
 * follow-up if it was the one that advanced.
 */
export async function ingestChunkMessage(message: DropChunkMessage, deps: FanOutDeps, deliveryId?: string): Promise<{ outcome: 'recorded' | 'duplicate' | 'run-finished'; report: DropReport | null }> {
  const state = await deps.ledger.getRun(message.dropId, message.runId);
  if (state === undefined) throw new DocketWatchError('DROP_RUN_NOT_FOUND', `no ingest run ${message.runId} for drop ${message.dropId}`);
  if (state.report !== null) return { outcome: 'run-finished', report: null };
  const run = state.run;
  const chunk: DropChunk = { table: message.table, key: message.key, start: message.start, end: message.end, stage: message.stage };
  const outcome = (await deps.ledger.isChunkRecorded(run, chunk)) ? 'duplicate' : await ingestDropChunk(run, chunk, deps);
  deps.log.info('drop chunk ingested', { dropId: run.drop.dropId, runId: run.runId, table: chunk.table, start: chunk.start, outcome });
  // Who may advance the stage: this SQS message (its redelivery after a crash redoes the
  // follow-up); a copy sent again by a duplicate S3 event is another message and does not.
  const report = await advanceFrom(run, chunk.stage, deliveryId ?? chunkId(chunk), deps);
  return { outcome, report };
}

/**
 * Advances the run past `stage` if every chunk of it is recorded, through any empty stage,
 * then sends the next stage's chunks or finishes the drop. Only the caller that advanced
 * does the follow-up, and its retry (`by`) redoes it only if it was not marked done: a
 * redelivered stage-completing chunk does not send the next stage twice.
 */
async function advanceFrom(run: DropRun, stage: number, by: string, deps: FanOutDeps): Promise<DropReport | null> {
  for (let s = stage; s < run.stages.length; s++) {
    if (!(await deps.ledger.advanceStage(run, s, by))) return null;
    if (s + 1 === run.stages.length) return finishDropRun(run, deps);
    const next = run.stages[s + 1] ?? [];
    if (next.length > 0) {
      await claimReading(run, deps);
      deps.log.info('drop stage started', { dropId: run.drop.dropId, runId: run.runId, stage: s + 1, tables: INGEST_STAGES[s + 1], chunks: next.length });
      await sendChunks(run, next, deps.queue);
      await deps.ledger.markFollowUpDone(run, s);
      return null;
    }
  }
  return null;
}

async function sendChunks(run: DropRun, chunks: readonly DropChunk[], queue: ChunkQueue): Promise<void> {
  await queue.send(chunks.map((c) => toDropChunkMessage(run.drop.dropId, run.runId, c)));
}
