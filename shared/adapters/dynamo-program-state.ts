import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ProgramState } from '../domain/program-metrics';
import type { ProgramStateReader } from '../ports/program-state';

export interface DynamoProgramStateOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

/**
 * Reads the aggregate items (AGG#FTA, AGG#TASK, AGG#DROP) the case and task stores keep
 * in the same transactions as the items they count. Reads grow with AORs x shards, not UCs.
 */
export function createDynamoProgramState({ client, tableName }: DynamoProgramStateOptions): ProgramStateReader {
  async function sumOpenByAor(pk: string): Promise<Map<string, number>> {
    const sums = new Map<string, number>();
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of out.Items ?? []) {
        const aor = String(item.aor);
        sums.set(aor, (sums.get(aor) ?? 0) + Number(item.open ?? 0));
      }
      startKey = out.LastEvaluatedKey;
    } while (startKey !== undefined);
    return sums;
  }

  return {
    async readProgramState(): Promise<ProgramState> {
      const [ftasOpenByAor, tasksOpenByAor, last] = await Promise.all([
        sumOpenByAor('AGG#FTA'),
        sumOpenByAor('AGG#TASK'),
        client.send(new GetCommand({ TableName: tableName, Key: { pk: 'AGG#DROP', sk: 'LAST' }, ConsistentRead: true })),
      ]);
      return { ftasOpenByAor, tasksOpenByAor, lastDropAt: (last.Item?.lastDropAt as string | undefined) ?? null };
    },
  };
}
