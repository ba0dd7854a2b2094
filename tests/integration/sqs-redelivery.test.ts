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

  /** Long-polls until a message is visible again; fails naming what did not happen. */
  const nextDelivery = async (withinMs: number): Promise<number> => {
    const deadline = Date.now() + withinMs;
    while (Date.now() < deadline) {
      const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      if ((out.Messages ?? []).length > 0) return Date.now();
    }
    throw new Error(`the held-back message was not delivered again within ${withinMs} ms`);
  };

  it('a failed message held back for 4 s skips the 1 s visibility timeout and comes back after the delay', async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"type":"FTA_RECORDED"}' }));
    const received = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 5 }))).Messages ?? [];
    expect(received).toHaveLength(1);
    const [record] = sqsEvent(received, queueArn).Records;

    const heldAt = Date.now();
    await sqsRedelivery(sqs)(record!, 4000);
    // Back once, not before the delay: a load can only make it later, never earlier. Had the
    // hold not taken, it would be back after the queue's 1 s.
    const backAt = await nextDelivery(20_000);
    expect(backAt - heldAt).toBeGreaterThanOrEqual(3_000);
  });
});
