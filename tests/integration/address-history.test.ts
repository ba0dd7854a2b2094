import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDynamoAddressHistory } from '../../shared/adapters/cases-table/dynamo-address-history';
import { useCasesTable } from '../helpers/local-stack';

describe('address history on DynamoDB Local: one sort-key scheme, items of the old one read in place', () => {
  const table = useCasesTable();

  it('an ERO-verified address stored under the old key is replaced, not doubled, by a report of the same day', async () => {
    const { dynamo, tableName } = table;
    const history = createDynamoAddressHistory({ client: dynamo, tableName });
    const pk = 'CASE#7300001';
    // As written before the one scheme: ADDR#<day>#<source>.
    await dynamo.send(new PutCommand({ TableName: tableName, Item: { pk, sk: 'ADDR#2025-02-03#ERO_VERIFIED', type: 'ADDRESS', source: 'ERO_VERIFIED', asOf: '2025-02-03', street: '1 Old Rd', city: 'Houston', state: 'TX', zip: '77002' } }));
    await dynamo.send(new PutCommand({ TableName: tableName, Item: { pk, sk: 'ADDR#2024-11-20#ERO_VERIFIED', type: 'ADDRESS', source: 'ERO_VERIFIED', asOf: '2024-11-20', street: '9 First St', city: 'Houston', state: 'TX', zip: '77003' } }));

    const after = await history.recordAddress('7300001', { source: 'ERO_VERIFIED', asOf: '2025-02-03', street: '2 New St', city: 'Houston', state: 'TX', zip: '77002' });

    expect(after.map((e) => [e.asOf, e.street])).toEqual([
      ['2024-11-20', '9 First St'],
      ['2025-02-03', '2 New St'],
    ]);
    const stored = await dynamo.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } }));
    expect((stored.Items ?? []).map((i) => i.sk).sort()).toEqual(['ADDR#2024-11-20#ERO_VERIFIED', 'ADDR#2025-02-03#ERO_VERIFIED', 'ADDR#ERO_VERIFIED#2025-02-03']);
  });
});
