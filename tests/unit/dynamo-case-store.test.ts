import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDynamoCaseStore } from '../../shared/adapters/cases-table/dynamo-case-store';
import type { Hearing } from '../../shared/ports/case-store';

// DynamoDB Local never leaves items unprocessed: only a mock can answer with UnprocessedItems.
const dynamoMock = mockClient(DynamoDBDocumentClient);
beforeEach(() => {
  // No real backoff: the retries' waits are random shares of a step (full jitter).
  vi.spyOn(Math, 'random').mockReturnValue(0);
});
afterEach(() => {
  dynamoMock.reset();
  vi.restoreAllMocks();
});

const TABLE = 'cases';
const hearing = (i: number): Hearing => ({
  caseId: String(1000 + i), scheduleId: String(9000 + i), proceedingId: String(5000 + i), date: '2025-02-01',
  court: 'HOU', adjRsn: '11', medium: 'P', calType: 'M', outcome: 'NO_SHOW', dropId: 'd1',
});
type Put = { PutRequest: { Item: { sk: string } } };
const sentKeys = (): string[][] =>
  dynamoMock.commandCalls(BatchWriteCommand).map((c) => ((c.args[0].input.RequestItems?.[TABLE] ?? []) as Put[]).map((r) => r.PutRequest.Item.sk));

describe('the DynamoDB case store, batch writes', () => {
  it('sends again exactly the items DynamoDB left unprocessed, until none is left', async () => {
    let first = true;
    dynamoMock.on(BatchWriteCommand).callsFake((input: { RequestItems: Record<string, Put[]> }) => {
      const requests = input.RequestItems[TABLE] ?? [];
      // The first full batch (items 0-24): DynamoDB takes 20 and leaves the other 5.
      if (first && requests.length === 25) {
        first = false;
        return { UnprocessedItems: { [TABLE]: requests.slice(20) } };
      }
      return { UnprocessedItems: {} };
    });
    const store = createDynamoCaseStore({ client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })), tableName: TABLE });
    await store.recordHearings(Array.from({ length: 30 }, (_, i) => hearing(i)));
    const calls = sentKeys();
    // 30 items: a batch of 25 and one of 5; 5 of the first left unprocessed, sent again.
    expect(calls.map((c) => c.length).sort((a, b) => a - b)).toEqual([5, 5, 25]);
    const all = calls.flat();
    const expected = Array.from({ length: 30 }, (_, i) => `HEARING#${9000 + i}`);
    expect(new Set(all)).toEqual(new Set(expected));
    // Only the unprocessed ones twice.
    expect(all.filter((k, i) => all.indexOf(k) !== i).sort()).toEqual(expected.slice(20, 25).sort());
  });

  it('fails, naming how many items were left, when DynamoDB keeps leaving them unprocessed', async () => {
    dynamoMock.on(BatchWriteCommand).callsFake((input: { RequestItems: Record<string, Put[]> }) => ({ UnprocessedItems: { [TABLE]: (input.RequestItems[TABLE] ?? []).slice(1) } }));
    const store = createDynamoCaseStore({ client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })), tableName: TABLE });
    await expect(store.recordHearings(Array.from({ length: 10 }, (_, i) => hearing(i)))).rejects.toThrow('BatchWriteItem left 2 items unprocessed');
    // One item more taken by each of its 8 attempts.
    expect(sentKeys().map((c) => c.length)).toEqual([10, 9, 8, 7, 6, 5, 4, 3]);
  });
});
