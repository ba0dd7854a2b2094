import type { AwsCall } from '../../infra/local/aws-calls';
import type { FunctionName } from '../../shared/runtime/config';
import { DROP_BUCKET } from '../../shared/runtime/resources';
import { MAIL_FROM, ORR_INBOX, logicalId, pipelineFunctions, synthDocketWatch } from './synth-docket-watch';

/*
 * Each AWS call the functions made on the local stack (infra/local/aws-calls.ts records
 * them: action, resource, condition keys), checked against that function's synthesized IAM
 * policy, conditions included: the emulators enforce no IAM, so this is the proof that
 * AWS will allow what the tests saw work. Only what the app uses is evaluated: Allow
 * statements, actions and resources with `*` wildcards, and the String* condition
 * operators with ForAllValues/ForAnyValue.
 */

/** The addresses the checked stack is configured with, by the role the local stack records. */
export const FOJC_HOU = 'fojc-hou@ice.example.gov';
export const DIGEST_TO = 'orr-digest@example.gov';
export const OPLA_HOU = 'opla-hou@ice.example.gov';
const ROLE_ADDRESSES: Record<string, readonly string[]> = {
  mailFrom: [MAIL_FROM],
  orrInbox: [ORR_INBOX],
  fojc: [FOJC_HOU],
  digestRecipient: [DIGEST_TO],
  oplaRecipient: [OPLA_HOU],
};

/** Folders one level down that some function is granted on its own (not their whole top folder). */
const SUB_PREFIXES = [DROP_BUCKET.reportPrefix, 'reports/returns/', 'quarantine/returns/', 'quarantine/opla/', 'reports/opla/', 'reports/reconciliation/'];

/**
 * A recorded call with object keys and list prefixes cut to their top folder (`drops/*`),
 * or to one of SUB_PREFIXES when they lie under it (`reports/drops/*`).
 */
export function normalizeCall(call: AwsCall): AwsCall {
  const top = (path: string) => {
    const sub = SUB_PREFIXES.find((p) => path.startsWith(p));
    if (sub !== undefined) return `${sub}*`;
    return path.includes('/') ? `${path.split('/')[0]}/*` : path;
  };
  const resource = call.resource.startsWith('dropBucket/') ? `dropBucket/${top(call.resource.slice('dropBucket/'.length))}` : call.resource;
  const context = call.context === undefined
    ? undefined
    : Object.fromEntries(
        Object.entries(call.context).map(([k, v]) => [k, k === 's3:prefix' ? top(String(v)) : Array.isArray(v) ? [...new Set(v as string[])].sort() : v]),
      );
  return { fn: call.fn, action: call.action, resource, ...(context === undefined ? {} : { context }) };
}

export const callKey = (c: AwsCall): string => JSON.stringify([c.fn, c.action, c.resource, c.context ?? null]);

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export function synthesizedPolicies() {
  const synth = synthDocketWatch({ juvenileCoordinators: { HOU: FOJC_HOU }, digestRecipients: [{ address: DIGEST_TO }], oplaReconciliationRecipients: { HOU: [OPLA_HOU] } });
  const { data, pipeline, pipelineTemplate: template } = synth;
  const functions = pipelineFunctions(pipeline);
  const imported = (value: string) => JSON.stringify(pipeline.resolve(value));
  const join = (arn: string, suffix: string) => JSON.stringify({ 'Fn::Join': ['', [pipeline.resolve(arn), suffix]] });
  const sesArn = (resource: string) =>
    JSON.stringify({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ses:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:${resource}`]] });
  /** Names for the resources a policy can point at, as the local stack records them. */
  const names: [string, string][] = [
    ['cases', imported(data.casesTable.tableArn)],
    ['cases/index/*', join(data.casesTable.tableArn, '/index/*')],
    ['idempotency', imported(data.idempotencyTable.tableArn)],
    ['dropBucket', imported(data.dropBucket.bucketArn)],
    ...['drops/', DROP_BUCKET.unpackedPrefix, 'quarantine/', 'rosters/', 'worklists/', 'reports/', ...SUB_PREFIXES, 'returns/', 'opla/'].map(
      (prefix): [string, string] => [`dropBucket/${prefix}*`, join(data.dropBucket.bucketArn, `/${prefix}*`)],
    ),
    ['ses:configuration-set', JSON.stringify({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ses:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':configuration-set/', { Ref: logicalId(pipeline.notifier.configurationSet) }]] })],
    ['ses:identity/*', sesArn('identity/*')],
    ['orrNotices', imported(data.queues.orrNotices.queue.queueArn)],
    ['ntaSchedule', imported(data.queues.ntaSchedule.queue.queueArn)],
    ['ingestFailures', JSON.stringify({ 'Fn::GetAtt': [logicalId(pipeline.ingest.failures), 'Arn'] })],
    ['rosterFailures', JSON.stringify({ 'Fn::GetAtt': [logicalId(pipeline.roster.failures), 'Arn'] })],
    ['returnFailures', JSON.stringify({ 'Fn::GetAtt': [logicalId(pipeline.returns.failures), 'Arn'] })],
    ['reconciliationFailures', JSON.stringify({ 'Fn::GetAtt': [logicalId(pipeline.reconciliation.failures), 'Arn'] })],
    ['dropChunks', JSON.stringify({ 'Fn::GetAtt': [logicalId(pipeline.ingest.chunkQueue.queue), 'Arn'] })],
    ['dataKey', imported(data.dataKey.keyArn)],
    ['piiKeySecret', imported(data.piiKeySecret.secretArn)],
  ];
  const nameOf = (resource: unknown): string => {
    if (resource === '*') return '*';
    const json = JSON.stringify(resource);
    return names.find(([, r]) => r === json)?.[0] ?? `UNKNOWN ${json}`;
  };
  const statementsOf = (name: FunctionName): Statement[] => {
    const role = JSON.stringify({ Ref: logicalId(functions[name].role!) });
    return Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(role))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
  };
  return { synth, functions, statementsOf, nameOf };
}

const glob = (pattern: string, value: string): boolean =>
  new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i').test(value);

/** The concrete values a recorded condition value stands for (an address role: its addresses). */
const concrete = (key: string, value: string): readonly string[] => (key.startsWith('ses:') ? (ROLE_ADDRESSES[value] ?? [value]) : [value]);

function conditionHolds(condition: Statement['Condition'], call: AwsCall): boolean {
  for (const [operator, keys] of Object.entries(condition ?? {})) {
    const [set, op] = operator.includes(':') ? (operator.split(':') as [string, string]) : [null, operator];
    const match = op === 'StringEquals' ? (p: string, v: string) => p === v : op === 'StringLike' ? glob : null;
    if (match === null) return false; // An operator this check does not evaluate: not proven.
    for (const [key, expected] of Object.entries(keys)) {
      const patterns = [expected].flat().map(String);
      const raw = call.context?.[key];
      const values = raw === undefined ? [] : [raw].flat().flatMap((v) => concrete(key, String(v)));
      const ok = (v: string) => patterns.some((p) => match(p, v));
      if (set === 'ForAllValues') {
        if (!values.every(ok)) return false;
      } else if (set === 'ForAnyValue') {
        if (!values.some(ok)) return false;
      } else if (raw === undefined || values.length !== 1 || !ok(values[0] as string)) return false;
    }
  }
  return true;
}

/** The resources IAM checks for this call (SendRawEmail under a configuration set: both). */
function resourcesOf(call: AwsCall): string[] {
  return call.action === 'ses:SendRawEmail' ? [call.resource, 'ses:configuration-set'] : [call.resource];
}

export function isAllowed(statements: readonly Statement[], nameOf: (r: unknown) => string, call: AwsCall): boolean {
  return resourcesOf(call).every((resource) =>
    statements.some(
      (s) =>
        s.Effect === 'Allow' &&
        [s.Action].flat().some((a) => glob(a, call.action)) &&
        [s.Resource].flat().some((r) => glob(nameOf(r), resource)) &&
        conditionHolds(s.Condition, call),
    ),
  );
}

/**
 * Grants no recorded call used. Not judged here, each for its reason: KMS (the emulators
 * do not encrypt: the key grants follow the table, queue and bucket grants), the queue
 * actions of an event source mapping or an onFailure destination (Lambda's own calls under
 * the role), GetSendQuota (deployed functions ask it; the local stack configures the rate).
 * A statement CDK writes as a bundle (s3 read or put, sqs send) counts as used when one
 * of its actions is; DynamoDB actions are judged one by one, a table with its indexes.
 */
export function unusedGrants(statements: readonly Statement[], nameOf: (r: unknown) => string, calls: readonly AwsCall[]): string[] {
  const unused: string[] = [];
  const sameResource = (granted: string, resource: string) => glob(granted, resource) || glob(granted.replace(/\/index\/\*$/, ''), resource.replace(/\/index\/.*$/, ''));
  for (const s of statements) {
    const actions = [s.Action].flat();
    for (const r of [s.Resource].flat()) {
      const resource = nameOf(r);
      const usedBy = (a: string) => calls.some((c) => glob(a, c.action) && resourcesOf(c).some((cr) => sameResource(resource, cr)));
      const exempt = (a: string) =>
        a.startsWith('kms:') ||
        a === 'ses:GetSendQuota' ||
        ['ingestFailures', 'rosterFailures'].includes(resource) ||
        /^sqs:(ReceiveMessage|DeleteMessage|ChangeMessageVisibility|GetQueueAttributes|GetQueueUrl)$/.test(a);
      const judged = actions.filter((a) => !exempt(a));
      if (judged.length === 0) continue;
      if (judged.every((a) => a.startsWith('dynamodb:'))) {
        for (const a of judged) if (!usedBy(a)) unused.push(`${resource}: ${a}`);
      } else if (!judged.some(usedBy)) unused.push(`${resource}: ${judged.join(' ')}`);
    }
  }
  return [...new Set(unused)].sort();
}
