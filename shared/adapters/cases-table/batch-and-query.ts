import {
  BatchGetCommand,
  BatchWriteCommand,
  paginateQuery,
  paginateScan,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { backoffMs, chunk, mapWithLimit, sleep } from '../../lib/concurrency';
import { DocketWatchError } from '../../domain/errors';

/*
 * The only way the cases-table adapters call BatchWriteItem, BatchGetItem, Query and Scan.
 *
 * AWS limits (DynamoDB API reference):
 *   BatchWriteItem      at most 25 put/delete requests per call, each item key once
 *   BatchGetItem        at most 100 keys per call, each key once
 *   Query, Scan         at most 1 MB read per page: LastEvaluatedKey says where to go on
 *   TransactWriteItems  at most 100 items, each item once (transactions.ts)
 * DynamoDB refuses a whole batch call that names one key twice ("Provided list of item keys
 * contains duplicates"), and a drop repeats lines: so each batch helper dedupes its keys
 * before it splits the list. What a batch call leaves unprocessed (throttling, 16 MB
 * answers) is sent again by `untilProcessed`, the one retry loop for both.
 */

/** AWS limit: BatchWriteItem takes at most 25 put/delete requests, each key once. */
export const BATCH_WRITE_MAX = 25;
/** AWS limit: BatchGetItem takes at most 100 keys, each once. */
export const BATCH_GET_MAX = 100;
/** BatchGetItem calls in flight at a time. */
const GET_CONCURRENCY = 16;
/**
 * BatchWriteItem calls in flight at a time: the fastest of the write bench's sweep
 * (bench/writes.bench.ts: the store's hearing items through a bare BatchWriteItem loop at
 * 8 to 64 calls in flight on DynamoDB Local, 2 shared cores, 2026-11-29, best of 2 rounds
 * at load average 28-35): 32 in flight 1,879 items/s, 16: 1,097, 24: 1,495, 48: 1,062,
 * 64: 1,287 (an earlier sweep: 32 2,075, 16 1,523, 64 1,670). Past 32 the calls only
 * queue. At 32 the store ran at 0.84x the loop (median of 5 back-to-back pairs; at 16 it
 * was 0.58x). DynamoDB itself scales per partition: more calls in flight cost nothing there
 * but throttling, retried as unprocessed items with backoff.
 */
export const BATCH_WRITE_CONCURRENCY = 32;
/** Calls per batch before unprocessed requests are an error (the first and 7 retries). */
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
 * Sends `batch` with `send`, then what it answers unprocessed again with backoff, until
 * nothing is left; throws after 8 calls with some still left (`what` names the call and
 * what it carries: 'BatchWriteItem' 'items').
 */
async function untilProcessed<T>(batch: T[], [call, noun]: readonly [string, string], send: (pending: T[]) => Promise<T[]>): Promise<void> {
  let pending = batch;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt >= MAX_ATTEMPTS) throw new DocketWatchError('BATCH_UNPROCESSED', `${call} left ${pending.length} ${noun} unprocessed`);
    if (attempt > 0) await sleep(backoffMs(attempt));
    pending = await send(pending);
  }
}

/**
 * Writes every request (puts and deletes), each item key once (last one wins), 25 per
 * BatchWriteItem and up to BATCH_WRITE_CONCURRENCY (32) calls at a time; unprocessed requests are sent again with
 * backoff, and an error is thrown if some are still left after 8 attempts.
 */
export async function batchWriteItems(client: DynamoDBDocumentClient, tableName: string, requests: readonly WriteRequest[]): Promise<void> {
  await mapWithLimit(chunk(lastWritePerKey(requests), BATCH_WRITE_MAX), BATCH_WRITE_CONCURRENCY, (batch) =>
    untilProcessed(batch, ['BatchWriteItem', 'items'], async (pending) => {
      const out = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      return (out.UnprocessedItems?.[tableName] ?? []) as WriteRequest[];
    }),
  );
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
  await mapWithLimit(chunk(uniqueKeys(keys), BATCH_GET_MAX), GET_CONCURRENCY, (batch) =>
    untilProcessed(batch, ['BatchGetItem', 'keys'], async (pending) => {
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
      return (out.UnprocessedKeys?.[tableName]?.Keys ?? []) as Item[];
    }),
  );
  return items;
}

/** A filter applied to each page after the key condition (it does not lower the read cost). */
export interface ItemFilter {
  readonly expression: string;
  readonly names?: Record<string, string>;
  readonly values?: Record<string, unknown>;
}

/** One partition (or a sort-key range of it) to read: of the table, or of a sparse index. */
export interface PartitionQuery {
  /** The partition key value (`pk` of the table, or `index.keyName` of an index). */
  readonly pk: string;
  /** Only items whose `sk` begins with this. */
  readonly skPrefix?: string;
  /** Only items whose `sk` sorts before this (overdue: `sk < today`). */
  readonly skBefore?: string;
  /** Only items whose `sk` sorts at or after this. */
  readonly skFrom?: string;
  /** Only items whose `sk` is between these, both included. */
  readonly skBetween?: { readonly from: string; readonly to: string };
  /** A global secondary index keyed by `keyName` only (outbox, hearingsByDay). */
  readonly index?: { readonly name: string; readonly keyName: string };
  readonly filter?: ItemFilter;
  readonly projection?: string;
  /** ConsistentRead (default false): true where a reader must see the writes just made (never on an index). */
  readonly consistentRead?: boolean;
  /** Highest sk first. */
  readonly newestFirst?: boolean;
  /** Items per Query call (Limit); the default is DynamoDB's 1 MB page. */
  readonly pageSize?: number;
  /** Stop once this many items are read (and ask each call for at most this many: Limit). */
  readonly limit?: number;
  /** Ask DynamoDB for the capacity each page consumed (ReturnConsumedCapacity TOTAL). */
  readonly consumedCapacity?: boolean;
}

function queryInput(tableName: string, q: PartitionQuery): QueryCommandInput {
  const names: Record<string, string> = { '#pk': q.index?.keyName ?? 'pk', ...q.filter?.names };
  const values: Record<string, unknown> = { ':pk': q.pk, ...q.filter?.values };
  const conditions = ['#pk = :pk'];
  if (q.skPrefix !== undefined) {
    conditions.push('begins_with(#sk, :skPrefix)');
    values[':skPrefix'] = q.skPrefix;
  } else if (q.skBefore !== undefined) {
    conditions.push('#sk < :skBefore');
    values[':skBefore'] = q.skBefore;
  } else if (q.skFrom !== undefined) {
    conditions.push('#sk >= :skFrom');
    values[':skFrom'] = q.skFrom;
  } else if (q.skBetween !== undefined) {
    conditions.push('#sk BETWEEN :skLow AND :skHigh');
    values[':skLow'] = q.skBetween.from;
    values[':skHigh'] = q.skBetween.to;
  }
  if (conditions.length > 1) names['#sk'] = 'sk';
  const pageLimit = q.limit ?? q.pageSize;
  return {
    TableName: tableName,
    ...(q.index === undefined ? {} : { IndexName: q.index.name }),
    KeyConditionExpression: conditions.join(' AND '),
    ...(q.filter === undefined ? {} : { FilterExpression: q.filter.expression }),
    ...(q.projection === undefined ? {} : { ProjectionExpression: q.projection }),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ...(q.consistentRead === true ? { ConsistentRead: true } : {}),
    ...(q.newestFirst === true ? { ScanIndexForward: false } : {}),
    ...(pageLimit === undefined ? {} : { Limit: pageLimit }),
    ...(q.consumedCapacity === true ? { ReturnConsumedCapacity: 'TOTAL' as const } : {}),
  };
}

/**
 * The pages of one partition query (lib-dynamodb's paginateQuery: it follows
 * LastEvaluatedKey; each page at most 1 MB, or `pageSize` items). Pages left empty by the
 * filter are skipped. With `limit`, stops after the page that reaches it (that page may
 * carry more items than the limit left: callers slice).
 */
export async function* queryPages(client: DynamoDBDocumentClient, tableName: string, query: PartitionQuery): AsyncIterable<Item[]> {
  let read = 0;
  for await (const page of paginateQuery({ client }, queryInput(tableName, query))) {
    const items = page.Items ?? [];
    read += items.length;
    if (items.length > 0) yield items;
    if (query.limit !== undefined && read >= query.limit) return;
  }
}

/**
 * Every item a partition query reads, all pages, held in memory: for partitions whose size
 * is bounded by design (one case, one A-number, one aggregate, one AOR's backlog).
 */
export async function queryPartition(client: DynamoDBDocumentClient, tableName: string, query: PartitionQuery): Promise<Item[]> {
  const items: Item[] = [];
  for await (const page of queryPages(client, tableName, query)) items.push(...page);
  return items;
}

/**
 * The pages of a full-table Scan with a filter (lib-dynamodb's paginateScan): only for jobs
 * that must see every item of some kinds (the monthly omission sweep, the daily matching
 * report, exports). Pages left empty by the filter are skipped.
 */
export async function* scanPages(client: DynamoDBDocumentClient, tableName: string, filter: ItemFilter): AsyncIterable<Item[]> {
  const pages = paginateScan(
    { client },
    {
      TableName: tableName,
      FilterExpression: filter.expression,
      ...(filter.names === undefined ? {} : { ExpressionAttributeNames: filter.names }),
      ...(filter.values === undefined ? {} : { ExpressionAttributeValues: filter.values }),
    },
  );
  for await (const page of pages) {
    const items = page.Items ?? [];
    if (items.length > 0) yield items;
  }
}
