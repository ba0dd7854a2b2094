import { chunkId } from '../../../domain/drop-plan';
import type { KeyConflict } from '../../../domain/drop-duplicates';
import type { EoirTableName } from '../../../domain/eoir-table';
import { noteId, type DropKeys, type KeyVerdict } from '../../../ports/drop-keys';

interface KeyState {
  firstChunk: string;
  ftaChunk: string | null;
  values: Set<string>;
}

/**
 * The keys of runs read inside one invocation, in memory (same rules as
 * dynamo-drop-keys.ts). Memory grows with the keys of UC cases' rows, never with all rows.
 */
export function createInProcessDropKeys(): DropKeys {
  const runs = new Map<string, Map<string, KeyState & { table: EoirTableName; key: string }>>();
  const keysOf = (run: { drop: { dropId: string }; runId: string }) => {
    const id = `${run.drop.dropId}/${run.runId}`;
    let keys = runs.get(id);
    if (keys === undefined) runs.set(id, (keys = new Map()));
    return keys;
  };
  return {
    async noteKeys(run, chunk, notes) {
      const keys = keysOf(run);
      const me = chunkId(chunk);
      const verdicts = new Map<string, KeyVerdict>();
      for (const n of notes) {
        const id = noteId(n);
        let s = keys.get(id);
        if (s === undefined) keys.set(id, (s = { table: n.table, key: n.key, firstChunk: me, ftaChunk: null, values: new Set() }));
        if (n.fta && s.ftaChunk === null) s.ftaChunk = me;
        for (const v of n.values) s.values.add(v);
        verdicts.set(id, { first: s.firstChunk === me, recordsFta: s.ftaChunk === me });
      }
      return verdicts;
    },
    async *settledKeys(run) {
      const conflicts: KeyConflict[] = [];
      for (const s of keysOf(run).values()) {
        if (s.values.size > 1) conflicts.push({ table: s.table, key: s.key, values: [...s.values].sort() });
      }
      yield { conflicts };
    },
  };
}
