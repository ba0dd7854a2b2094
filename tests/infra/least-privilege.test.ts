import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { TABLE_ACCESS } from '../../infra/permissions';
import type { FunctionName } from '../../shared/runtime/config';
import { DROP_BUCKET } from '../../shared/runtime/resources';
import { MAIL_FROM, logicalId, synthDocketWatch } from './synth-docket-watch';

const { data, pipeline, pipelineTemplate: template } = synthDocketWatch();

const functions: Record<FunctionName, IFunction> = {
  ingestDocket: pipeline.ingest.function,
  ingestDropChunk: pipeline.ingest.chunkFunction,
  notifyOrr: pipeline.notifier.function,
  sendOrrDigest: pipeline.notifier.digestFunction,
  recordSesEvents: pipeline.notifier.sesEventsFunction,
  scheduleNta: pipeline.scheduler.function,
  ingestRoster: pipeline.roster.function,
  planNta: pipeline.scheduler.planFunction,
  computeMetrics: pipeline.metrics.function,
  sweepOutbox: pipeline.ingest.sweepFunction,
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
    ['dropBucket/unpacked/*', join(data.dropBucket.bucketArn, `/${DROP_BUCKET.unpackedPrefix}*`)],
    ['dropBucket/quarantine/*', join(data.dropBucket.bucketArn, '/quarantine/*')],
    ['dropBucket/rosters/*', join(data.dropBucket.bucketArn, '/rosters/*')],
    ['dropBucket/worklists/*', join(data.dropBucket.bucketArn, '/worklists/*')],
    ['dropBucket/reports/*', join(data.dropBucket.bucketArn, '/reports/*')],
    ['dropBucket/reports/drops/*', join(data.dropBucket.bucketArn, `/${DROP_BUCKET.reportPrefix}*`)],
    ['ses:configuration-set', JSON.stringify({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ses:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':configuration-set/', { Ref: logicalId(pipeline.notifier.configurationSet) }]] })],
    ['orrNotices', imported(data.queues.orrNotices.queue.queueArn)],
    ['ntaSchedule', imported(data.queues.ntaSchedule.queue.queueArn)],
    ['ingestFailures', JSON.stringify({ 'Fn::GetAtt': [logicalId(pipeline.ingest.failures), 'Arn'] })],
    ['rosterFailures', JSON.stringify({ 'Fn::GetAtt': [logicalId(pipeline.roster.failures), 'Arn'] })],
    ['dropChunks', JSON.stringify({ 'Fn::GetAtt': [logicalId(pipeline.ingest.chunkQueue.queue), 'Arn'] })],
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
const S3_PUT = ['s3:Abort*', 's3:PutObject', 's3:PutObjectLegalHold', 's3:PutObjectRetention', 's3:PutObjectTagging', 's3:PutObjectVersionTagging'];
const S3_READ = ['s3:GetBucket*', 's3:GetObject*', 's3:List*'];
/** Sending email: SES has no resource-level permission for GetSendQuota, hence `*`. */
const SES_SEND = [...on(['ses:identity/*', 'ses:configuration-set'], ['ses:SendRawEmail']), '*: ses:GetSendQuota'];
const EXPECTED: Record<FunctionName, string[]> = {
  ingestDocket: [
    ...table('cases', TABLE_ACCESS.ingestDocket.cases),
    ...on(['dropBucket', 'dropBucket/drops/*', 'dropBucket/unpacked/*'], S3_READ),
    // Rejected rows; a report's long lists; the tables of a big zip drop, unpacked for the chunk workers.
    ...on(['dropBucket/quarantine/*', 'dropBucket/reports/drops/*', 'dropBucket/unpacked/*'], S3_PUT),
    ...on(['orrNotices', 'ntaSchedule', 'ingestFailures', 'dropChunks'], SQS_SEND),
    // Encrypt: sending to the queues; DescribeKey: reading SSE-KMS objects (Bucket.grantRead).
    ...on(['dataKey'], [...KMS_ENCRYPT_DECRYPT, 'kms:DescribeKey']),
  ],
  ingestDropChunk: [
    ...table('cases', TABLE_ACCESS.ingestDropChunk.cases),
    ...on(['dropBucket', 'dropBucket/drops/*', 'dropBucket/unpacked/*'], S3_READ),
    ...on(['dropBucket/quarantine/*', 'dropBucket/reports/drops/*'], S3_PUT),
    // Sends FTAs and the next stage's chunks; consumes the chunk queue.
    ...on(['orrNotices', 'ntaSchedule'], SQS_SEND),
    ...on(['dropChunks'], [...new Set([...SQS_SEND, ...SQS_CONSUME])]),
    ...on(['dataKey'], [...KMS_ENCRYPT_DECRYPT, 'kms:DescribeKey']),
  ],
  notifyOrr: [
    ...table('cases', TABLE_ACCESS.notifyOrr.cases),
    ...table('idempotency', TABLE_ACCESS.notifyOrr.idempotency),
    ...on(['orrNotices'], SQS_CONSUME),
    ...on(['dataKey'], KMS_ENCRYPT_DECRYPT),
    ...SES_SEND,
  ],
  sendOrrDigest: [...table('cases', TABLE_ACCESS.sendOrrDigest.cases), ...on(['dataKey'], KMS_ENCRYPT_DECRYPT), ...SES_SEND],
  recordSesEvents: [...table('cases', TABLE_ACCESS.recordSesEvents.cases), ...on(['dataKey'], KMS_ENCRYPT_DECRYPT)],
  scheduleNta: [
    ...table('cases', TABLE_ACCESS.scheduleNta.cases),
    ...on(['dropBucket/worklists/*'], S3_PUT),
    ...on(['ntaSchedule'], SQS_CONSUME),
    ...on(['dataKey'], KMS_ENCRYPT_DECRYPT),
  ],
  ingestRoster: [
    ...table('cases', TABLE_ACCESS.ingestRoster.cases),
    ...on(['dropBucket', 'dropBucket/rosters/*'], S3_READ),
    ...on(['dropBucket/quarantine/*', 'dropBucket/worklists/*'], S3_PUT),
    ...on(['rosterFailures'], SQS_SEND),
    // FTAs of the cases a roster makes UC cases go to the fan-out queues.
    ...on(['orrNotices', 'ntaSchedule'], SQS_SEND),
    ...on(['dataKey'], [...KMS_ENCRYPT_DECRYPT, 'kms:DescribeKey']),
  ],
  planNta: [
    ...table('cases', TABLE_ACCESS.planNta.cases),
    ...on(['dropBucket/worklists/*', 'dropBucket/reports/*'], S3_PUT),
    ...on(['dataKey'], KMS_ENCRYPT_DECRYPT),
  ],
  computeMetrics: [...table('cases', TABLE_ACCESS.computeMetrics.cases), ...on(['dataKey'], KMS_DECRYPT)],
  // Reads the outboxes, clears their entries, sends to both fan-out queues.
  sweepOutbox: [...table('cases', TABLE_ACCESS.sweepOutbox.cases), ...on(['orrNotices', 'ntaSchedule'], SQS_SEND), ...on(['dataKey'], KMS_ENCRYPT_DECRYPT)],
};

const WRITE_ACTIONS = /^dynamodb:(Put|Update|Delete|BatchWrite|PartiQLInsert|PartiQLUpdate|PartiQLDelete)|^s3:(Put|Delete|Abort|Restore)|^sqs:(Purge|Delete(Queue)?$|SetQueue)|^kms:(Encrypt|GenerateDataKey|ReEncrypt)/;

describe('least privilege, on the synthesized policies', () => {

  it.each(Object.keys(functions) as FunctionName[])('gives %s exactly the permissions it needs', (name) => {
    expect(grantsOf(functions[name])).toEqual([...new Set(EXPECTED[name])].sort());
  });

  it.each(Object.keys(functions) as FunctionName[])('names every resource %s may touch: no wildcard resource, no wildcard service', (name) => {
    const grants = grantsOf(functions[name]);
    expect(grants.filter((g) => (g.startsWith('*:') && g !== '*: ses:GetSendQuota') || g.startsWith('UNKNOWN'))).toEqual([]);
    expect(grants.filter((g) => /: [a-z0-9]+:\*$/.test(g))).toEqual([]);
  });

  it('lets the metrics job only read: no write action on any resource', () => {
    expect(grantsOf(functions.computeMetrics).filter((g) => WRITE_ACTIONS.test(g.split(': ')[1] ?? ''))).toEqual([]);
  });

  it('lets only the notifier touch the idempotency table, and the notifier never delete from the cases table', () => {
    const notifier = grantsOf(functions.notifyOrr).filter((g) => g.startsWith('cases'));
    expect(notifier.filter((g) => /DeleteItem|BatchWrite|Scan/.test(g))).toEqual([]);
    for (const name of (Object.keys(functions) as FunctionName[]).filter((n) => n !== 'notifyOrr')) {
      expect(grantsOf(functions[name]).filter((g) => g.startsWith('idempotency'))).toEqual([]);
    }
  });

  it('writes to the bucket only under the quarantine, unpacked, work-list and report prefixes, never the drops', () => {
    for (const fn of Object.values(functions)) {
      const writes = grantsOf(fn).filter((g) => /^dropBucket.*: s3:(Put|Delete|Abort)/.test(g));
      expect(writes.filter((g) => !/^dropBucket\/(quarantine|unpacked|worklists|reports|reports\/drops)\/\*:/.test(g))).toEqual([]);
    }
    // Only the ingest unpacks zips; the chunk worker reads what it wrote.
    const unpackers = (Object.keys(functions) as FunctionName[]).filter((n) => grantsOf(functions[n]).some((g) => /^dropBucket\/unpacked\/\*: s3:Put/.test(g)));
    expect(unpackers).toEqual(['ingestDocket']);
  });

  it('lets only the roster and NTA functions delete items (backlog entries, the open-task index), and nobody batch-delete', () => {
    const deleters = (Object.keys(functions) as FunctionName[]).filter((n) =>
      grantsOf(functions[n]).some((g) => g.startsWith('cases') && /DeleteItem|PartiQLDelete/.test(g)),
    );
    expect(deleters.sort()).toEqual(['ingestRoster', 'planNta', 'scheduleNta']);
  });

  it('binds the SES permission to the mailFrom address', () => {
    const role = JSON.stringify({ Ref: logicalId(functions.notifyOrr.role!) });
    const ses = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(role))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
      .filter((s) => JSON.stringify(s.Action).includes('ses:Send'));
    // Every sending statement carries the condition; GetSendQuota (a read) needs none.
    expect(ses.length).toBeGreaterThan(0);
    for (const s of ses) expect(s.Condition).toEqual({ StringEquals: { 'ses:FromAddress': MAIL_FROM } });
  });
});
