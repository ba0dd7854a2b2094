import { SESClient } from '@aws-sdk/client-ses';
import { describe, expect, it } from 'vitest';
import { LocalPipeline } from '../../infra/local/pipeline';
import { provisionLocalResources } from '../../infra/local/provision';
import { onAwsClientCreated } from '../../shared/runtime/aws-clients';
import { uniqueSuffix, useLocalStack } from '../helpers/local-stack';

/*
 * The local stack's extra notifiers stand for more Lambda execution environments of the
 * notifier (the bench runs two, as the deployed event source may): each must build its own
 * wiring, own clients and own SES pacer, or two notifiers send through one pacer at one's
 * share of the rate. Counted by the SES clients the functions create: a second start of the
 * pipeline in this file finds every handler module loaded but the extra notifier's.
 */
describe('extra notifiers on the local stack', () => {
  const stack = useLocalStack();

  /** SES clients the functions create while a pipeline with `notifierInstances` notifiers starts. */
  const sesClientsCreatedByStart = async (notifierInstances: number): Promise<number> => {
    let created = 0;
    const stop = onAwsClientCreated((client) => {
      if (client instanceof SESClient) created += 1;
    });
    const suffix = uniqueSuffix();
    const resources = await provisionLocalResources(stack.emulators.endpoints, { suffix });
    const pipeline = await LocalPipeline.start(stack.emulators, resources, { orrInbox: `orr${suffix}@example.gov`, mailFrom: 'docket-watch@example.gov', notifierInstances });
    stop();
    await pipeline.stop();
    return created;
  };

  it('a second notifier builds wiring of its own: its own SES client (and the mailer and pacer on it)', async () => {
    // The first start loads every function's module (each function's wiring, once).
    expect(await sesClientsCreatedByStart(1)).toBeGreaterThan(0);
    // The second finds them loaded: only the second notifier's module is new, with its own wiring.
    expect(await sesClientsCreatedByStart(2)).toBe(1);
  });
});
