import { App, Stack } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { applyNagChecks } from '../../infra/nag';
import { NAG_SUPPRESSIONS, STACK_IDS } from '../../infra/nag-suppressions';
import { DataStack } from '../../infra/stacks/data-stack';
import { PipelineStack } from '../../infra/stacks/pipeline-stack';
import { MAIL_FROM, ORR_INBOX } from './synth-docket-watch';

/** The app as infra/app.ts builds it (same stack ids, so the suppression paths hold), without bundling. */
function docketWatchApp(extra?: (app: App) => void): App {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const data = new DataStack(app, STACK_IDS.data);
  new PipelineStack(app, STACK_IDS.pipeline, { data, orrInbox: ORR_INBOX, mailFrom: MAIL_FROM, alarmEmail: 'oncall@example.gov' });
  extra?.(app);
  applyNagChecks(app);
  return app;
}

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing that infra/nag-suppressions.ts does not acknowledge', () => {
    expect(() => docketWatchApp().synth()).not.toThrow();
  });

  it('fails the synth on a new, unacknowledged finding', () => {
    const app = docketWatchApp((a) => new Queue(new Stack(a, 'Careless'), 'QueueWithoutDlqOrTls'));
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS[34]/);
  });

  it('gives every acknowledged finding a reason', () => {
    for (const s of NAG_SUPPRESSIONS) expect(s.reason.length, `${s.path} ${s.id}`).toBeGreaterThan(40);
  });
});
