import { z } from 'zod';
import { EOIR_TABLES } from '../domain/eoir-table';
import { INGEST_STAGES, type DropChunk } from '../domain/drop-plan';

/**
 * One chunk of a drop's ingest run, sent by the ingest to the chunk queue and processed by
 * the chunk worker: which run (the worker reads the plan from the ledger) and which byte
 * range of which table. About 300 bytes, far below SQS's 256 KiB; keys and ids only, no PII.
 */
export const DropChunkMessage = z.object({
  type: z.literal('DROP_CHUNK'),
  version: z.literal(1),
  dropId: z.string().min(1),
  runId: z.string().min(1),
  table: z.enum(EOIR_TABLES),
  key: z.string().min(1),
  start: z.number().int().min(0),
  end: z.number().int().min(0).nullable(),
  stage: z.number().int().min(0).max(INGEST_STAGES.length - 1),
});
export type DropChunkMessage = z.infer<typeof DropChunkMessage>;

export function toDropChunkMessage(dropId: string, runId: string, chunk: DropChunk): DropChunkMessage {
  return { type: 'DROP_CHUNK', version: 1, dropId, runId, table: chunk.table, key: chunk.key, start: chunk.start, end: chunk.end, stage: chunk.stage };
}
