import type { DropChunk } from '../domain/drop-plan';
import type { KeyConflict } from '../domain/drop-duplicates';
import type { EoirTableName } from '../domain/eoir-table';
import type { DropRef } from './docket-source';

/** What one chunk saw of one key (IDNCASE, IDNPROCEEDING, IDNSCHEDULE, idnJuvenileHistory). */
export interface KeyNote {
  readonly table: EoirTableName;
  readonly key: string;
  /** The distinct values of the key's deciding fields in this chunk (e.g. `ABSENTIA=Y`). */
  readonly values: readonly string[];
  /** Some line of this chunk holds the FTA signal for this key. */
  readonly fta: boolean;
}

/** The drop's answer for one key of a chunk, the same on every retry of that chunk. */
export interface KeyVerdict {
  /** This chunk is the one that saw the key first in the run (its first line is no duplicate). */
  readonly first: boolean;
  /** This chunk records the key's FTA (exactly one chunk of the run does). */
  readonly recordsFta: boolean;
}

/** What the whole drop says about its repeated keys, once every chunk has noted its own. */
export interface SettledKeys {
  readonly conflicts: readonly KeyConflict[];
}

/**
 * The keys of a drop's ingest run across chunks: which chunk saw a key first, which one
 * records its FTA, the values its copies hold. Kept beside the run in the drop ledger, per
 * key of the rows the ingest keeps (UC cases' rows), so the duplicates and conflicts of a
 * drop do not depend on how it was cut into chunks. Every call is idempotent per chunk.
 */
export interface DropKeys {
  noteKeys(run: { drop: DropRef; runId: string }, chunk: DropChunk, notes: readonly KeyNote[]): Promise<ReadonlyMap<string, KeyVerdict>>;
  /** Keys with conflicting copies, in pages; call once every chunk is recorded. */
  settledKeys(run: { drop: DropRef; runId: string }): AsyncIterable<SettledKeys>;
}

/** The map key of a note's verdict. */
export const noteId = (n: Pick<KeyNote, 'table' | 'key'>): string => `${n.table}#${n.key}`;
