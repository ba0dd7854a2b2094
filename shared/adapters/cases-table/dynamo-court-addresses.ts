import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CourtAddressStore } from '../../ports/court-addresses';
import { mapWithLimit } from '../../lib/concurrency';
import { isConditionFailure } from './transactions';
import { keys } from './keys';

/*
 * Items in the cases table, one per court (public data: no PII):
 *   court address  pk COURT#<BASE_CITY_CODE>  sk ADDRESS   street, city, state, zip, asOf, dropId
 */
export interface DynamoCourtAddressesOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

const s = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export function createDynamoCourtAddresses({ client, tableName }: DynamoCourtAddressesOptions): CourtAddressStore {
  return {
    async record(courts, from) {
      await mapWithLimit(courts, 8, async ({ code, address }) => {
        try {
          await client.send(
            new UpdateCommand({
              TableName: tableName,
              Key: keys.courtAddress(code),
              UpdateExpression: 'SET street = :st, city = :c, #state = :s, zip = :z, asOf = :a, dropId = :d',
              ConditionExpression: 'attribute_not_exists(asOf) OR asOf <= :a',
              ExpressionAttributeNames: { '#state': 'state' },
              ExpressionAttributeValues: { ':st': address.street, ':c': address.city, ':s': address.state, ':z': address.zip, ':a': from.asOf, ':d': from.dropId },
            }),
          );
        } catch (err) {
          if (!isConditionFailure(err)) throw err;
        }
      });
    },
    async get(code) {
      const out = await client.send(new GetCommand({ TableName: tableName, Key: keys.courtAddress(code.trim().toUpperCase()) }));
      return out.Item === undefined ? null : { street: s(out.Item.street), city: s(out.Item.city), state: s(out.Item.state), zip: s(out.Item.zip) };
    },
  };
}
