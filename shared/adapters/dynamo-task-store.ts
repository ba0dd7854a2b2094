import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ReverificationTask, TaskStore } from '../ports/task-store';
import { backoffMs, sleep } from '../runtime/concurrency';
import { taskAggregateUpdates } from './program-aggregates';

/*
 * Items in the cases table:
 *   task        pk CASE#<IDNCASE>  sk TASK#REVERIFY#<ftaId>   status OPEN, dueDate, aor
 *   aggregates  pk AGG#TASK        sk REVERIFY#<aor|NONE>     open (counter)
 *               pk AGG#TASK_DUE    sk DUE#<dueDate>#AOR#<aor> open (counter, for overdue)
 */
export interface DynamoTaskStoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

const MAX_ATTEMPTS = 8;

export function createDynamoTaskStore({ client, tableName }: DynamoTaskStoreOptions): TaskStore {
  return {
    async openReverificationTask(task: ReverificationTask): Promise<'opened' | 'exists'> {
      for (let attempt = 0; ; attempt++) {
        try {
          await client.send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Put: {
                    TableName: tableName,
                    Item: {
                      pk: `CASE#${task.caseId}`,
                      sk: `TASK#REVERIFY#${task.ftaId}`,
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
                ...taskAggregateUpdates(tableName, { aor: task.aor, dueDate: task.dueDate, delta: 1 }).map((Update) => ({ Update })),
              ],
            }),
          );
          return 'opened';
        } catch (err) {
          if (err instanceof TransactionCanceledException) {
            if (err.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return 'exists';
            if (attempt < MAX_ATTEMPTS) {
              await sleep(backoffMs(attempt));
              continue;
            }
          }
          throw err;
        }
      }
    },
  };
}
