import type { DropChunkMessage } from '../messages/drop-chunk';

/**
 * Hands a stage's chunks to the chunk workers (SQS). At least once: a chunk may be sent
 * and delivered more than once; the drop ledger makes its result count once. Throws when a
 * message could not be sent (the caller's retry sends the stage again).
 */
export interface ChunkQueue {
  send(messages: readonly DropChunkMessage[]): Promise<void>;
}
