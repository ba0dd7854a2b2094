import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulators } from '../../infra/local/emulators';
import { localClientConfig } from '../../infra/local/provision';
import { createSqsFtaPublisher } from '../../shared/adapters/sqs-fta-publisher';
import type { FtaRecordedMessage } from '../../shared/messages/fta-recorded';
import { FaultProxy } from '../helpers/fault-proxy';
import { connectEmulators, uniqueSuffix } from '../helpers/local-stack';

const message = (id: string): FtaRecordedMessage => ({
  type: 'FTA_RECORDED', version: 1, ftaId: id, kind: 'IN_ABSENTIA_ORDER', caseId: '1', proceedingId: id.slice(3),
  scheduleId: null, date: '2025-01-01', court: 'HOU', aor: 'HOU', dropId: 'd', recordedAt: '2026-11-28T00:00:00.000Z',
});

/**
 * The FTA publisher against the SQS emulator, through the fault proxy, which fails some
 * entries of a SendMessageBatch as SQS can (the entry is not sent; the answer lists it
 * under Failed): the publisher resends exactly those, and counts an FTA published only when
 * every queue took it.
 */
describe('the SQS FTA publisher: partial batch failures through the fault proxy', () => {
  let emulators: Emulators;
  let proxy: FaultProxy;
  let sqs: SQSClient;

  beforeAll(async () => {
    emulators = await connectEmulators();
    proxy = await FaultProxy.start(emulators.endpoints.sqs);
    sqs = new SQSClient(localClientConfig(emulators.endpoints.sqs));
  });
  afterAll(async () => {
    sqs?.destroy();
    await proxy?.close();
    await emulators?.stop();
  });

  /** A new queue; its URL as the publisher sees it, through the proxy. */
  const newQueue = async (): Promise<{ direct: string; viaProxy: string }> => {
    const direct = (await sqs.send(new CreateQueueCommand({ QueueName: `publish${uniqueSuffix()}` }))).QueueUrl ?? '';
    return { direct, viaProxy: direct.replace(new URL(direct).origin, proxy.endpoint) };
  };
  /** Every FTA id on the queue, one per message received (duplicates show). */
  const ftaIdsOn = async (queueUrl: string): Promise<string[]> => {
    const ids: string[] = [];
    for (;;) {
      const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
      const messages = out.Messages ?? [];
      if (messages.length === 0) return ids.sort();
      ids.push(...messages.map((m) => (JSON.parse(m.Body ?? '{}') as { ftaId: string }).ftaId));
      await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) }));
    }
  };

  it('resends only the entries a queue failed, and every FTA lands once on every queue', async () => {
    const [q1, q2] = [await newQueue(), await newQueue()];
    // q2 fails IA-2 and IA-5 on their first two sends.
    const failing = proxy.inject({ operation: 'SendMessageBatch', fault: { kind: 'failEntries', ids: ['IA-2', 'IA-5'] }, times: 2, match: (call) => call.body.includes(new URL(q2!.direct).pathname) });
    const ids = Array.from({ length: 12 }, (_, i) => `IA-${i + 1}`);
    const publisher = createSqsFtaPublisher({ client: new SQSClient(localClientConfig(proxy.endpoint)), queueUrls: [q1!.viaProxy, q2!.viaProxy] });
    const published = await publisher.publish(ids.map(message));
    proxy.clear();
    expect(failing.injected()).toBe(2);
    expect([...published].sort()).toEqual([...ids].sort());
    expect(await ftaIdsOn(q1!.direct)).toEqual([...ids].sort());
    expect(await ftaIdsOn(q2!.direct)).toEqual([...ids].sort());
  });

  it('does not count an FTA published while one queue keeps failing it', async () => {
    const [q1, q2] = [await newQueue(), await newQueue()];
    proxy.inject({ operation: 'SendMessageBatch', fault: { kind: 'failEntries', ids: ['IA-2'] }, match: (call) => call.body.includes(new URL(q2!.direct).pathname) });
    const publisher = createSqsFtaPublisher({ client: new SQSClient(localClientConfig(proxy.endpoint)), queueUrls: [q1!.viaProxy, q2!.viaProxy] });
    const published = await publisher.publish([message('IA-1'), message('IA-2')]);
    proxy.clear();
    expect([...published]).toEqual(['IA-1']);
    // q1 took it; q2 never did: the outbox keeps it for the next run.
    expect(await ftaIdsOn(q1!.direct)).toEqual(['IA-1', 'IA-2']);
    expect(await ftaIdsOn(q2!.direct)).toEqual(['IA-1']);
  });
});
