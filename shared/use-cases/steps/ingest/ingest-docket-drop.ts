import { randomUUID } from 'node:crypto';
import { asOfFromDropName, operatorAsOf } from '../../../domain/fta-signal';
import type { DropReport } from '../../../domain/drop-report';
import { createInProcessDropLedger } from './in-process-drop-ledger';
import { createSpillingFinishNotes } from './spilling-finish-notes';
import type { CaseStore } from '../../../ports/case-store';
import type { Clock } from '../../../ports/clock';
import type { DropListing, DropRef } from '../../../ports/docket-source';
import type { DropLedger, DropRun, FinishNotes } from '../../../ports/drop-ledger';
import type { DropAsOf } from '../../../ports/fta-signals';
import type { Log } from '../../../ports/log';
import { mapWithLimit } from '../../../lib/concurrency';
import { finishDropRun } from './finish-drop-run';
import { ingestDropChunk } from './ingest-drop-chunk';
import type { IngestDeps } from './ingest-ports';
import { planDropRun } from './plan-drop-run';
import { UcCases } from './uc-cases';
import { sweepOutboxesBeforeIngest } from '../publish-ftas';
import { claimReading } from '../settle-hand-offs';
import { DEFAULT_CHUNKS } from './read-drop-table';

export type { ChunkDeps, IngestDeps } from './ingest-ports';

/**
 * Cases whose evidence a drop read inside one invocation keeps through a stage when the
 * caller does not say (`IngestDeps.stageCacheCases`; the functions size it to their heap,
 * shared/runtime/heap.ts): small enough for a 48 MB heap.
 */
const STAGE_CACHE_CASES = 5_000;

/**
 * Ingests one DOJ docket drop (a folder or a zip) inside this invocation: the same plan,
 * chunks and finish step as a drop fanned out over the chunk queue (start-docket-drop.ts),
 * with every chunk run here and the ledger kept in memory.
 *
 * 0. Sweep the outboxes (sweepOutboxesBeforeIngest): what an earlier run stored but could
 *    not queue goes out first. Fix the drop's as-of (fixDropAsOf): a re-run keeps its
 *    first run's.
 * 1. Plan (planDropRun): list the drop's tables (a table may have several files) and read
 *    Count.txt (a table Count.txt lists but the drop lacks is TABLE_MISSING; a file that is
 *    no table it reads is listed in `ignoredFiles` with why: EOIR lookup or other table, or
 *    unknown); check each header; split each file into byte-range chunks; group them in
 *    INGEST_STAGES.
 * 2. Run each stage's chunks, `parallelChunks` at a time (ingestDropChunk):
 *    tbl_JuvenileHistory (UJ, J2 mark UC cases), then A_TblCase (CASEPRIORITY_CODE `UC`
 *    and an ALIEN_NBR on a UC roster mark too; each UC case's row is a sighting and adds
 *    its address of record), then B_TblProceeding with tbl_schedule: the FTA signals of
 *    every case (ABSENTIA `Y` orders, ADJ_RSN `11` no-shows) and the evidence withdrawing
 *    them (ABSENTIA `N` or empty; another ADJ_RSN; a proceeding opened later) are stored
 *    with the drop's as-of; an ABSENTIA value that is neither is counted and changes
 *    nothing; a UC case's signal first shown by this drop is an FTA at once; hearings of
 *    UC cases are recorded with their outcome. A key repeated in the drop is one record,
 *    whatever the chunks (repeated-keys.ts): its FTA recorded and queued by one chunk, its
 *    extra lines counted as duplicates.
 * 3. Finish (finishDropRun): settle the FTAs of the cases the chunks noted (cases that
 *    became UC cases, withdrawals: settleCases; a drop never rescinds what it shows
 *    itself), list the keys whose copies conflict, flag UC cases a full drop omits
 *    (nothing is deleted), send what the outbox still holds, assemble and store the report.
 *
 * Every row read is accepted or rejected with a reason (rejected rows are quarantined).
 * Retry-safe: every write is idempotent, an FTA already stored is 'repeated', a
 * rescission already made is skipped, and a failure to queue leaves the outbox entry and
 * fails the run so Lambda retries it.
 */
export async function ingestDocketDrop(drop: DropRef, deps: IngestDeps): Promise<DropReport> {
  const chunks = deps.chunks ?? DEFAULT_CHUNKS;
  const swept = await sweepOutboxesBeforeIngest(drop.dropId, deps);
  const listing = await deps.source.listDrop(drop);
  const asOf = await fixDropAsOf(drop, listing, deps);
  const report = await ingestRunInline(await planDropRun(drop, `inline-${randomUUID()}`, { ...deps, chunks }, listing, asOf), deps);
  return { ...report, ftasPublished: report.ftasPublished + swept };
}

/**
 * The drop's as-of, fixed by its first run (a re-run of the drop id keeps it): the
 * operator's (`as-of` metadata on the marker or zip), else a YYYY-MM-DD date in the
 * drop's name, else now (its first arrival). Drops are ordered by it, not by when read.
 */
export async function fixDropAsOf(drop: DropRef, listing: DropListing, deps: { store: CaseStore; clock: Clock; log: Log }): Promise<DropAsOf> {
  const given = operatorAsOf(listing.operatorAsOf);
  if (listing.operatorAsOf !== undefined && given === null) {
    deps.log.warn('drop as-of metadata is not a date; ignored', { dropId: drop.dropId });
  }
  const named = asOfFromDropName(drop.dropId);
  const candidate: DropAsOf =
    given !== null ? { asOf: given, source: 'OPERATOR_METADATA' } : named !== null ? { asOf: named, source: 'DROP_NAME' } : { asOf: deps.clock.now().toISOString(), source: 'FIRST_ARRIVAL' };
  const fixed = await deps.store.dropAsOf.fix(drop.dropId, candidate);
  deps.log.info('drop as-of', { dropId: drop.dropId, asOf: fixed.asOf, source: fixed.source, firstRun: fixed === candidate });
  return fixed;
}

/**
 * Runs every chunk of a planned run here, stage by stage, then finishes it. The run's
 * bookkeeping (stages, chunk results: a few items per chunk) is kept in memory. Its notes
 * for the finish step (they grow with the drop) are kept in memory up to a bound and the
 * rest in `deps.ledger` when given (createSpillingFinishNotes: memory stops growing, and a
 * small drop costs no ledger write), else all in memory (drops read whole by tests and
 * `ingestDocketDrop`).
 */
export async function ingestRunInline(run: DropRun, deps: IngestDeps & { readonly ledger?: FinishNotes }): Promise<DropReport> {
  const local = createInProcessDropLedger();
  const bound = deps.finishNotesInMemory;
  const notes = deps.ledger === undefined ? undefined : createSpillingFinishNotes(deps.ledger, bound === undefined ? undefined : { keys: bound, cases: bound });
  const ledger: DropLedger =
    notes === undefined
      ? local
      : {
          ...local,
          noteKeys: (r, c, n) => notes.noteKeys(r, c, n),
          settledKeys: (r) => notes.settledKeys(r),
          noteToSettle: (r, ids) => notes.noteToSettle(r, ids),
          toSettle: (r) => notes.toSettle(r),
        };
  await ledger.startRun(run);
  // The only invocation writing this drop's signals: each case's evidence is read once a stage.
  const uc = new UcCases(deps.store, deps.stageCacheCases ?? STAGE_CACHE_CASES);
  for (let stage = 0; stage < run.stages.length; stage++) {
    // A roster landing from now on leaves the cases this run writes to its finish.
    await claimReading(run, deps);
    const started = deps.clock.now().getTime();
    await mapWithLimit(run.stages[stage] ?? [], (deps.chunks ?? DEFAULT_CHUNKS).parallelChunks, (chunk) => ingestDropChunk(run, chunk, { ...deps, ledger, soleWriter: true }, uc));
    uc.endStage();
    await ledger.advanceStage(run, stage, 'inline');
    deps.log.info('ingest stage read', { dropId: run.drop.dropId, stage, tables: [...new Set((run.stages[stage] ?? []).map((c) => c.table))], ms: deps.clock.now().getTime() - started });
  }
  return finishDropRun(run, { ...deps, ledger });
}
