import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { backoffMs, mapWithLimit, sleep } from '../lib/concurrency';

/*
 * The only way the adapters call SendMessageBatch. SQS refuses a whole batch whose entry
 * ids repeat (BatchEntryIdsNotDistinct) and a drop repeats lines: so entries are deduped by
 * the caller's key before they are split, and the SQS entry id is the entry's place in its
 * batch (callers' keys need not fit SQS's id alphabet).
 */

/** AWS limit: SendMessageBatch takes at most 10 entries with distinct ids ... */
export const SEND_BATCH_MAX = 10;
/** ... and at most 256 KiB of message bodies in all. */
export const SEND_BATCH_MAX_BYTES = 256 * 1024;
const MAX_ATTEMPTS = 5;
const CONCURRENCY = 4;

export interface BatchEntry {
  /** What makes two entries the same message: the last entry given for a key is sent, once. */
  readonly key: string;
  readonly body: string;
}

/** One entry per key, the last one given winning, in order of first appearance. */
export function lastEntryPerKey(entries: readonly BatchEntry[]): BatchEntry[] {
  const byKey = new Map<string, BatchEntry>();
  for (const e of entries) {
    if (byKey.has(e.key)) byKey.delete(e.key);
    byKey.set(e.key, e);
  }
  return [...byKey.values()];
}

/** Splits entries into batches within both SendMessageBatch limits (count and bytes). */
export function sendBatches(entries: readonly BatchEntry[]): BatchEntry[][] {
  const batches: BatchEntry[][] = [];
  let batch: BatchEntry[] = [];
  let bytes = 0;
  for (const e of entries) {
    const size = Buffer.byteLength(e.body);
    if (batch.length > 0 && (batch.length === SEND_BATCH_MAX || bytes + size > SEND_BATCH_MAX_BYTES)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(e);
    bytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/**
 * Sends entries to one queue, each key once, in batches within SQS's limits, up to 4 calls
 * at a time. Failed entries and failed calls (network, throttling) are sent again with
 * backoff, up to 5 attempts. Returns the keys the queue accepted; the caller decides what a
 * missing one means (the FTA outbox keeps it for the next sweep).
 */
export async function sendMessageBatches(client: SQSClient, queueUrl: string, entries: readonly BatchEntry[]): Promise<Set<string>> {
  const accepted = new Set<string>();
  await mapWithLimit(sendBatches(lastEntryPerKey(entries)), CONCURRENCY, async (batch) => {
    let pending = batch;
    for (let attempt = 0; pending.length > 0 && attempt < MAX_ATTEMPTS; attempt++) {
      if (attempt > 0) await sleep(backoffMs(attempt));
      try {
        const out = await client.send(
          new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: pending.map((e, i) => ({ Id: String(i), MessageBody: e.body })) }),
        );
        for (const ok of out.Successful ?? []) {
          const e = pending[Number(ok.Id)];
          if (e !== undefined) accepted.add(e.key);
        }
        const failed = new Set((out.Failed ?? []).map((f) => Number(f.Id)));
        pending = pending.filter((_, i) => failed.has(i));
      } catch {
        // The whole call failed: send the same entries again.
      }
    }
  });
  return accepted;
}
