import { App, Tags } from 'aws-cdk-lib';
import { loadConfig } from '../shared/runtime/config';
import { ENV } from '../shared/runtime/resources';
import { applyNagChecks } from './nag';
import { STACK_IDS } from './nag-suppressions';
import { DataStack } from './stacks/data-stack';
import { PipelineStack } from './stacks/pipeline-stack';
import { DocketWatchError } from '../shared/domain/errors';

// The only place that reads context. Defaults let `npx cdk synth` run with no arguments;
// deploy with `-c orrInbox=... -c mailFrom=... [-c alarmEmail=...] [-c metricsHourly=rate(...)]
// [-c juvenileCoordinators='{"HOU":"..."}'] [-c digestRecipients='[{"address":"..."}]']
// [-c oplaReconciliationRecipients='{"HOU":["opla-hou@...","ero-hou@..."]}']`.
const DEFAULTS = { orrInbox: 'orr-inbox@example.gov', mailFrom: 'docket-watch@example.gov' };

const app = new App();

/** A context value that must look like an email address (the functions refuse others at cold start). */
function emailContext(key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)) {
    throw new DocketWatchError('CDK_CONTEXT_INVALID', `Context "${key}" must be an email address, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** An EventBridge schedule expression, e.g. `rate(30 minutes)` or `cron(0 7 * * ? *)`. */
function scheduleContext(key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !/^(rate|cron)\(.+\)$/.test(value)) {
    throw new DocketWatchError('CDK_CONTEXT_INVALID', `Context "${key}" must be rate(...) or cron(...), got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * A JSON context value (`-c juvenileCoordinators='{"HOU":"fojc@..."}'`), checked by the
 * same zod schema the function applies at cold start, so a typo fails the synth.
 */
function jsonContext<F extends 'notifyOrr' | 'sendOrrDigest' | 'reconcileOpla'>(key: string, fn: F, envName: string): unknown {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === '') return undefined;
  const raw = typeof value === 'string' ? value : JSON.stringify(value);
  const env = { [ENV.casesTable]: 'synth', [ENV.idempotencyTable]: 'synth', [ENV.dropBucket]: 'synth', [ENV.orrInbox]: DEFAULTS.orrInbox, [ENV.mailFrom]: DEFAULTS.mailFrom, [envName]: raw };
  return (loadConfig(fn, env) as Record<string, unknown>)[envName];
}

// Environment-agnostic stacks: account and region come from the deploying credentials.
const data = new DataStack(app, STACK_IDS.data, {
  description: 'Docket Watch state: drop bucket, case and idempotency tables, FTA queues',
});
new PipelineStack(app, STACK_IDS.pipeline, {
  description: 'Docket Watch pipeline: ingest, ORR notices, NTA tasks, metrics, alarms',
  data,
  orrInbox: emailContext('orrInbox') ?? DEFAULTS.orrInbox,
  mailFrom: emailContext('mailFrom') ?? DEFAULTS.mailFrom,
  alarmEmail: emailContext('alarmEmail'),
  metricsSchedules: {
    hourly: scheduleContext('metricsHourly'),
    daily: scheduleContext('metricsDaily'),
  },
  juvenileCoordinators: jsonContext('juvenileCoordinators', 'notifyOrr', ENV.juvenileCoordinators) as Record<string, string> | undefined,
  digestRecipients: jsonContext('digestRecipients', 'sendOrrDigest', ENV.digestRecipients) as { address: string; aors?: string[] }[] | undefined,
  oplaReconciliationRecipients: jsonContext('oplaReconciliationRecipients', 'reconcileOpla', ENV.oplaReconciliationRecipients) as Record<string, string[]> | undefined,
});
Tags.of(app).add('app', 'docket-watch');
// cdk-nag AwsSolutions: an unacknowledged finding fails the synth (infra/nag-suppressions.ts).
applyNagChecks(app);
