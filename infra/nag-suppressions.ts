import { Validations, type App } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { DocketWatchError } from '../shared/domain/errors';

/** The stack ids infra/app.ts uses: suppressions are by construct path. */
export const STACK_IDS = { data: 'DocketWatchData', pipeline: 'DocketWatchPipeline' } as const;
const DATA = STACK_IDS.data;
const PIPELINE = STACK_IDS.pipeline;
/** Constructs whose function is `<construct>/Function`; the pipeline's other functions are listed by path below. */
const FUNCTIONS = ['DocketIngest', 'OrrNotifier', 'NtaScheduler', 'ProgramMetrics'] as const;

/**
 * Every cdk-nag finding Docket Watch accepts, with its reason: the one place to review them.
 * Each entry names a construct path (relative to the app, `Stack/...`) and the finding id.
 */
export const NAG_SUPPRESSIONS: readonly { path: string; id: string; reason: string }[] = [
  ...FUNCTIONS.map((fn) => ({
    path: `${PIPELINE}/${fn}/Function/ServiceRole`,
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason:
      'AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch Logs; every data permission is a per-function grant asserted in tests/infra/least-privilege.test.ts.',
  })),
  {
    path: `${DATA}/PiiKeySecret`,
    id: 'AwsSolutions-SMG4',
    reason:
      'The HMAC key of the PII-derived item keys is not a credential: every A-number, address and recipient key in the cases table is computed with it, so rotating it in place would orphan every keyed item. A change of key is the re-key migration in docs/operations.md ("Re-keying the PII key"), run with the pipeline paused.',
  },
  {
    path: `${PIPELINE}/BucketNotificationsHandler050a0587b7544547bf325f094a3db834/Role`,
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: "CDK's own custom resource that configures the bucket notifications at deploy time; it only needs to write its logs.",
  },
  ...['DocketIngest', 'OrrNotifier', 'NtaScheduler'].flatMap((fn) =>
    ['kms:ReEncrypt*', 'kms:GenerateDataKey*'].map((action) => ({
      path: `${PIPELINE}/${fn}/Function/ServiceRole/DefaultPolicy`,
      id: `AwsSolutions-IAM5[Action::${action}]`,
      reason:
        'The grant of the data key that SQS (send/receive) and DynamoDB need to encrypt with it: KMS actions on the one data key only, never on Resource::*.',
    })),
  ),
  ...FUNCTIONS.map((fn) => ({
    path: `${PIPELINE}/${fn}/Function/ServiceRole/DefaultPolicy`,
    id: `AwsSolutions-IAM5[Resource::${DATA}:ExportsOutputFnGetAttCasesTableABF7127DArnA5EF4699/index/*]`,
    reason:
      "The cases table's indexes (the outbox index today, more as features add them); actions on them are the function's read or write set, asserted in tests.",
  })),
  ...['s3:GetObject*', 's3:GetBucket*', 's3:List*'].map((action) => ({
    path: `${PIPELINE}/DocketIngest/Function/ServiceRole/DefaultPolicy`,
    id: `AwsSolutions-IAM5[Action::${action}]`,
    reason: 'Bucket.grantRead: the ingest lists a drop folder and reads its files (object versions included), nothing else; no write action.',
  })),
  {
    path: `${PIPELINE}/DocketIngest/Function/ServiceRole/DefaultPolicy`,
    id: `AwsSolutions-IAM5[Resource::${DATA}:ExportsOutputFnGetAttDropBucketCB075576Arn83D8B7AC/drops/*]`,
    reason: 'The ingest reads only objects under the drop prefix, whose names DOJ chooses per drop.',
  },
  {
    path: `${PIPELINE}/DocketIngest/Function/ServiceRole/DefaultPolicy`,
    id: `AwsSolutions-IAM5[Resource::${DATA}:ExportsOutputFnGetAttDropBucketCB075576Arn83D8B7AC/unpacked/*]`,
    reason: 'The ingest reads and writes the tables of big zip drops under unpacked/, one folder per drop id.',
  },
  {
    path: `${PIPELINE}/OrrNotifier/Function/ServiceRole/DefaultPolicy`,
    id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*]',
    reason:
      'SES authorizes against the sending address or its verified domain (and, in the sandbox, the recipient): the statement is bound by the condition ses:FromAddress = mailFrom.',
  },
  // Functions that arrived with the notifier, roster and NTA plan features and the outbox
  // sweep: the same accepted findings as FUNCTIONS above, function by function.
  ...['OrrNotifier/DigestFunction', 'OrrNotifier/ReminderFunction', 'OrrNotifier/SesEventsFunction', 'NtaScheduler/PlanFunction', 'RosterIngest/Function', 'DocketIngest/SweepOutboxFunction'].flatMap((fn) => [
    {
      path: `${PIPELINE}/${fn}/ServiceRole`,
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch Logs; data permissions are per-function grants asserted in tests/infra/least-privilege.test.ts.',
    },
    {
      path: `${PIPELINE}/${fn}/ServiceRole/DefaultPolicy`,
      id: `AwsSolutions-IAM5[Resource::${DATA}:ExportsOutputFnGetAttCasesTableABF7127DArnA5EF4699/index/*]`,
      reason: "The cases table's indexes; actions on them are the function's read or write set in infra/permissions.ts, asserted in tests.",
    },
    ...['kms:ReEncrypt*', 'kms:GenerateDataKey*'].map((action) => ({
      path: `${PIPELINE}/${fn}/ServiceRole/DefaultPolicy`,
      id: `AwsSolutions-IAM5[Action::${action}]`,
      reason: 'The grant of the one data key DynamoDB (and SQS, S3) need to encrypt with: KMS actions on that key only, never on Resource::*.',
    })),
  ]),
  // Writes under fixed prefixes of the drop bucket: quarantined rows, field-office work
  // lists, matching reports. Object names vary per drop, roster, AOR and day.
  ...[
    ['DocketIngest/Function', ['quarantine', 'unpacked', 'reports/drops']],
    ['RosterIngest/Function', ['quarantine', 'worklists']],
    ['NtaScheduler/Function', ['worklists']],
    ['NtaScheduler/PlanFunction', ['worklists', 'reports']],
  ].flatMap(([fn, prefixes]) => [
    {
      path: `${PIPELINE}/${fn as string}/ServiceRole/DefaultPolicy`,
      id: 'AwsSolutions-IAM5[Action::s3:Abort*]',
      reason: 'Bucket.grantPut: aborting its own multipart uploads under the prefixes below; no read, no delete.',
    },
    ...(prefixes as string[]).map((prefix) => ({
      path: `${PIPELINE}/${fn as string}/ServiceRole/DefaultPolicy`,
      id: `AwsSolutions-IAM5[Resource::${DATA}:ExportsOutputFnGetAttDropBucketCB075576Arn83D8B7AC/${prefix}/*]`,
      reason: `Writes only under ${prefix}/, whose object names vary per drop, roster, AOR or day.`,
    })),
  ]),
  ...['s3:GetObject*', 's3:GetBucket*', 's3:List*'].map((action) => ({
    path: `${PIPELINE}/RosterIngest/Function/ServiceRole/DefaultPolicy`,
    id: `AwsSolutions-IAM5[Action::${action}]`,
    reason: 'Bucket.grantRead: the roster ingest reads the roster file it was notified of, under rosters/ only.',
  })),
  {
    path: `${PIPELINE}/RosterIngest/Function/ServiceRole/DefaultPolicy`,
    id: `AwsSolutions-IAM5[Resource::${DATA}:ExportsOutputFnGetAttDropBucketCB075576Arn83D8B7AC/rosters/*]`,
    reason: 'The roster ingest reads only objects under rosters/, named per roster.',
  },
  ...['OrrNotifier/Function', 'OrrNotifier/DigestFunction', 'OrrNotifier/ReminderFunction'].flatMap((fn) => [
    {
      path: `${PIPELINE}/${fn}/ServiceRole/DefaultPolicy`,
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'ses:GetSendQuota only (it has no resource-level permission): the senders pace themselves under the account quota.',
    },
  ]),
  ...['OrrNotifier/DigestFunction', 'OrrNotifier/ReminderFunction'].map((fn) => ({
    path: `${PIPELINE}/${fn}/ServiceRole/DefaultPolicy`,
    id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*]',
    reason: 'Same as the notifier: SES authorizes against the address or its verified domain; the statement is bound by ses:FromAddress = mailFrom.',
  })),
  ...[
    'DocketIngest/Function', 'OrrNotifier/Function', 'OrrNotifier/DigestFunction', 'OrrNotifier/ReminderFunction', 'OrrNotifier/SesEventsFunction',
    'NtaScheduler/Function', 'NtaScheduler/PlanFunction', 'RosterIngest/Function', 'ProgramMetrics/Function', 'DocketIngest/SweepOutboxFunction',
  ].map((fn) => ({
    path: `${PIPELINE}/${fn}`,
    id: 'AwsSolutions-L1',
    reason: 'Node.js 22 is the LTS runtime the pipeline is specified for (Node 20 is past end of life) and Lambda supports it into 2027; moving to 24 is one line (PIPELINE_RUNTIME).',
  })),
  // The drop chunk worker (big drops fanned out over the chunk queue): the same use case as
  // the ingest on one byte range, so the same accepted findings as DocketIngest/Function.
  {
    path: `${PIPELINE}/DocketIngest/ChunkFunction/ServiceRole`,
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: 'AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch Logs; data permissions are per-function grants asserted in tests/infra/least-privilege.test.ts.',
  },
  ...[
    ['kms:ReEncrypt*', 'The grant of the one data key SQS and DynamoDB need to encrypt with: KMS actions on that key only, never on Resource::*.'],
    ['kms:GenerateDataKey*', 'The grant of the one data key SQS and DynamoDB need to encrypt with: KMS actions on that key only, never on Resource::*.'],
    ['s3:GetObject*', 'Bucket.grantRead: the chunk worker reads byte ranges of the drop files under drops/ (object versions included), nothing else.'],
    ['s3:GetBucket*', 'Bucket.grantRead: the chunk worker reads byte ranges of the drop files under drops/, nothing else.'],
    ['s3:List*', 'Bucket.grantRead: the chunk worker reads byte ranges of the drop files under drops/, nothing else.'],
    ['s3:Abort*', 'Bucket.grantPut: aborting its own multipart uploads under quarantine/; no read, no delete.'],
  ].map(([action, reason]) => ({
    path: `${PIPELINE}/DocketIngest/ChunkFunction/ServiceRole/DefaultPolicy`,
    id: `AwsSolutions-IAM5[Action::${action as string}]`,
    reason: reason as string,
  })),
  ...[
    ['CasesTableABF7127DArnA5EF4699/index/*', "The cases table's indexes; actions on them are the function's read or write set in infra/permissions.ts, asserted in tests."],
    ['DropBucketCB075576Arn83D8B7AC/drops/*', 'The chunk worker reads only objects under the drop prefix, whose names DOJ chooses per drop.'],
    ['DropBucketCB075576Arn83D8B7AC/unpacked/*', 'The chunk worker reads byte ranges of the tables the ingest unpacked from big zip drops, one folder per drop id.'],
    ['DropBucketCB075576Arn83D8B7AC/quarantine/*', 'Writes only under quarantine/, whose object names vary per drop, table and byte range.'],
    ['DropBucketCB075576Arn83D8B7AC/reports/drops/*', 'Writes only under reports/drops/, a drop report\'s long lists, named per drop and run.'],
  ].map(([resource, reason]) => ({
    path: `${PIPELINE}/DocketIngest/ChunkFunction/ServiceRole/DefaultPolicy`,
    id: `AwsSolutions-IAM5[Resource::${DATA}:ExportsOutputFnGetAtt${resource as string}]`,
    reason: reason as string,
  })),
  {
    path: `${PIPELINE}/DocketIngest/ChunkFunction`,
    id: 'AwsSolutions-L1',
    reason: 'Node.js 22 is the LTS runtime the pipeline is specified for (Node 20 is past end of life) and Lambda supports it into 2027; moving to 24 is one line (PIPELINE_RUNTIME).',
  },
  {
    path: `${PIPELINE}/DocketIngest/Failures`,
    id: 'AwsSolutions-SQS3',
    reason:
      "This queue is the ingest's on-failure destination: a terminal queue holding S3 events that failed every retry, alarmed as soon as it is not empty.",
  },
  {
    path: `${PIPELINE}/RosterIngest/Failures`,
    id: 'AwsSolutions-SQS3',
    reason:
      "This queue is the roster ingest's on-failure destination: a terminal queue holding S3 events that failed every retry, alarmed as soon as it is not empty.",
  },  // The work-list return recorder: the same accepted findings as the roster ingest, on its
  // own prefixes (reads returns/, writes work lists and its own quarantine and reports).
  ...[
    ['AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', 'ServiceRole',
      'AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch Logs; data permissions are per-function grants asserted in tests/infra/least-privilege.test.ts.'],
    ['AwsSolutions-IAM5[Action::kms:ReEncrypt*]', 'ServiceRole/DefaultPolicy', 'The grant of the one data key DynamoDB, SQS and S3 need to encrypt with: KMS actions on that key only, never on Resource::*.'],
    ['AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', 'ServiceRole/DefaultPolicy', 'The grant of the one data key DynamoDB, SQS and S3 need to encrypt with: KMS actions on that key only, never on Resource::*.'],
    ...['s3:GetObject*', 's3:GetBucket*', 's3:List*'].map((action) => [`AwsSolutions-IAM5[Action::${action}]`, 'ServiceRole/DefaultPolicy', 'Bucket.grantRead: the recorder reads the returned work list it was notified of, under returns/ only.']),
    ['AwsSolutions-IAM5[Action::s3:Abort*]', 'ServiceRole/DefaultPolicy', 'Bucket.grantPut: aborting its own multipart uploads under the prefixes below; no read, no delete.'],
    [`AwsSolutions-IAM5[Resource::${DATA}:ExportsOutputFnGetAttCasesTableABF7127DArnA5EF4699/index/*]`, 'ServiceRole/DefaultPolicy', "The cases table's indexes; actions on them are the function's read or write set in infra/permissions.ts, asserted in tests."],
    [`AwsSolutions-IAM5[Resource::${DATA}:ExportsOutputFnGetAttDropBucketCB075576Arn83D8B7AC/returns/*]`, 'ServiceRole/DefaultPolicy', 'Reads only objects under returns/, named per AOR and file by the field office.'],
    ...['worklists', 'quarantine/returns', 'reports/returns'].map((prefix) => [
      `AwsSolutions-IAM5[Resource::${DATA}:ExportsOutputFnGetAttDropBucketCB075576Arn83D8B7AC/${prefix}/*]`, 'ServiceRole/DefaultPolicy', `Writes only under ${prefix}/, whose object names vary per AOR, day and returned file.`,
    ]),
  ].map(([id, under, reason]) => ({ path: `${PIPELINE}/WorkListReturns/Function/${under}`, id: id as string, reason: reason as string })),
  {
    path: `${PIPELINE}/WorkListReturns/Function`,
    id: 'AwsSolutions-L1',
    reason: 'Node.js 22 is the LTS runtime the pipeline is specified for (Node 20 is past end of life) and Lambda supports it into 2027; moving to 24 is one line (PIPELINE_RUNTIME).',
  },
  {
    path: `${PIPELINE}/WorkListReturns/Failures`,
    id: 'AwsSolutions-SQS3',
    reason:
      "This queue is the work-list return recorder's on-failure destination: a terminal queue holding S3 events that failed every retry, alarmed as soon as it is not empty.",
  },
  // The OPLA reconciliation: the recorder's accepted findings on its own prefixes (reads
  // opla/, writes its quarantine and reports), and the digest's SES ones.
  ...[
    ['AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', 'ServiceRole',
      'AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch Logs; data permissions are per-function grants asserted in tests/infra/least-privilege.test.ts.'],
    ['AwsSolutions-IAM5[Action::kms:ReEncrypt*]', 'ServiceRole/DefaultPolicy', 'The grant of the one data key DynamoDB, SQS and S3 need to encrypt with: KMS actions on that key only, never on Resource::*.'],
    ['AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', 'ServiceRole/DefaultPolicy', 'The grant of the one data key DynamoDB, SQS and S3 need to encrypt with: KMS actions on that key only, never on Resource::*.'],
    ['AwsSolutions-IAM5[Action::s3:Abort*]', 'ServiceRole/DefaultPolicy', 'Bucket.grantPut: aborting its own multipart uploads under the prefixes below; no read, no delete.'],
    ['AwsSolutions-IAM5[Resource::*]', 'ServiceRole/DefaultPolicy', 'ses:GetSendQuota only (it has no resource-level permission): the sender paces itself under the account quota.'],
    ['AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*]', 'ServiceRole/DefaultPolicy',
      'Same as the notifier: SES authorizes against the address or its verified domain; the statement is bound by ses:FromAddress = mailFrom and the configured OPLA/ERO recipients.'],
    [`AwsSolutions-IAM5[Resource::${DATA}:ExportsOutputFnGetAttCasesTableABF7127DArnA5EF4699/index/*]`, 'ServiceRole/DefaultPolicy', "The cases table's indexes; actions on them are the function's read or write set in infra/permissions.ts, asserted in tests."],
    [`AwsSolutions-IAM5[Resource::${DATA}:ExportsOutputFnGetAttDropBucketCB075576Arn83D8B7AC/opla/*]`, 'ServiceRole/DefaultPolicy', 'Reads only objects under opla/, named per export by OPLA.'],
    ...['quarantine/opla', 'reports/opla', 'reports/reconciliation'].map((prefix) => [
      `AwsSolutions-IAM5[Resource::${DATA}:ExportsOutputFnGetAttDropBucketCB075576Arn83D8B7AC/${prefix}/*]`, 'ServiceRole/DefaultPolicy', `Writes only under ${prefix}/, whose object names vary per export and drop.`,
    ]),
  ].map(([id, under, reason]) => ({ path: `${PIPELINE}/OplaReconciliation/Function/${under}`, id: id as string, reason: reason as string })),
  {
    path: `${PIPELINE}/OplaReconciliation/Function`,
    id: 'AwsSolutions-L1',
    reason: 'Node.js 22 is the LTS runtime the pipeline is specified for (Node 20 is past end of life) and Lambda supports it into 2027; moving to 24 is one line (PIPELINE_RUNTIME).',
  },
  {
    path: `${PIPELINE}/OplaReconciliation/Failures`,
    id: 'AwsSolutions-SQS3',
    reason:
      "This queue is the reconciliation's on-failure destination: a terminal queue holding S3 events that failed every retry, alarmed as soon as it is not empty.",
  },
];

/** Acknowledges each entry of NAG_SUPPRESSIONS on its construct; a path that names nothing throws. */
export function acknowledgeNagFindings(app: App): void {
  for (const { path, id, reason } of NAG_SUPPRESSIONS) {
    let node: IConstruct | undefined = app;
    for (const part of path.split('/')) node = node?.node.tryFindChild(part);
    if (node === undefined) throw new DocketWatchError('NAG_SUPPRESSION_TARGET_MISSING', `nag suppression ${id}: no construct at ${path}`);
    Validations.of(node).acknowledge({ id, reason });
  }
}
