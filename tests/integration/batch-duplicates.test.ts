import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulators } from '../../infra/local/emulators';
import { localClientConfig, provisionLocalResources, type LocalResources } from '../../infra/local/provision';
import { batchGetItems, batchPutItems } from '../../shared/adapters/cases-table/batch-and-query';
import { transactWrite } from '../../shared/adapters/cases-table/transactions';
import { sendMessageBatches } from '../../shared/adapters/sqs-batch';
import { connectEmulators, uniqueSuffix } from '../helpers/local-stack';

// The emulators refuse a batch naming one key twice, as AWS does: the raw calls below show it,
// so the helpers' success is theirs.
describe('batch helpers against DynamoDB Local and the SQS emulator: a repeated key succeeds', () => {
  let emulators: Emulators;
  let dynamo: DynamoDBDocumentClient;
  let sqs: SQSClient;
  let resources: LocalResources;

  beforeAll(async () => {
    emulators = await connectEmulators();
    dynamo = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(emulators.endpoints.dynamodb)));
    sqs = new SQSClient(localClientConfig(emulators.endpoints.sqs));
    resources = await provisionLocalResources(emulators.endpoints, { suffix: uniqueSuffix() });
  });

  afterAll(async () => {
    dynamo?.destroy();
    sqs?.destroy();
    await emulators?.stop();
  });

  it('BatchWriteItem: the raw call with a repeated key fails; batchPutItems writes each key once, the last copy', async () => {
    const item = (i: number, version: number) => ({ pk: `TEST#W${i}`, sk: 'HEARING#1', version });
    await expect(
      dynamo.send(new BatchWriteCommand({ RequestItems: { [resources.casesTable]: [{ PutRequest: { Item: item(0, 1) } }, { PutRequest: { Item: item(0, 2) } }] } })),
    ).rejects.toThrow(/duplicate/i);
    await batchPutItems(dynamo, resources.casesTable, [1, 2, 3].flatMap((v) => Array.from({ length: 30 }, (_, i) => item(i, v))));
    const back = await batchGetItems(dynamo, resources.casesTable, Array.from({ length: 30 }, (_, i) => ({ pk: `TEST#W${i}`, sk: 'HEARING#1' })), { consistentRead: true });
    expect(back).toHaveLength(30);
    expect(new Set(back.map((i) => i.version))).toEqual(new Set([3]));
  });

  it('BatchGetItem: the raw call with a repeated key fails; batchGetItems returns each item once', async () => {
    await batchPutItems(dynamo, resources.casesTable, [{ pk: 'TEST#G1', sk: 'UC', caseId: 'G1' }, { pk: 'TEST#G2', sk: 'UC', caseId: 'G2' }]);
    const keys = [{ pk: 'TEST#G1', sk: 'UC' }, { pk: 'TEST#G2', sk: 'UC' }, { pk: 'TEST#G1', sk: 'UC' }, { pk: 'TEST#G3', sk: 'UC' }];
    await expect(dynamo.send(new BatchGetCommand({ RequestItems: { [resources.casesTable]: { Keys: keys } } }))).rejects.toThrow(/duplicate/i);
    const items = await batchGetItems(dynamo, resources.casesTable, keys, { projection: 'caseId' });
    expect(items.map((i) => i.caseId).sort()).toEqual(['G1', 'G2']);
  });

  it('TransactWriteItems: an exact repeat of an item is sent once', async () => {
    const put = { Put: { TableName: resources.casesTable, Item: { pk: 'TEST#T1', sk: 'FTA#IA-1', status: 'OPEN' }, ConditionExpression: 'attribute_not_exists(pk)' } };
    const other = { Put: { TableName: resources.casesTable, Item: { pk: 'TEST#T1', sk: 'FTA#NS-2', status: 'OPEN' } } };
    expect(await transactWrite(dynamo, [put, other, put])).toBe('applied');
    expect(await transactWrite(dynamo, [put, other, put])).toBe('condition-failed');
  });

  it('SendMessageBatch: the raw call with a repeated id fails; sendMessageBatches sends each key once', async () => {
    const queueUrl = resources.chunkQueue.url;
    await expect(
      sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: [{ Id: 'IA-1', MessageBody: 'a' }, { Id: 'IA-1', MessageBody: 'b' }] })),
    ).rejects.toThrow();
    const entries = [1, 2].flatMap((copy) => Array.from({ length: 12 }, (_, i) => ({ key: `FTA_RECORDED#IA-${i}`, body: JSON.stringify({ ftaId: `IA-${i}`, copy }) })));
    const accepted = await sendMessageBatches(sqs, queueUrl, entries);
    expect(accepted.size).toBe(12);
    const received: { ftaId: string; copy: number }[] = [];
    for (let round = 0; round < 20 && received.length < 12; round++) {
      const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      const messages = out.Messages ?? [];
      received.push(...messages.map((m) => JSON.parse(m.Body ?? '{}') as { ftaId: string; copy: number }));
      if (messages.length > 0) {
        await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })) }));
      }
    }
    expect(received.map((m) => m.ftaId).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `IA-${i}`).sort());
    expect(new Set(received.map((m) => m.copy))).toEqual(new Set([2]));
  });
});
