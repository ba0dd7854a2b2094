import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulators } from '../../infra/local/emulators';
import { sqsEvent } from '../../infra/local/lambda-runtime';
import { localClientConfig } from '../../infra/local/provision';
import { sqsRedelivery } from '../../shared/adapters/sqs-redelivery';
import { connectEmulators, uniqueSuffix } from '../helpers/local-stack';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Holding a message back through the SQS emulator: it comes back after the delay, not after the visibility timeout. */
describe('sqsRedelivery', () => {
  let emulators: Emulators;
  let sqs: SQSClient;
  let queueUrl: string;
  let queueArn: string;

  beforeAll(async () => {
    emulators = await connectEmulators();
    sqs = new SQSClient(localClientConfig(emulators.endpoints.sqs));
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `redelivery${uniqueSuffix()}`, Attributes: { VisibilityTimeout: '1' } }))).QueueUrl ?? '';
    queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn ?? '';
  });

  afterAll(async () => {
    await sqs?.send(new DeleteQueueCommand({ QueueUrl: queueUrl })).catch(() => undefined);
    sqs?.destroy();
    await emulators?.stop();
  });

  const receive = async (): Promise<number> =>
    (await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }))).Messages?.length ?? 0;

  it('a failed message held back for 4 s skips the 1 s visibility timeout and comes back after the delay', async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"type":"FTA_RECORDED"}' }));
    const received = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1 }))).Messages ?? [];
    expect(received).toHaveLength(1);
    const [record] = sqsEvent(received, queueArn).Records;

    await sqsRedelivery(sqs)(record!, 4000);

    await sleep(2000); // past the queue's 1 s visibility timeout
    expect(await receive()).toBe(0);
    await sleep(3000); // past the 4 s delay
    expect(await receive()).toBe(1);
  });
});
