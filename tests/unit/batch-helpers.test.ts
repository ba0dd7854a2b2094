import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { batchGetItems, batchWriteItems, itemKeyOf, type WriteRequest } from '../../shared/adapters/cases-table/batch-and-query';
import { packChanges, transactWrite } from '../../shared/adapters/cases-table/transactions';
import { sendMessageBatches } from '../../shared/adapters/sqs-batch';

// Recorded calls: DynamoDB Local and the SQS emulator never leave items unprocessed or fail one entry.
const ddbMock = mockClient(DynamoDBDocumentClient);
const sqsMock = mockClient(SQSClient);
afterEach(() => {
  ddbMock.reset();
  sqsMock.reset();
});
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));

const keysOf = (items: readonly Record<string, unknown>[]): string[] => items.map(itemKeyOf);
const hasRepeat = (keys: readonly string[]): boolean => new Set(keys).size !== keys.length;

describe('batchWriteItems', () => {
  it('writes each key once per call (the last copy), 25 at most, and sends unprocessed items again', async () => {
    // 30 keys, each given three times with a version: 90 requests.
    const requests: WriteRequest[] = [1, 2, 3].flatMap((version) =>
      Array.from({ length: 30 }, (_, i) => ({ PutRequest: { Item: { pk: `CASE#${i}`, sk: 'HEARING#1', version } } })),
    );
    let first = true;
    ddbMock.on(BatchWriteCommand).callsFake((input: { RequestItems: Record<string, WriteRequest[]> }) => {
      const list = input.RequestItems.t ?? [];
      if (first) {
        first = false;
        return { UnprocessedItems: { t: list.slice(0, 2) } };
      }
      return { UnprocessedItems: {} };
    });
    await batchWriteItems(client, 't', requests);
    const calls = ddbMock.commandCalls(BatchWriteCommand).map((c) => (c.args[0].input.RequestItems?.t ?? []) as WriteRequest[]);
    for (const list of calls) {
      expect(list.length).toBeLessThanOrEqual(25);
      expect(hasRepeat(keysOf(list.map((r) => ('PutRequest' in r ? r.PutRequest.Item : r.DeleteRequest.Key))))).toBe(false);
    }
    const written = calls.flat().map((r) => ('PutRequest' in r ? r.PutRequest.Item : {}));
    // 30 keys, plus the 2 sent again.
    expect(written).toHaveLength(32);
    expect(new Set(written.map((i) => i.version))).toEqual(new Set([3]));
    expect(calls.length).toBe(3);
  });
});

describe('batchGetItems', () => {
  it('asks each key once per call, 100 at most, and asks unprocessed keys again', async () => {
    const keys = [...Array.from({ length: 150 }, (_, i) => ({ pk: `CASE#${i}`, sk: 'UC' })), { pk: 'CASE#7', sk: 'UC' }, { pk: 'CASE#140', sk: 'UC' }];
    let first = true;
    ddbMock.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: Record<string, unknown>[] }> }) => {
      const asked = input.RequestItems.t?.Keys ?? [];
      if (first) {
        first = false;
        return { Responses: { t: asked.slice(1).map((k) => ({ ...k, caseId: String(k.pk).slice(5) })) }, UnprocessedKeys: { t: { Keys: asked.slice(0, 1) } } };
      }
      return { Responses: { t: asked.map((k) => ({ ...k, caseId: String(k.pk).slice(5) })) } };
    });
    const items = await batchGetItems(client, 't', keys, { projection: 'caseId' });
    const calls = ddbMock.commandCalls(BatchGetCommand).map((c) => c.args[0].input.RequestItems?.t?.Keys ?? []);
    for (const asked of calls) {
      expect(asked.length).toBeLessThanOrEqual(100);
      expect(hasRepeat(keysOf(asked))).toBe(false);
    }
    expect(calls.length).toBe(3);
    expect(new Set(items.map((i) => i.caseId)).size).toBe(150);
    expect(items).toHaveLength(150);
  });
});

describe('transactWrite', () => {
  const put = (sk: string, n: number) => ({ Put: { TableName: 't', Item: { pk: 'CASE#1', sk, n } } });

  it('sends an exact repeat of an item once', async () => {
    ddbMock.on(TransactWriteCommand).resolves({});
    expect(await transactWrite(client, [put('FTA#IA-1', 1), put('FTA#IA-1', 1), put('FTA#NS-2', 1)])).toBe('applied');
    const sent = ddbMock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(sent.map((i) => i.Put?.Item?.sk)).toEqual(['FTA#IA-1', 'FTA#NS-2']);
  });

  it('refuses two different writes of one item before sending anything', async () => {
    ddbMock.on(TransactWriteCommand).resolves({});
    await expect(transactWrite(client, [put('FTA#IA-1', 1), put('FTA#IA-1', 2)])).rejects.toThrow(/names one item twice/);
    expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('packs two changes of one item into different transactions', () => {
    const change = (key: string, n: number) => ({ key, items: [put('ROSTER', n)], deltas: [] });
    const groups = packChanges([change('a', 1), change('b', 2), { key: 'c', items: [put('OTHER', 3)], deltas: [] }], 100);
    expect(groups.map((g) => g.map((c) => c.key))).toEqual([['a'], ['b', 'c']]);
  });
});

describe('sendMessageBatches', () => {
  it('sends each key once (the last body), 10 at most with distinct ids, and sends failed entries again', async () => {
    const entries = [
      ...Array.from({ length: 12 }, (_, i) => ({ key: `FTA_RECORDED#IA-${i}`, body: JSON.stringify({ ftaId: `IA-${i}`, copy: 1 }) })),
      ...Array.from({ length: 12 }, (_, i) => ({ key: `FTA_RECORDED#IA-${i}`, body: JSON.stringify({ ftaId: `IA-${i}`, copy: 2 }) })),
    ];
    let failOnce = true;
    sqsMock.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string; MessageBody: string }[] }) => {
      if (failOnce) {
        failOnce = false;
        const [bad, ...rest] = input.Entries;
        return { Successful: rest.map((e) => ({ Id: e.Id })), Failed: bad ? [{ Id: bad.Id, SenderFault: false, Code: 'InternalError' }] : [] };
      }
      return { Successful: input.Entries.map((e) => ({ Id: e.Id })), Failed: [] };
    });
    const accepted = await sendMessageBatches(new SQSClient({ region: 'us-east-1' }), 'q', entries);
    expect(accepted.size).toBe(12);
    const calls = sqsMock.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries ?? []);
    const bodies: { ftaId: string; copy: number }[] = [];
    for (const list of calls) {
      expect(list.length).toBeLessThanOrEqual(10);
      expect(hasRepeat(list.map((e) => e.Id ?? ''))).toBe(false);
      const ids = list.map((e) => (JSON.parse(e.MessageBody ?? '{}') as { ftaId: string }).ftaId);
      expect(hasRepeat(ids)).toBe(false);
      bodies.push(...list.map((e) => JSON.parse(e.MessageBody ?? '{}') as { ftaId: string; copy: number }));
    }
    expect(calls.length).toBe(3);
    expect(new Set(bodies.map((b) => b.copy))).toEqual(new Set([2]));
  });
});
