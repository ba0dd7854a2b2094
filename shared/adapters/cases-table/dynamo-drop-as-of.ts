import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AsOfSource, DropAsOfStore } from '../../ports/fta-signals';
import { sendConditional } from './transactions';
import { keys } from './keys';
import { DocketWatchError } from '../../domain/errors';

/*
 * One item per drop id in the cases table:
 *   as-of   pk DROP#<dropId>  sk AS_OF   asOf (ISO time), source
 * Written once (conditional put): every later run of the drop id reads it back.
 */
export interface DynamoDropAsOfOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

export function createDynamoDropAsOf({ client, tableName }: DynamoDropAsOfOptions): DropAsOfStore {
  return {
    async fix(dropId, candidate) {
      const Key = keys.dropAsOf(dropId);
      const put = new PutCommand({
        TableName: tableName,
        Item: { ...Key, type: 'DROP_AS_OF', dropId, asOf: candidate.asOf, source: candidate.source },
        ConditionExpression: 'attribute_not_exists(pk)',
      });
      if (await sendConditional(client, put)) return candidate;
      const out = await client.send(new GetCommand({ TableName: tableName, Key, ConsistentRead: true }));
      if (out.Item === undefined) throw new DocketWatchError('DROP_AS_OF_MISSING', `drop ${dropId}: as-of neither stored nor found`);
      return { asOf: String(out.Item.asOf), source: out.Item.source as AsOfSource };
    },
  };
}
