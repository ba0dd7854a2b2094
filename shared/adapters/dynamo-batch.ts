import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { backoffMs, chunk, mapWithLimit, sleep } from '../lib/concurrency';

/*
 * The only way the adapters call BatchWriteItem and BatchGetItem. DynamoDB refuses a whole
 * call that names one key twice ("Provided list of item keys contains duplicates"), and a
 * drop repeats lines: so each helper dedupes its keys before it splits the list, then
 * retries what DynamoDB left unprocessed with backoff.
 */

/** AWS limit: BatchWriteItem takes at most 25 put/delete requests, each key once. */
export const BATCH_WRITE_MAX = 25;
/** AWS limit: BatchGetItem takes at most 100 keys, each once. */
export const BATCH_GET_MAX = 100;
const CONCURRENCY = 16;
const MAX_ATTEMPTS = 8;

/** The key attributes of the tables here (every table of the stack is keyed pk + sk). */
const KEY_NAMES = ['pk', 'sk'] as const;

type Item = Record<string, unknown>;
export type WriteRequest = { readonly PutRequest: { readonly Item: Item } } | { readonly DeleteRequest: { readonly Key: Item } };

/** One string per item key (the key attributes only, in a fixed order). */
export const itemKeyOf = (itemOrKey: Item): string => JSON.stringify(KEY_NAMES.map((k) => itemOrKey[k] ?? null));

const requestKey = (r: WriteRequest): string => itemKeyOf('PutRequest' in r ? r.PutRequest.Item : r.DeleteRequest.Key);

/**
 * Keeps one request per item key: the last one given wins (it is what the item would hold
 * after writing them one by one, in order). Order of first appearance is kept.
 */
export function lastWritePerKey(requests: readonly WriteRequest[]): WriteRequest[] {
  const byKey = new Map<string, WriteRequest>();
  for (const r of requests) {
    const key = requestKey(r);
    if (byKey.has(key)) byKey.delete(key);
    byKey.set(key, r);
  }
  return [...byKey.values()];
}

/** Keys once each, in order of first appearance. */
export function uniqueKeys(keys: readonly Item[]): Item[] {
  return [...new Map(keys.map((k) => [itemKeyOf(k), k])).values()];
}

/**
 * Writes every request (puts and deletes), each item key once (last one wins), 25 per
 * BatchWriteItem and up to 16 calls at a time; unprocessed requests are sent again with
 * backoff, and an error is thrown if some are still left after 8 attempts.
 */
export async function batchWriteItems(client: DynamoDBDocumentClient, tableName: string, requests: readonly WriteRequest[]): Promise<void> {
  await mapWithLimit(chunk(lastWritePerKey(requests), BATCH_WRITE_MAX), CONCURRENCY, async (batch) => {
    let pending: WriteRequest[] = batch;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS) throw new Error(`BatchWriteItem left ${pending.length} items unprocessed`);
      if (attempt > 0) await sleep(backoffMs(attempt));
      const out = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = (out.UnprocessedItems?.[tableName] ?? []) as WriteRequest[];
    }
  });
}

/** Puts items, each key once: the last item given for a key wins. */
export async function batchPutItems(client: DynamoDBDocumentClient, tableName: string, items: readonly Item[]): Promise<void> {
  await batchWriteItems(client, tableName, items.map((Item) => ({ PutRequest: { Item } })));
}

export interface BatchGetOptions {
  readonly projection?: string;
  readonly names?: Record<string, string>;
  readonly consistentRead?: boolean;
}

/**
 * Reads the items of these keys (each key asked once), 100 per BatchGetItem and up to 16
 * calls at a time; unprocessed keys are asked again with backoff, and an error is thrown
 * if some are still left after 8 attempts. Items come back in no particular order; keys
 * without an item are simply absent.
 */
export async function batchGetItems(
  client: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Item[],
  options: BatchGetOptions = {},
): Promise<Item[]> {
  const items: Item[] = [];
  await mapWithLimit(chunk(uniqueKeys(keys), BATCH_GET_MAX), CONCURRENCY, async (batch) => {
    let pending: Item[] = batch;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS) throw new Error(`BatchGetItem left ${pending.length} keys unprocessed`);
      if (attempt > 0) await sleep(backoffMs(attempt));
      const out = await client.send(
        new BatchGetCommand({
          RequestItems: {
            [tableName]: {
              Keys: pending,
              ...(options.projection === undefined ? {} : { ProjectionExpression: options.projection }),
              ...(options.names === undefined ? {} : { ExpressionAttributeNames: options.names }),
              ...(options.consistentRead === undefined ? {} : { ConsistentRead: options.consistentRead }),
            },
          },
        }),
      );
      items.push(...(out.Responses?.[tableName] ?? []));
      pending = (out.UnprocessedKeys?.[tableName]?.Keys ?? []) as Item[];
    }
  });
  return items;
}
