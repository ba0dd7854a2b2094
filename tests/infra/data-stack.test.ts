import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  CASES_TABLE,
  FTA_QUEUES,
  IDEMPOTENCY_TABLE,
  type FtaQueueName,
  type KeyDefinition,
  type TableDefinition,
} from '../../shared/runtime/resources';
import { logicalId, synthDocketWatch } from './synth-docket-watch';

const { data, dataTemplate: template } = synthDocketWatch();

const keySchema = (pk: KeyDefinition, sk?: KeyDefinition) => [
  { AttributeName: pk.name, KeyType: 'HASH' },
  ...(sk ? [{ AttributeName: sk.name, KeyType: 'RANGE' }] : []),
];

const tableProperties = (def: TableDefinition) => ({
  KeySchema: keySchema(def.partitionKey, def.sortKey),
  BillingMode: 'PAY_PER_REQUEST',
  PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
});

describe('data stack', () => {
  it('keeps drops in a private, versioned, encrypted bucket that outlives the stack', () => {
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            Match.objectLike({
              ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [logicalId(data.dataKey), 'Arn'] } },
            }),
          ],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
      }),
    });
  });

  it('refuses requests to the bucket that do not use TLS', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('keys the cases table and its indexes as CASES_TABLE defines them', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      ...tableProperties(CASES_TABLE),
      GlobalSecondaryIndexes: CASES_TABLE.globalSecondaryIndexes.map((index) =>
        Match.objectLike({
          IndexName: index.indexName,
          KeySchema: keySchema(index.partitionKey, index.sortKey),
          Projection: { ProjectionType: 'ALL' },
        }),
      ),
    });
  });

  it('keys the idempotency table as IDEMPOTENCY_TABLE defines it and expires its records', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      ...tableProperties(IDEMPOTENCY_TABLE),
      TimeToLiveSpecification: { AttributeName: IDEMPOTENCY_TABLE.timeToLiveAttribute, Enabled: true },
    });
  });

  it('retains both tables, with point-in-time recovery, when the stack is deleted', () => {
    const tables = template.findResources('AWS::DynamoDB::Table');
    expect(Object.keys(tables)).toHaveLength(2);
    for (const table of Object.values(tables)) {
      expect(table).toMatchObject({
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: { PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } },
      });
    }
  });

  describe.each(Object.keys(FTA_QUEUES) as FtaQueueName[])('the %s queue', (name) => {
    const definition = FTA_QUEUES[name];
    const { queue, deadLetterQueue } = data.queues[name];
    const days = (n: number) => n * 24 * 3600;

    it('moves a message to its DLQ after maxReceiveCount receives', () => {
      template.hasResourceProperties('AWS::SQS::Queue', {
        VisibilityTimeout: definition.visibilityTimeoutSeconds,
        MessageRetentionPeriod: days(definition.retentionDays),
        RedrivePolicy: {
          deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(deadLetterQueue), 'Arn'] },
          maxReceiveCount: definition.maxReceiveCount,
        },
      });
    });

    it('keeps dead letters for dlqRetentionDays', () => {
      const dlq = template.findResources('AWS::SQS::Queue')[logicalId(deadLetterQueue)];
      expect(dlq?.Properties).toMatchObject({ MessageRetentionPeriod: days(definition.dlqRetentionDays) });
    });

    it('encrypts the queue and its DLQ and refuses requests without TLS', () => {
      for (const q of [queue, deadLetterQueue]) {
        const id = logicalId(q);
        expect(template.findResources('AWS::SQS::Queue')[id]?.Properties).toMatchObject({
          KmsMasterKeyId: { 'Fn::GetAtt': [logicalId(data.dataKey), 'Arn'] },
        });
        template.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [{ Ref: id }],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            ]),
          },
        });
      }
    });
  });
});
