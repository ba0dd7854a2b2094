import { noteId, type KeyNote, type KeyVerdict } from '../../../ports/drop-keys';
import type { FinishNotes } from '../../../ports/drop-ledger';
import { createInProcessDropLedger } from './in-process-drop-ledger';

/** How many keys and cases to settle a run keeps in memory before the rest go to the durable ledger. */
export const IN_MEMORY_FINISH_NOTES = { keys: 25_000, cases: 25_000 } as const;

/**
 * A run's finish-step notes (the keys of UC cases' rows, the cases to settle) kept in
 * memory up to `limits`, the rest in `durable` (the DynamoDB drop ledger): a drop read
 * inside one invocation costs no ledger write for a small drop, and memory stops growing
 * for a big one. Each key and case lives in one place for the whole run: in memory when it
 * was first noted while there was room, else in `durable` (room never comes back), so every
 * note of a key meets the same record and the verdicts are those of one registry.
 */
export function createSpillingFinishNotes(durable: FinishNotes, limits: { keys: number; cases: number } = IN_MEMORY_FINISH_NOTES): FinishNotes {
  const memory = createInProcessDropLedger();
  const keysHere = new Set<string>();
  const casesHere = new Set<string>();
  return {
    async noteKeys(run, chunk, notes) {
      const here: KeyNote[] = [];
      const there: KeyNote[] = [];
      for (const n of notes) {
        const id = noteId(n);
        if (keysHere.has(id) || keysHere.size < limits.keys) {
          keysHere.add(id);
          here.push(n);
        } else there.push(n);
      }
      const verdicts = new Map<string, KeyVerdict>();
      if (here.length > 0) for (const [id, v] of await memory.noteKeys(run, chunk, here)) verdicts.set(id, v);
      if (there.length > 0) for (const [id, v] of await durable.noteKeys(run, chunk, there)) verdicts.set(id, v);
      return verdicts;
    },
    async *settledKeys(run) {
      yield* memory.settledKeys(run);
      yield* durable.settledKeys(run);
    },
    async noteToSettle(run, caseIds) {
      const here: string[] = [];
      const there: string[] = [];
      for (const id of caseIds) {
        if (casesHere.has(id) || casesHere.size < limits.cases) {
          casesHere.add(id);
          here.push(id);
        } else there.push(id);
      }
      if (here.length > 0) await memory.noteToSettle(run, here);
      if (there.length > 0) await durable.noteToSettle(run, there);
    },
    async *toSettle(run) {
      yield* memory.toSettle(run);
      yield* durable.toSettle(run);
    },
  };
}
