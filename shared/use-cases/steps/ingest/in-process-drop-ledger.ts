import { chunkId, type ChunkResult, type DropChunk } from '../../../domain/drop-plan';
import type { DropReport } from '../../../domain/drop-report';
import type { DropLedger, DropRun, RunState } from '../../../ports/drop-ledger';
import { createInProcessDropKeys } from './in-process-drop-keys';
import { DocketWatchError } from '../../../domain/errors';

/**
 * The drop ledger of a run read inside one invocation: the same rules as the DynamoDB
 * ledger (shared/adapters/cases-table/dynamo-drop-ledger.ts), kept in memory. Memory grows with the
 * number of chunks and of UC cases with proceedings, never with rows.
 */
export function createInProcessDropLedger(): DropLedger {
  const runs = new Map<string, { run: DropRun; stage: number; done: number[]; advancedBy: Map<number, string>; followedUp: Set<number>; report: DropReport | null }>();
  const chunks = new Map<string, Map<string, ChunkResult>>();
  const settle = new Map<string, Set<string>>();
  const runKey = (dropId: string, runId: string): string => `${dropId}/${runId}`;
  const stateOf = (key: string): RunState | undefined => {
    const r = runs.get(key);
    return r && { run: r.run, stage: r.stage, report: r.report };
  };
  const entry = (run: DropRun) => {
    const r = runs.get(runKey(run.drop.dropId, run.runId));
    if (r === undefined) throw new DocketWatchError('DROP_RUN_NOT_FOUND', `drop run not started: ${run.runId}`);
    return r;
  };
  return {
    ...createInProcessDropKeys(),
    async startRun(run) {
      const key = runKey(run.drop.dropId, run.runId);
      const created = !runs.has(key);
      if (created) runs.set(key, { run, stage: 0, done: run.stages.map(() => 0), advancedBy: new Map(), followedUp: new Set(), report: null });
      return { created, state: stateOf(key) as RunState };
    },
    async getRun(dropId, runId) {
      return stateOf(runKey(dropId, runId));
    },
    async recordChunk(run: DropRun, chunk: DropChunk, result: ChunkResult) {
      const key = runKey(run.drop.dropId, run.runId);
      const list = chunks.get(key) ?? new Map<string, ChunkResult>();
      chunks.set(key, list);
      if (list.has(chunkId(chunk))) return 'duplicate';
      list.set(chunkId(chunk), result);
      const r = entry(run);
      r.done[chunk.stage] = (r.done[chunk.stage] ?? 0) + 1;
      return 'recorded';
    },
    async isChunkRecorded(run, chunk) {
      return chunks.get(runKey(run.drop.dropId, run.runId))?.has(chunkId(chunk)) ?? false;
    },
    async advanceStage(run, stage, by) {
      const r = entry(run);
      if (r.stage === stage + 1 && r.advancedBy.get(stage) === by && !r.followedUp.has(stage)) return true;
      if (r.stage !== stage || r.done[stage] !== (run.stages[stage]?.length ?? 0)) return false;
      r.stage = stage + 1;
      r.advancedBy.set(stage, by);
      return true;
    },
    async markFollowUpDone(run, stage) {
      entry(run).followedUp.add(stage);
    },
    async chunkResults(run) {
      return [...(chunks.get(runKey(run.drop.dropId, run.runId))?.values() ?? [])];
    },
    async noteToSettle(run, caseIds) {
      const key = runKey(run.drop.dropId, run.runId);
      const set = settle.get(key) ?? new Set<string>();
      settle.set(key, set);
      for (const id of caseIds) set.add(id);
    },
    async *toSettle(run) {
      const all = [...(settle.get(runKey(run.drop.dropId, run.runId)) ?? [])];
      for (let i = 0; i < all.length; i += 500) yield all.slice(i, i + 500);
    },
    async finishRun(run, report) {
      const r = entry(run);
      r.report = report;
      r.stage = run.stages.length;
    },
  };
}
