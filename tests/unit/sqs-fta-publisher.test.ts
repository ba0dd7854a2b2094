import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqsFtaPublisher } from '../../shared/adapters/sqs-fta-publisher';
import type { FtaRecordedMessage } from '../../shared/messages/fta-recorded';

// Partial batch failures and throttling cannot be produced by the SQS emulator.
const sqsMock = mockClient(SQSClient);
afterEach(() => sqsMock.reset());

const message = (id: string): FtaRecordedMessage => ({
  type: 'FTA_RECORDED',
  version: 1,
  ftaId: id,
  kind: 'IN_ABSENTIA_ORDER',
  caseId: '1',
  proceedingId: id.slice(3),
  scheduleId: null,
  date: '2025-01-01',
  court: 'HOU',
  aor: 'HOU',
  dropId: 'd',
  recordedAt: '2026-11-28T00:00:00.000Z',
});

describe('createSqsFtaPublisher', () => {
  it('retries entries a queue failed and counts an FTA published only when every queue took it', async () => {
    let calls = 0;
    sqsMock.on(SendMessageBatchCommand).callsFake((input: { QueueUrl: string; Entries: { Id: string; MessageBody: string }[] }) => {
      calls += 1;
      if (input.QueueUrl === 'q2') {
        // q2 always refuses IA-2.
        const isIa2 = (e: { MessageBody: string }): boolean => (JSON.parse(e.MessageBody) as { ftaId: string }).ftaId === 'IA-2';
        return {
          Successful: input.Entries.filter((e) => !isIa2(e)).map((e) => ({ Id: e.Id })),
          Failed: input.Entries.filter(isIa2).map((e) => ({ Id: e.Id, SenderFault: false, Code: 'InternalError' })),
        };
      }
      return { Successful: input.Entries.map((e) => ({ Id: e.Id })), Failed: [] };
    });
    const publisher = createSqsFtaPublisher({ client: new SQSClient({ region: 'us-east-1' }), queueUrls: ['q1', 'q2'] });
    const published = await publisher.publish([message('IA-1'), message('IA-2')]);
    expect([...published]).toEqual(['IA-1']);
    expect(calls).toBeGreaterThan(2);
  });

  it('retries a throttled call', async () => {
    sqsMock
      .on(SendMessageBatchCommand)
      .rejectsOnce(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }))
      .resolves({ Successful: [{ Id: '0', MessageId: 'm', MD5OfMessageBody: 'x' }], Failed: [] });
    const publisher = createSqsFtaPublisher({ client: new SQSClient({ region: 'us-east-1' }), queueUrls: ['q1'] });
    expect([...(await publisher.publish([message('IA-1')]))]).toEqual(['IA-1']);
  });
});
