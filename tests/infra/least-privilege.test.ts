import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { TABLE_ACCESS } from '../../infra/permissions';
import type { FunctionName } from '../../shared/runtime/config';
import { DROP_BUCKET } from '../../shared/runtime/resources';
import { MAIL_FROM, logicalId, synthDocketWatch } from './synth-docket-watch';

const { data, pipeline, pipelineTemplate: template } = synthDocketWatch();

const functions: Record<FunctionName, IFunction> = {
  ingestDocket: pipeline.ingest.function,
  notifyOrr: pipeline.notifier.function,
  scheduleNta: pipeline.scheduler.function,
  computeMetrics: pipeline.metrics.function,
};

/** Names for the resources a policy can point at, so a grant reads `cases: dynamodb:GetItem`. */
function resourceNames(): [string, unknown][] {
  const imported = (value: string) => JSON.stringify(pipeline.resolve(value));
  const join = (arn: string, suffix: string) => JSON.stringify({ 'Fn::Join': ['', [pipeline.resolve(arn), suffix]] });
  return [
    ['cases', imported(data.casesTable.tableArn)],
    ['cases/index/*', join(data.casesTable.tableArn, '/index/*')],
    ['idempotency', imported(data.idempotencyTable.tableArn)],
    ['dropBucket', imported(data.dropBucket.bucketArn)],
    ['dropBucket/drops/*', join(data.dropBucket.bucketArn, `/${DROP_BUCKET.dropPrefix}*`)],
    ['orrNotices', imported(data.queues.orrNotices.queue.queueArn)],
    ['ntaSchedule', imported(data.queues.ntaSchedule.queue.queueArn)],
    ['ingestFailures', JSON.stringify({ 'Fn::GetAtt': [logicalId(pipeline.ingest.failures), 'Arn'] })],
    ['dataKey', imported(data.dataKey.keyArn)],
    ['ses:identity/*', JSON.stringify({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ses:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':identity/*']] })],
  ];
}

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

/** Every (resource, action) pair the function's role allows, as `resource: action` strings. */
function grantsOf(fn: IFunction): string[] {
  const role = JSON.stringify({ Ref: logicalId(fn.role!) });
  const names = resourceNames();
  const statements = Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(role))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
  const grants = new Set<string>();
  for (const s of statements) {
    expect(s.Effect).toBe('Allow');
    for (const resource of [s.Resource].flat()) {
      const json = JSON.stringify(resource);
      const name = resource === '*' ? '*' : (names.find(([, r]) => r === json)?.[0] ?? `UNKNOWN ${json}`);
      for (const action of [s.Action].flat()) grants.add(`${name}: ${action}`);
    }
  }
  return [...grants].sort();
}

const on = (resources: readonly string[], actions: readonly string[]) => resources.flatMap((r) => actions.map((a) => `${r}: ${a}`));
const table = (name: 'cases' | 'idempotency', access: { read: readonly string[]; write: readonly string[] }) =>
  on(name === 'cases' ? ['cases', 'cases/index/*'] : ['idempotency'], [...access.read, ...access.write]);
const KMS_DECRYPT = ['kms:Decrypt'];
const KMS_ENCRYPT_DECRYPT = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'];
const SQS_SEND = ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'];
const SQS_CONSUME = ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'];

/**
 * The whole of each function's permissions. A new grant anywhere fails this test until it
 * is added here, on purpose: each line is a decision to review.
 */
const EXPECTED: Record<FunctionName, string[]> = {
  ingestDocket: [
    ...table('cases', TABLE_ACCESS.ingestDocket.cases),
    ...on(['dropBucket', 'dropBucket/drops/*'], ['s3:GetBucket*', 's3:GetObject*', 's3:List*']),
    ...on(['orrNotices', 'ntaSchedule', 'ingestFailures'], SQS_SEND),
    // Encrypt: sending to the queues; DescribeKey: reading SSE-KMS objects (Bucket.grantRead).
    ...on(['dataKey'], [...KMS_ENCRYPT_DECRYPT, 'kms:DescribeKey']),
  ],
  notifyOrr: [
    ...table('cases', TABLE_ACCESS.notifyOrr.cases),
    ...table('idempotency', TABLE_ACCESS.notifyOrr.idempotency),
    ...on(['orrNotices'], SQS_CONSUME),
    ...on(['dataKey'], KMS_ENCRYPT_DECRYPT),
    ...on(['ses:identity/*'], ['ses:SendEmail', 'ses:SendRawEmail']),
  ],
  scheduleNta: [
    ...table('cases', TABLE_ACCESS.scheduleNta.cases),
    ...on(['ntaSchedule'], SQS_CONSUME),
    ...on(['dataKey'], KMS_ENCRYPT_DECRYPT),
  ],
  computeMetrics: [...table('cases', TABLE_ACCESS.computeMetrics.cases), ...on(['dataKey'], KMS_DECRYPT)],
};

const WRITE_ACTIONS = /^dynamodb:(Put|Update|Delete|BatchWrite|PartiQLInsert|PartiQLUpdate|PartiQLDelete)|^s3:(Put|Delete|Abort|Restore)|^sqs:(Purge|Delete(Queue)?$|SetQueue)|^kms:(Encrypt|GenerateDataKey|ReEncrypt)/;

describe('least privilege, on the synthesized policies', () => {
  it.each(Object.keys(functions) as FunctionName[])('gives %s exactly the permissions it needs', (name) => {
    expect(grantsOf(functions[name])).toEqual([...new Set(EXPECTED[name])].sort());
  });

  it.each(Object.keys(functions) as FunctionName[])('names every resource %s may touch: no wildcard resource, no wildcard service', (name) => {
    const grants = grantsOf(functions[name]);
    expect(grants.filter((g) => g.startsWith('*:') || g.startsWith('UNKNOWN'))).toEqual([]);
    expect(grants.filter((g) => /: [a-z0-9]+:\*$/.test(g))).toEqual([]);
  });

  it('lets the metrics job only read: no write action on any resource', () => {
    expect(grantsOf(functions.computeMetrics).filter((g) => WRITE_ACTIONS.test(g.split(': ')[1] ?? ''))).toEqual([]);
  });

  it('lets the notifier only read the cases table, and only the notifier touch the idempotency table', () => {
    const notifier = grantsOf(functions.notifyOrr).filter((g) => g.startsWith('cases'));
    expect(notifier.every((g) => !WRITE_ACTIONS.test(g.split(': ')[1] ?? ''))).toBe(true);
    for (const name of ['ingestDocket', 'scheduleNta', 'computeMetrics'] as const) {
      expect(grantsOf(functions[name]).filter((g) => g.startsWith('idempotency'))).toEqual([]);
    }
  });

  it('lets no function write to the drop bucket or delete from a table', () => {
    for (const fn of Object.values(functions)) {
      const grants = grantsOf(fn);
      expect(grants.filter((g) => /dropBucket.*: s3:(Put|Delete)/.test(g))).toEqual([]);
      expect(grants.filter((g) => g.startsWith('cases') && /DeleteItem|PartiQLDelete|Scan/.test(g))).toEqual([]);
    }
  });

  it('binds the SES permission to the mailFrom address', () => {
    const role = JSON.stringify({ Ref: logicalId(functions.notifyOrr.role!) });
    const ses = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(role))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
      .filter((s) => JSON.stringify(s.Action).includes('ses:'));
    expect(ses.map((s) => s.Condition)).toEqual([{ StringEquals: { 'ses:FromAddress': MAIL_FROM } }]);
  });
});
