import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLambdaOutput } from '../../infra/local/capture-output';
import type { Emulators } from '../../infra/local/emulators';
import { fetchReceivedEmails } from '../../infra/local/outputs';
import { localClientConfig } from '../../infra/local/provision';
import { runLocalPipeline, type LocalRunResult } from '../../infra/local/run';
import { FTA_QUEUES } from '../../shared/runtime/resources';
import { connectEmulators, pipelineTestOptions, SAMPLE_DROP, tempDir, uniqueSuffix } from '../helpers/local-stack';

/** Delivery through the real queues: redelivered messages and poison messages. */
describe('fan-out delivery', () => {
  let emulators: Emulators;
  let restore: () => void;
  let run: LocalRunResult;
  let sqs: SQSClient;
  const suffix = uniqueSuffix();
  const inbox = `orr${suffix}@example.gov`;
  /** What the local event sources said: a failed delivery reads `notify-orr: N message(s) will be retried`. */
  const progress: string[] = [];

  beforeAll(async () => {
    restore = captureLambdaOutput({ onLog: () => undefined, onMetrics: () => undefined });
    emulators = await connectEmulators();
    run = await runLocalPipeline(emulators, pipelineTestOptions(suffix, {
      drops: [SAMPLE_DROP],
      outDir: tempDir('fanout'),
      orrInbox: inbox,
      visibilityTimeoutSeconds: 1,
      onProgress: (line) => progress.push(line),
    }));
    sqs = new SQSClient(localClientConfig(emulators.endpoints.sqs));
  });

  afterAll(async () => {
    await run?.pipeline.stop();
    sqs?.destroy();
    restore();
    await emulators?.stop();
  });

  const emailsTo = async (): Promise<number> =>
    (await fetchReceivedEmails(emulators.endpoints.ses)).filter((e) => e.to.some((t) => t.includes(inbox))).length;

  it('sends one email when the same FTA message is delivered again to the notifier', async () => {
    expect(await emailsTo()).toBe(9); // 8 in-absentia orders + 1 no-show adjournment
    const fta = run.ftas[0];
    const message = {
      type: 'FTA_RECORDED',
      version: 1,
      ftaId: fta?.ftaId,
      kind: fta?.kind,
      caseId: fta?.caseId,
      proceedingId: fta?.proceedingId,
      scheduleId: null,
      date: fta?.date,
      court: 'HOU',
      aor: fta?.aor,
      dropId: 'sample-drop',
      recordedAt: new Date().toISOString(),
    };
    for (let i = 0; i < 3; i++) {
      await sqs.send(new SendMessageCommand({ QueueUrl: run.pipeline.resources.queues.orrNotices.url, MessageBody: JSON.stringify(message) }));
    }
    await run.pipeline.drain();
    expect(await emailsTo()).toBe(9); // 8 in-absentia orders + 1 no-show adjournment
  });

  it('moves a poison message to the DLQ after maxReceiveCount attempts, and nothing else', async () => {
    const queue = run.pipeline.resources.queues.orrNotices;
    const depth = async (url: string) =>
      Number((await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }))).Attributes?.ApproximateNumberOfMessages);
    const before = { dlq: await depth(queue.dlqUrl), dead: await run.pipeline.deadLetterCounts(), progress: progress.length };
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: '{"type":"FTA_RECORDED","version":1,"ftaId":"not-an-id"}' }));
    await run.pipeline.drain(60_000);
    expect(await depth(queue.dlqUrl)).toBe(before.dlq + 1);
    // Delivered to the notifier once per allowed receive, each failing, then dead-lettered.
    const failedDeliveries = progress.slice(before.progress).filter((l) => /^notify-orr: 1 message\(s\) will be retried/.test(l));
    expect(failedDeliveries).toHaveLength(FTA_QUEUES.orrNotices.maxReceiveCount);
    expect(await run.pipeline.deadLetterCounts()).toEqual({ ...before.dead, orrNotices: before.dead.orrNotices + 1 });
    expect(await emailsTo()).toBe(9); // 8 in-absentia orders + 1 no-show adjournment
  });
});
