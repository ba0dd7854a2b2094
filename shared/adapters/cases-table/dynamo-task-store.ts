import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OverdueTask, ReverificationTask, TaskCloseReason, TaskStore } from '../../ports/task-store';
import { taskAggregateUpdates } from './program-aggregates';
import { transactWrite } from './transactions';
import { queryPartition } from './batch-and-query';
import { casePk, keys, SK_PREFIX } from './keys';

/*
 * Items in the cases table:
 *   task        pk CASE#<IDNCASE>  sk TASK#REVERIFY#<ftaId>   status OPEN, dueDate, aor
 *   aggregates  pk AGG#TASK        sk REVERIFY#<aor|NONE>     open (counter)
 *               pk AGG#TASK_DUE    sk DUE#<dueDate>#AOR#<aor> open (counter, for overdue)
 *               pk AGG#TASK_FLOW   sk DAY#<day>#AOR#<aor>     opened, closed (counters, for the trend)
 *   open index  pk TASKS#<aor|NONE> sk <dueDate>#<ftaId>       caseId, ftaId, dueDate: only while
 *                                                             open, so overdue = sk < today
 */
export interface DynamoTaskStoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}


export function createDynamoTaskStore({ client, tableName }: DynamoTaskStoreOptions): TaskStore {
  async function closeOne(item: Record<string, unknown>, reason: TaskCloseReason, closedAt: string): Promise<boolean> {
    const aor = (item.aor as string | null | undefined) ?? 'NONE';
    const outcome = await transactWrite(client, [
      {
        Update: {
          TableName: tableName,
          Key: { pk: item.pk, sk: item.sk },
          UpdateExpression: 'SET #s = :closed, closedAt = :at, closedReason = :r',
          ConditionExpression: '#s = :open',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':closed': 'CLOSED', ':open': 'OPEN', ':at': closedAt, ':r': reason },
        },
      },
      { Delete: { TableName: tableName, Key: keys.openTask(aor === 'NONE' ? null : aor, String(item.dueDate), String(item.ftaId)) } },
      ...taskAggregateUpdates(tableName, { aor: aor === 'NONE' ? null : aor, dueDate: String(item.dueDate), delta: -1, at: closedAt }).map(
        (Update) => ({ Update }),
      ),
    ]);
    return outcome === 'applied';
  }

  return {
    async closeReverificationTasks(caseId: string, reason: TaskCloseReason, closedAt: string): Promise<number> {
      const items = await queryPartition(client, tableName, { pk: casePk(caseId), skPrefix: SK_PREFIX.reverifyTask, consistentRead: true });
      let closed = 0;
      for (const item of items) {
        if (item.status === 'OPEN' && (await closeOne(item, reason, closedAt))) closed += 1;
      }
      return closed;
    },

    async listOverdueTasks(aor: string | null, today: string): Promise<OverdueTask[]> {
      const items = await queryPartition(client, tableName, { pk: keys.openTasksPk(aor), skBefore: today });
      return items.map((item) => ({ ftaId: String(item.ftaId), caseId: String(item.caseId), aor, dueDate: String(item.dueDate) }));
    },

    async openReverificationTask(task: ReverificationTask): Promise<'opened' | 'exists'> {
      const outcome = await transactWrite(client, [
        {
          Put: {
            TableName: tableName,
            Item: {
              ...keys.reverifyTask(task.caseId, task.ftaId),
              type: 'REVERIFY_TASK',
              ftaId: task.ftaId,
              caseId: task.caseId,
              aor: task.aor,
              status: 'OPEN',
              openedAt: task.openedAt,
              dueDate: task.dueDate,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Put: {
            TableName: tableName,
            Item: {
              ...keys.openTask(task.aor, task.dueDate, task.ftaId),
              type: 'OPEN_TASK_INDEX',
              caseId: task.caseId,
              ftaId: task.ftaId,
              dueDate: task.dueDate,
            },
          },
        },
        ...taskAggregateUpdates(tableName, { aor: task.aor, dueDate: task.dueDate, delta: 1, at: task.openedAt }).map((Update) => ({ Update })),
      ]);
      return outcome === 'applied' ? 'opened' : 'exists';
    },
  };
}
