import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, StorageClass, type LifecycleRule } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { DROP_BUCKET, ROSTER_DROPS } from '../../shared/runtime/resources';

/**
 * How long each kind of object stays in the drop bucket (docs/operations.md, "Data retention").
 * Raw drops hold PII (names, A-numbers, addresses, birth dates): once ingested, their
 * facts live in DynamoDB, so the raw files are kept only long enough to re-run a drop or
 * answer an audit. Quarantined rows wait for a person, then go.
 */
export const RETENTION = {
  /** `drops/`: raw DOJ drops; to infrequent access after 30 days, deleted after 1 year. */
  rawDropsDays: 365,
  rawDropsInfrequentAccessAfterDays: 30,
  /**
   * `unpacked/`: the tables of a big zip drop, unpacked by the ingest so chunk workers can
   * read byte ranges. A copy of what `drops/` keeps: needed only while the drop is
   * ingested (hours), kept a month for a re-run or a look at a quarantined row's context.
   * Later, the zip is still in `drops/`: copying it onto itself unpacks it again.
   */
  unpackedDays: 30,
  /** `quarantine/`: rejected rows kept for inspection (the ingest writes them). */
  quarantinePrefix: 'quarantine/',
  quarantineDays: 90,
  /** `rosters/`: ORR's UC rosters, raw with PII; kept like raw drops (their facts live in DynamoDB). */
  rostersInfrequentAccessAfterDays: 30,
  rostersDays: 365,
  /**
   * `worklists/` and `reports/`: outputs rewritten each business morning (each day's work
   * list is a new object). A quarter covers the follow-up of any day's list; the plan and
   * tasks themselves stay in DynamoDB. An object rewritten daily never reaches this age.
   */
  outputsDays: 90,
  /** Older versions of any object (the bucket is versioned) and failed multipart uploads. */
  noncurrentVersionDays: 30,
  incompleteUploadDays: 7,
  /** S3 server access logs. */
  accessLogDays: 365,
} as const;

/**
 * The customer-managed key for Docket Watch's data, rotated yearly and retained with the
 * data it protects. CloudWatch alarms may use it to publish to the encrypted alarm topic.
 */
export function createDataKey(scope: Construct, id: string): Key {
  const key = new Key(scope, id, {
    description: 'Docket Watch data: drop bucket, tables, FTA queues, alarm topic',
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  // CloudWatch alarm actions publish to a KMS-encrypted SNS topic only if this key lets
  // them; only this account's alarms (aws:SourceAccount: no confused deputy).
  key.addToResourcePolicy(
    new PolicyStatement({
      principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(key).account } },
    }),
  );
  return key;
}

/** The lifecycle of the drop bucket: see RETENTION. */
export function dropLifecycleRules(): LifecycleRule[] {
  return [
    {
      id: 'raw-drops',
      prefix: DROP_BUCKET.dropPrefix,
      transitions: [
        { storageClass: StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(RETENTION.rawDropsInfrequentAccessAfterDays) },
      ],
      expiration: Duration.days(RETENTION.rawDropsDays),
    },
    { id: 'unpacked-zips', prefix: DROP_BUCKET.unpackedPrefix, expiration: Duration.days(RETENTION.unpackedDays) },
    { id: 'quarantine', prefix: RETENTION.quarantinePrefix, expiration: Duration.days(RETENTION.quarantineDays) },
    {
      id: 'rosters',
      prefix: ROSTER_DROPS.prefix,
      transitions: [{ storageClass: StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(RETENTION.rostersInfrequentAccessAfterDays) }],
      expiration: Duration.days(RETENTION.rostersDays),
    },
    { id: 'work-lists', prefix: ROSTER_DROPS.workListPrefix, expiration: Duration.days(RETENTION.outputsDays) },
    { id: 'reports', prefix: ROSTER_DROPS.reportPrefix, expiration: Duration.days(RETENTION.outputsDays) },
    {
      id: 'old-versions-and-uploads',
      noncurrentVersionExpiration: Duration.days(RETENTION.noncurrentVersionDays),
      abortIncompleteMultipartUploadAfter: Duration.days(RETENTION.incompleteUploadDays),
    },
  ];
}

/**
 * Where S3 writes the drop bucket's server access logs. S3's log delivery supports only
 * S3-managed encryption on the target bucket, so this one is SSE-S3; it holds request
 * metadata (keys, callers), not drop contents.
 */
export function createAccessLogBucket(scope: Construct, id: string): Bucket {
  return new Bucket(scope, id, {
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    encryption: BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    versioned: true,
    lifecycleRules: [
      { id: 'access-logs', expiration: Duration.days(RETENTION.accessLogDays), noncurrentVersionExpiration: Duration.days(7) },
    ],
    removalPolicy: RemovalPolicy.RETAIN,
  });
}
