import { paginateQuery, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** One partition to read whole: its key, an optional sort-key prefix, and whether to read strongly. */
export interface PartitionQuery {
  /** The `pk` value. */
  readonly pk: string;
  /** Only items whose `sk` begins with this. */
  readonly skPrefix?: string;
  /** ConsistentRead (default false): true where a reader must see the writes just made. */
  readonly consistentRead?: boolean;
}

/**
 * Every item of one partition of the cases table (`pk`, optionally `begins_with(sk, prefix)`),
 * all pages (lib-dynamodb's paginateQuery; each page at most 1 MB). For partitions whose size
 * is bounded by design (one case, one aggregate): the whole result is held in memory.
 */
export async function queryPartition(client: DynamoDBDocumentClient, tableName: string, query: PartitionQuery): Promise<Record<string, unknown>[]> {
  const { pk, skPrefix, consistentRead } = query;
  const pages = paginateQuery(
    { client },
    {
      TableName: tableName,
      KeyConditionExpression: skPrefix === undefined ? 'pk = :pk' : 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: skPrefix === undefined ? { ':pk': pk } : { ':pk': pk, ':p': skPrefix },
      ...(consistentRead === true ? { ConsistentRead: true } : {}),
    },
  );
  const items: Record<string, unknown>[] = [];
  for await (const page of pages) items.push(...(page.Items ?? []));
  return items;
}
