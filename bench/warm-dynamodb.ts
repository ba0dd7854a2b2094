import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mapWithLimit } from '../shared/lib/concurrency';
import { localClientConfig } from '../infra/local/provision';

/**
 * Warms DynamoDB Local's JVM before a timed run: a deployed DynamoDB is never JIT-cold, the
 * emulator starts so, and its first thousands of requests run interpreted (the end-to-end
 * bench saw the first stage take 3.3-8.3 s from cold). The requests go to a scratch table
 * of their own (same key schema as the stack's tables: pk, sk strings), on scratch items,
 * with the request kinds the pipeline sends (PutItem and UpdateItem with conditions,
 * BatchWriteItem, BatchGetItem, TransactWriteItems, Query), then the table is deleted:
 * none of the pipeline's tables or items is touched, and none of its work is done ahead.
 * `rounds` rounds of about 300 item operations each; returns the seconds it took.
 */
export async function warmDynamoDbLocal(endpoint: string, rounds = 4): Promise<number> {
  const started = performance.now();
  const raw = new DynamoDBClient(localClientConfig(endpoint));
  const client = DynamoDBDocumentClient.from(raw);
  const TableName = `bench-warmup-${Date.now()}`;
  await raw.send(
    new CreateTableCommand({
      TableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    }),
  );
  try {
    for (let round = 0; round < rounds; round++) {
      const ids = Array.from({ length: 100 }, (_, i) => `W#${round}#${i}`);
      await mapWithLimit(Array.from({ length: 4 }, (_, b) => ids.slice(b * 25, b * 25 + 25)), 4, (batch) =>
        client.send(new BatchWriteCommand({ RequestItems: { [TableName]: batch.map((pk) => ({ PutRequest: { Item: { pk, sk: 'A', n: 1, s: 'x'.repeat(200) } } })) } })),
      );
      await client.send(new BatchGetCommand({ RequestItems: { [TableName]: { Keys: ids.map((pk) => ({ pk, sk: 'A' })), ProjectionExpression: 'pk, n' } } }));
      await client.send(
        new TransactWriteCommand({
          TransactItems: ids.map((pk) => ({
            Update: { TableName, Key: { pk, sk: 'A' }, UpdateExpression: 'SET m = if_not_exists(m, :m) ADD n :one', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':m': 'y', ':one': 1 } },
          })),
        }),
      );
      await mapWithLimit(ids.slice(0, 50), 16, async (pk) => {
        await client.send(new PutCommand({ TableName, Item: { pk, sk: 'B', v: 1 }, ConditionExpression: 'attribute_not_exists(pk)' }));
        await client.send(new UpdateCommand({ TableName, Key: { pk, sk: 'B' }, UpdateExpression: 'SET v = :v', ConditionExpression: 'v < :v', ExpressionAttributeValues: { ':v': 2 } }));
        await client.send(new QueryCommand({ TableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true }));
      });
    }
  } finally {
    await raw.send(new DeleteTableCommand({ TableName })).catch(() => undefined);
    raw.destroy();
  }
  return (performance.now() - started) / 1000;
}
