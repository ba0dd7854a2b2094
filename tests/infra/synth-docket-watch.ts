import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import { DataStack } from '../../infra/stacks/data-stack';
import { PipelineStack, type PipelineStackProps } from '../../infra/stacks/pipeline-stack';
import type { FunctionName } from '../../shared/runtime/config';

export const ORR_INBOX = 'orr-inbox@example.gov';
export const MAIL_FROM = 'docket-watch@example.gov';

type DocketWatchOptions = Pick<PipelineStackProps, 'alarmEmail' | 'metricsSchedules' | 'juvenileCoordinators' | 'digestRecipients' | 'oplaReconciliationRecipients'>;

/**
 * Both stacks as infra/app.ts builds them, constructed but not synthesized: a test that
 * reads a few L1 properties (resolved with `stack.resolve`) pays about a tenth of a synth.
 * No stack is bundled (the `aws:cdk:bundling-stacks` context lists none).
 */
export function buildDocketWatch(options: DocketWatchOptions = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const data = new DataStack(app, 'Data');
  const pipeline = new PipelineStack(app, 'Pipeline', {
    data,
    orrInbox: ORR_INBOX,
    mailFrom: MAIL_FROM,
    alarmEmail: options.alarmEmail,
    metricsSchedules: options.metricsSchedules,
    juvenileCoordinators: options.juvenileCoordinators,
    digestRecipients: options.digestRecipients,
    oplaReconciliationRecipients: options.oplaReconciliationRecipients,
  });
  return { app, data, pipeline };
}

/**
 * Both stacks as infra/app.ts builds them, synthesized without esbuild (the
 * `aws:cdk:bundling-stacks` context lists no stack to bundle), so tests stay fast and offline.
 */
export function synthDocketWatch(options: DocketWatchOptions = {}) {
  const { data, pipeline } = buildDocketWatch(options);
  return { data, pipeline, dataTemplate: Template.fromStack(data), pipelineTemplate: Template.fromStack(pipeline) };
}

/** The logical ID CloudFormation knows `construct` (an L2 with a default child) by. */
export const logicalId = (construct: IConstruct): string =>
  Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);

/** Every function of the pipeline stack by its config name (a new function fails typecheck until it is listed). */
export const pipelineFunctions = (pipeline: PipelineStack): Record<FunctionName, IFunction> => ({
  ingestDocket: pipeline.ingest.function,
  ingestDropChunk: pipeline.ingest.chunkFunction,
  notifyOrr: pipeline.notifier.function,
  sendOrrDigest: pipeline.notifier.digestFunction,
  sendHearingReminders: pipeline.notifier.reminderFunction,
  recordSesEvents: pipeline.notifier.sesEventsFunction,
  scheduleNta: pipeline.scheduler.function,
  computeMetrics: pipeline.metrics.function,
  ingestRoster: pipeline.roster.function,
  planNta: pipeline.scheduler.planFunction,
  sweepOutbox: pipeline.ingest.sweepFunction,
  recordWorkListReturns: pipeline.returns.function,
  reconcileOpla: pipeline.reconciliation.function,
});
