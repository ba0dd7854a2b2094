import { describe, expect, it } from 'vitest';
import { RETENTION } from '../../infra/constructs/data-protection';
import { DROP_BUCKET, ROSTER_DROPS } from '../../shared/runtime/resources';
import { logicalId, synthDocketWatch } from './synth-docket-watch';

const { data, pipeline, dataTemplate, pipelineTemplate } = synthDocketWatch();
const keyArn = { 'Fn::GetAtt': [logicalId(data.dataKey), 'Arn'] };
const importedKeyArn = pipeline.resolve(data.dataKey.keyArn);
const days = (n: number) => n * 24 * 3600;

describe('encryption at rest with the customer-managed data key', () => {
  it('rotates the key and keeps it when the stack goes', () => {
    dataTemplate.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    dataTemplate.resourceCountIs('AWS::KMS::Key', 1);
  });

  it('encrypts both tables with it and protects them from deletion', () => {
    const tables = Object.values(dataTemplate.findResources('AWS::DynamoDB::Table'));
    expect(tables).toHaveLength(2);
    for (const table of tables) {
      expect(table.Properties).toMatchObject({
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn },
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      });
    }
  });

  it('encrypts every queue of both stacks with it and refuses plain HTTP to each', () => {
    const queues = [
      ...Object.entries(dataTemplate.findResources('AWS::SQS::Queue')).map(([id, q]) => ({ id, q, key: keyArn, template: dataTemplate })),
      ...Object.entries(pipelineTemplate.findResources('AWS::SQS::Queue')).map(([id, q]) => ({ id, q, key: importedKeyArn, template: pipelineTemplate })),
    ];
    expect(queues.length).toBeGreaterThanOrEqual(5);
    for (const { id, q, key, template } of queues) {
      expect(q.Properties.KmsMasterKeyId, id).toEqual(key);
      const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy')).filter((p) =>
        JSON.stringify(p.Properties.Queues).includes(JSON.stringify({ Ref: id })),
      );
      expect(JSON.stringify(policies), id).toContain('"aws:SecureTransport":"false"');
    }
  });

  it('encrypts the alarm topic with it and lets CloudWatch alarms publish through it', () => {
    pipelineTemplate.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: importedKeyArn });
    const keyPolicy = JSON.stringify(dataTemplate.findResources('AWS::KMS::Key')[logicalId(data.dataKey)]?.Properties.KeyPolicy);
    expect(keyPolicy).toContain('cloudwatch.amazonaws.com');
  });
});

describe('the drop bucket', () => {
  const bucket = () => dataTemplate.findResources('AWS::S3::Bucket')[logicalId(data.dropBucket)]?.Properties;
  const rule = (id: string) => bucket().LifecycleConfiguration.Rules.find((r: { Id: string }) => r.Id === id);

  it('moves raw drops and rosters to Standard-IA after 30 days, and nothing else', () => {
    // Literal values, as the README promises them: a change here is a reviewed change.
    expect(rule('raw-drops')?.Transitions).toEqual([{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }]);
    expect(rule('rosters')?.Transitions).toEqual([{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }]);
    // Standard-IA bills at least 30 days and 128 KB an object: short-lived outputs stay Standard.
    const transitioned = bucket().LifecycleConfiguration.Rules.filter((r: { Transitions?: unknown }) => r.Transitions !== undefined).map((r: { Id: string }) => r.Id);
    expect(transitioned.sort()).toEqual(['raw-drops', 'rosters']);
  });

  it(`expires raw drops after ${RETENTION.rawDropsDays} days and quarantined rows after ${RETENTION.quarantineDays}`, () => {
    expect(rule('raw-drops')).toMatchObject({ Prefix: DROP_BUCKET.dropPrefix, ExpirationInDays: RETENTION.rawDropsDays, Status: 'Enabled' });
    expect(rule('quarantine')).toMatchObject({ Prefix: RETENTION.quarantinePrefix, ExpirationInDays: RETENTION.quarantineDays, Status: 'Enabled' });
    // The unpacked copy of a big zip is needed while it is ingested; the zip stays in drops/.
    expect(rule('unpacked-zips')).toMatchObject({ Prefix: DROP_BUCKET.unpackedPrefix, ExpirationInDays: RETENTION.unpackedDays, Status: 'Enabled' });
    // Rosters and the plan's outputs carry PII too: nothing in the bucket is kept forever.
    expect(rule('rosters')).toMatchObject({ Prefix: ROSTER_DROPS.prefix, ExpirationInDays: RETENTION.rostersDays, Status: 'Enabled' });
    expect(rule('work-lists')).toMatchObject({ Prefix: ROSTER_DROPS.workListPrefix, ExpirationInDays: RETENTION.outputsDays, Status: 'Enabled' });
    expect(rule('reports')).toMatchObject({ Prefix: ROSTER_DROPS.reportPrefix, ExpirationInDays: RETENTION.outputsDays, Status: 'Enabled' });
    const prefixed = bucket().LifecycleConfiguration.Rules.filter((r: { Prefix?: string }) => r.Prefix !== undefined).map((r: { Prefix: string }) => r.Prefix);
    for (const prefix of [DROP_BUCKET.dropPrefix, DROP_BUCKET.unpackedPrefix, DROP_BUCKET.quarantinePrefix, ROSTER_DROPS.prefix, ROSTER_DROPS.workListPrefix, ROSTER_DROPS.reportPrefix]) {
      expect(prefixed).toContain(prefix);
    }
    expect(rule('old-versions-and-uploads')).toMatchObject({
      NoncurrentVersionExpiration: { NoncurrentDays: RETENTION.noncurrentVersionDays },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: RETENTION.incompleteUploadDays },
    });
  });

  it('writes server access logs to a private, TLS-only log bucket with its own retention', () => {
    expect(bucket().LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: logicalId(data.accessLogBucket) },
      LogFilePrefix: 'drop-bucket/',
    });
    const logs = dataTemplate.findResources('AWS::S3::Bucket')[logicalId(data.accessLogBucket)]?.Properties;
    expect(logs.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(logs.LifecycleConfiguration.Rules[0]).toMatchObject({ ExpirationInDays: RETENTION.accessLogDays });
  });

  it('keeps ingest failures for 14 days in an encrypted queue', () => {
    const failures = pipelineTemplate.findResources('AWS::SQS::Queue')[logicalId(pipeline.ingest.failures)]?.Properties;
    expect(failures).toMatchObject({ MessageRetentionPeriod: days(14), KmsMasterKeyId: importedKeyArn });
  });
});

describe('dead letters', () => {
  it('gives every queue a DLQ, or makes it a DLQ or the alarmed ingest failure queue', () => {
    const dlqArns = new Set(
      Object.values(dataTemplate.findResources('AWS::SQS::Queue'))
        .map((q) => JSON.stringify(q.Properties.RedrivePolicy?.deadLetterTargetArn))
        .filter((a) => a !== undefined),
    );
    for (const [id, q] of Object.entries(dataTemplate.findResources('AWS::SQS::Queue'))) {
      const isDlq = dlqArns.has(JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] }));
      expect(isDlq || q.Properties.RedrivePolicy !== undefined, id).toBe(true);
    }
    for (const { deadLetterQueue } of Object.values(data.queues)) {
      pipelineTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: pipeline.resolve(deadLetterQueue.queueName) }],
        Threshold: 0,
      });
    }
  });
});

describe('alarms', () => {
  it('sends every alarm of the pipeline to the encrypted alarm topic', () => {
    const alarms = Object.entries(pipelineTemplate.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.length).toBeGreaterThanOrEqual(3);
    for (const [id, alarm] of alarms) {
      expect(alarm.Properties.AlarmActions, id).toEqual([{ Ref: logicalId(pipeline.alarmTopic) }]);
    }
  });
});
