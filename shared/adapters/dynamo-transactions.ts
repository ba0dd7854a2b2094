import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { backoffMs, sleep } from '../runtime/concurrency';

const MAX_ATTEMPTS = 8;

/**
 * One TransactWriteItems whose first item carries the idempotency condition (the item
 * must not exist yet, or must still be OPEN, ...). Returns 'applied', or
 * 'condition-failed' when that first condition said the write was already done.
 * TransactionConflict (another transaction on a shared aggregate item) is retried with
 * backoff; any other error is thrown.
 */
export async function transactWrite(
  client: DynamoDBDocumentClient,
  items: NonNullable<TransactWriteCommandInput['TransactItems']>,
): Promise<'applied' | 'condition-failed'> {
  for (let attempt = 0; ; attempt++) {
    try {
      await client.send(new TransactWriteCommand({ TransactItems: items }));
      return 'applied';
    } catch (err) {
      if (err instanceof TransactionCanceledException) {
        if (err.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return 'condition-failed';
        if (attempt < MAX_ATTEMPTS) {
          await sleep(backoffMs(attempt));
          continue;
        }
      }
      throw err;
    }
  }
}
