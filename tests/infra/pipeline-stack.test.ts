import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { functionFolder, PipelineFunction } from '../../infra/constructs/pipeline-function';
import { loadConfig, type FunctionName } from '../../shared/runtime/config';
import {
  DROP_BUCKET,
  ENV,
  FTA_QUEUES,
  FUNCTIONS,
  DROP_CHUNK_QUEUE,
  DROP_CHUNK_WORKERS,
  INGEST_FAILURES,
  METRICS_ALARMS,
  METRICS_NAMESPACE,
  METRICS_SCHEDULES,
  ROSTER_DROPS,
  OPLA_RECONCILIATION,
  WORK_LIST_RETURNS,
} from '../../shared/runtime/resources';
import { MAIL_FROM, ORR_INBOX, logicalId, pipelineFunctions, synthDocketWatch } from './synth-docket-watch';

const { data, dataTemplate, pipeline, pipelineTemplate: template } = synthDocketWatch();
/** How the pipeline stack refers to a value of the data stack (an Fn::ImportValue). */
const imported = (value: string): unknown => pipeline.resolve(value);

const functions = pipelineFunctions(pipeline);
const functionNames = Object.keys(functions) as FunctionName[];
/** Each fan-out queue and the function that consumes it. */
const consumers = [
  ['orrNotices', 'notifyOrr'],
  ['ntaSchedule', 'scheduleNta'],
] as const;

const propertiesOf = (fn: IFunction) => template.findResources('AWS::Lambda::Function')[logicalId(fn)]?.Properties;
const environmentOf = (fn: IFunction): Record<string, unknown> => propertiesOf(fn).Environment.Variables;

interface Statement {
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}
/** Every IAM statement attached to the function's role. */
function statementsOf(fn: IFunction): Statement[] {
  const role = { Ref: logicalId(fn.role!) };
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(JSON.stringify(role)))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}
/** The actions the function may take on `resource` (or its sub-resources). */
function actionsOn(fn: IFunction, resource: unknown): string[] {
  return statementsOf(fn)
    .filter((s) => JSON.stringify(s.Resource).includes(JSON.stringify(resource)))
    .flatMap((s) => s.Action);
}

describe('pipeline functions', () => {
  it.each(functionNames)('runs %s on Node.js 22, arm64, with the timeout and memory of FUNCTIONS', (name) => {
    expect(propertiesOf(functions[name])).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Timeout: FUNCTIONS[name].timeoutSeconds,
      MemorySize: FUNCTIONS[name].memoryMb,
      Handler: 'index.handler',
    });
  });

  it('deploys no other Node.js function', () => {
    const nodeFunctions = Object.entries(template.findResources('AWS::Lambda::Function'))
      .filter(([, fn]) => String(fn.Properties.Runtime).startsWith('nodejs'))
      .map(([id]) => id);
    expect(nodeFunctions.sort()).toEqual(Object.values(functions).map(logicalId).sort());
  });

  it.each(functionNames)('names the Powertools service of %s and the metrics namespace', (name) => {
    expect(environmentOf(functions[name])).toMatchObject({
      POWERTOOLS_SERVICE_NAME: functionFolder(name),
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    });
  });

  it.each(functionNames)('writes the logs of %s to its own log group with a retention', (name) => {
    const logGroupId = propertiesOf(functions[name]).LoggingConfig.LogGroup.Ref;
    expect(template.findResources('AWS::Logs::LogGroup')[logGroupId]?.Properties.RetentionInDays).toBeGreaterThan(0);
  });

  it.each(functionNames)('sets every variable the config schema of %s requires in Lambda', (name) => {
    // Resource names are tokens until deployment; any URL-shaped string (an ARN-shaped one
    // for the secret) satisfies the schema. AWS_LAMBDA_FUNCTION_NAME: the deployed rules.
    const environment = Object.fromEntries(
      Object.entries(environmentOf(functions[name])).map(([key, value]) => [
        key,
        typeof value === 'string'
          ? value
          : key === ENV.piiKeySecretArn
            ? 'arn:aws:secretsmanager:us-east-1:111122223333:secret:resolved-at-deploy'
            : 'https://resolved-at-deploy.example/name',
      ]),
    );
    expect(() => loadConfig(name, { ...environment, AWS_LAMBDA_FUNCTION_NAME: name })).not.toThrow();
  });

  it.each(functionNames)('leaves %s the SES mailer\'s deployed backoff: no SES_BACKOFF_* setting, so SES_BACKOFF (200 ms doubling, capped at 10 s) applies', (name) => {
    // The local fault tests shorten the backoff through these variables; deployed, none is set.
    const set = Object.keys(environmentOf(functions[name])).filter((key) => key === ENV.sesBackoffBaseMs || key === ENV.sesBackoffCapMs);
    expect(set).toEqual([]);
  });

  it('points each function at the resources of the data stack and the configured addresses', () => {
    const casesTable = imported(data.casesTable.tableName);
    expect(environmentOf(functions.ingestDocket)).toMatchObject({
      [ENV.casesTable]: casesTable,
      [ENV.dropBucket]: imported(data.dropBucket.bucketName),
      [ENV.orrNoticeQueueUrl]: imported(data.queues.orrNotices.queue.queueUrl),
      [ENV.ntaScheduleQueueUrl]: imported(data.queues.ntaSchedule.queue.queueUrl),
    });
    expect(environmentOf(functions.notifyOrr)).toMatchObject({
      [ENV.casesTable]: casesTable,
      [ENV.idempotencyTable]: imported(data.idempotencyTable.tableName),
      [ENV.orrInbox]: ORR_INBOX,
      [ENV.mailFrom]: MAIL_FROM,
    });
    expect(environmentOf(functions.scheduleNta)).toMatchObject({ [ENV.casesTable]: casesTable });
    expect(environmentOf(functions.computeMetrics)).toMatchObject({ [ENV.casesTable]: casesTable });
  });
});

describe('drop ingestion', () => {
  it('invokes the ingest function for every object under the drop prefixes, with no case-sensitive suffix filter', () => {
    const [notifications, ...others] = Object.values(template.findResources('Custom::S3BucketNotifications'));
    expect(others).toHaveLength(0);
    expect(notifications?.Properties.BucketName).toEqual(imported(data.dropBucket.bucketName));
    const configurations = notifications?.Properties.NotificationConfiguration.LambdaFunctionConfigurations as {
      Events: string[];
      Filter: { Key: { FilterRules: { Name: string; Value: string }[] } };
      LambdaFunctionArn: unknown;
    }[];
    const triggers = configurations.map((c) => ({
      events: c.Events,
      rules: Object.fromEntries(c.Filter.Key.FilterRules.map((r) => [r.Name, r.Value])),
      target: c.LambdaFunctionArn,
    }));
    expect(triggers).toEqual([
      ...['drops/', 'unpacked/'].map((prefix) => ({
        events: ['s3:ObjectCreated:*'],
        // A suffix rule is matched letter for letter: `/Count.txt` would never fire for COUNT.TXT.
        rules: { prefix },
        target: { 'Fn::GetAtt': [logicalId(functions.ingestDocket), 'Arn'] },
      })),
      {
        events: ['s3:ObjectCreated:*'],
        // Prefix only: a suffix rule `.csv` would never fire for ROSTER.CSV.
        rules: { prefix: ROSTER_DROPS.prefix },
        target: { 'Fn::GetAtt': [logicalId(functions.ingestRoster), 'Arn'] },
      },
      {
        // Prefix only: S3 suffix filters match letter case, and offices save .XLSX too.
        events: ['s3:ObjectCreated:*'],
        rules: { prefix: WORK_LIST_RETURNS.prefix },
        target: { 'Fn::GetAtt': [logicalId(functions.recordWorkListReturns), 'Arn'] },
      },
      {
        // OPLA exports: prefix only (an export saved as .CSV is read too).
        events: ['s3:ObjectCreated:*'],
        rules: { prefix: OPLA_RECONCILIATION.prefix },
        target: { 'Fn::GetAtt': [logicalId(functions.reconcileOpla), 'Arn'] },
      },
      {
        // A finished drop's report: the pipeline writes this name itself, letter for letter.
        events: ['s3:ObjectCreated:*'],
        rules: { prefix: OPLA_RECONCILIATION.dropReportPrefix, suffix: OPLA_RECONCILIATION.dropReportSuffix },
        target: { 'Fn::GetAtt': [logicalId(functions.reconcileOpla), 'Arn'] },
      },
    ]);
  });

  it('lets only the drop bucket invoke the ingest function', () => {
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 's3.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [logicalId(functions.ingestDocket), 'Arn'] },
      SourceArn: imported(data.dropBucket.bucketArn),
    });
  });

  it('reads drops only under the drop and unpacked prefixes and writes only rejected rows, report lists and unpacked zips, never under drops/', () => {
    const statements = statementsOf(functions.ingestDocket);
    const s3Actions = statements.flatMap((s) => [s.Action].flat()).filter((a) => a.startsWith('s3:'));
    expect(s3Actions).toContain('s3:GetObject');
    expect(s3Actions.filter((a) => /^s3:(Delete|\*)/.test(a))).toEqual([]);
    const writers = statements.filter((s) => [s.Action].flat().some((a) => /^s3:(Put|Abort)/.test(a)));
    expect(writers.length).toBeGreaterThan(0);
    for (const w of writers) {
      expect(JSON.stringify(w.Resource)).toMatch(new RegExp(`/(${DROP_BUCKET.quarantinePrefix}|${DROP_BUCKET.unpackedPrefix}|${DROP_BUCKET.reportPrefix})\\*`));
      // The suffix joined to the bucket ARN is exactly `/drops/*` (not `/reports/drops/*`).
      expect(JSON.stringify(w.Resource)).not.toContain(`"/${DROP_BUCKET.dropPrefix}*"`);
    }
    expect(JSON.stringify(statements)).toContain(`/${DROP_BUCKET.dropPrefix}*`);
  });

  it('sends a drop event that failed every retry to an alarmed failure queue', () => {
    const failures = logicalId(pipeline.ingest.failures);
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalId(functions.ingestDocket) },
      MaximumRetryAttempts: INGEST_FAILURES.asyncRetryAttempts,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [failures, 'Arn'] } } },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [failures, 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ Ref: logicalId(pipeline.alarmTopic) }],
    });
  });

  it('sends a work-list return event that failed every retry to its own alarmed, encrypted failure queue', () => {
    const failures = logicalId(pipeline.returns.failures);
    expect(failures).not.toBe(logicalId(pipeline.roster.failures));
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalId(functions.recordWorkListReturns) },
      MaximumRetryAttempts: INGEST_FAILURES.asyncRetryAttempts,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [failures, 'Arn'] } } },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [failures, 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ Ref: logicalId(pipeline.alarmTopic) }],
    });
    expect(template.findResources('AWS::SQS::Queue')[failures]?.Properties?.KmsMasterKeyId).toBeDefined();
  });

  it('sends a roster event that failed every retry to its own alarmed, encrypted failure queue', () => {
    const failures = logicalId(pipeline.roster.failures);
    expect(failures).not.toBe(logicalId(pipeline.ingest.failures));
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalId(functions.ingestRoster) },
      MaximumRetryAttempts: INGEST_FAILURES.asyncRetryAttempts,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [failures, 'Arn'] } } },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [failures, 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: logicalId(pipeline.alarmTopic) }],
    });
    const queue = template.findResources('AWS::SQS::Queue')[failures]?.Properties;
    expect(queue).toMatchObject({ MessageRetentionPeriod: INGEST_FAILURES.retentionDays * 86_400 });
    expect(queue?.KmsMasterKeyId).toBeDefined();
  });

  it.each(consumers)('sends each new FTA to the %s queue', (queueName) => {
    expect(actionsOn(functions.ingestDocket, imported(data.queues[queueName].queue.queueArn))).toContain('sqs:SendMessage');
    expect(actionsOn(functions.ingestDropChunk, imported(data.queues[queueName].queue.queueArn))).toContain('sqs:SendMessage');
  });
});

describe('the drop chunk queue (big drops fanned out)', () => {
  const { queue, deadLetterQueue } = pipeline.ingest.chunkQueue;
  const queueArn = { 'Fn::GetAtt': [logicalId(queue), 'Arn'] };

  it('feeds the chunk worker one chunk per invocation, at most DROP_CHUNK_WORKERS at once, with partial batch responses', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: queueArn,
      FunctionName: { Ref: logicalId(functions.ingestDropChunk) },
      BatchSize: DROP_CHUNK_QUEUE.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: DROP_CHUNK_WORKERS.maxConcurrency },
    });
  });

  it('hides a chunk for six times the worker timeout, redrives to a DLQ and alarms on it', () => {
    // As deployed: the queue's visibility timeout against the worker function's own timeout.
    const deployed = template.findResources('AWS::SQS::Queue')[logicalId(queue)]?.Properties;
    expect(deployed?.VisibilityTimeout).toBe(6 * propertiesOf(functions.ingestDropChunk).Timeout);
    template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: DROP_CHUNK_QUEUE.visibilityTimeoutSeconds,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(deadLetterQueue), 'Arn'] }, maxReceiveCount: DROP_CHUNK_QUEUE.maxReceiveCount },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(deadLetterQueue), 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ Ref: logicalId(pipeline.alarmTopic) }],
    });
  });

  it('lets the ingest and the chunk worker send chunks, and gives both the queue URL', () => {
    for (const fn of [functions.ingestDocket, functions.ingestDropChunk]) {
      expect(actionsOn(fn, queueArn)).toContain('sqs:SendMessage');
      expect(environmentOf(fn)[ENV.dropChunkQueueUrl]).toEqual({ Ref: logicalId(queue) });
    }
  });

  it('runs the chunk worker with the same capped heap as the ingest', () => {
    expect(environmentOf(functions.ingestDropChunk).NODE_OPTIONS).toBe(environmentOf(functions.ingestDocket).NODE_OPTIONS);
  });
});

describe.each(consumers)('the %s queue', (queueName, functionName) => {
  const definition = FTA_QUEUES[queueName];
  const { queue, deadLetterQueue } = data.queues[queueName];

  it(`feeds ${functionName} in batches and lets it report failed records one by one`, () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: imported(queue.queueArn),
      FunctionName: { Ref: logicalId(functions[functionName]) },
      BatchSize: definition.batchSize,
      MaximumBatchingWindowInSeconds: definition.maxBatchingWindowSeconds,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it(`hides a received message for at least the timeout of ${functionName}, as Lambda requires`, () => {
    // As deployed: the data stack's queue against the pipeline stack's function.
    const deployed = dataTemplate.findResources('AWS::SQS::Queue')[logicalId(queue)]?.Properties;
    expect(deployed?.VisibilityTimeout).toBeGreaterThanOrEqual(propertiesOf(functions[functionName]).Timeout);
  });

  it('alarms as soon as a message waits in the DLQ', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: imported(deadLetterQueue.queueName) }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      AlarmActions: [{ Ref: logicalId(pipeline.alarmTopic) }],
    });
  });
});

describe('program metrics', () => {
  const metricsFn = { 'Fn::GetAtt': [logicalId(functions.computeMetrics), 'Arn'] };

  it.each(Object.entries(METRICS_SCHEDULES))('runs the metrics function on the %s schedule with its cadence', (_name, schedule) => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: schedule.expression,
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: metricsFn, Input: JSON.stringify({ cadence: schedule.cadence }) })],
    });
  });

  it('takes other schedule expressions from the stack props (CDK context)', () => {
    const { pipelineTemplate } = synthDocketWatch({ metricsSchedules: { hourly: 'rate(15 minutes)' } });
    pipelineTemplate.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(15 minutes)' });
    pipelineTemplate.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: METRICS_SCHEDULES.daily.expression });
  });

  const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
  const programAlarm = (metricName: string) => alarms.find((a) => a.MetricName === metricName && a.Namespace === METRICS_NAMESPACE);

  it.each([
    ['a late drop', 'HoursSinceLastDrop', METRICS_ALARMS.lateDropHours, 'breaching'],
    ['FTAs not emailed to ORR within 24 h', 'FtasAwaitingNoticeOver24h', 0, 'notBreaching'],
    ['ingest rejections above the threshold', 'RowsRejectedShareLastDrop', METRICS_ALARMS.rejectedRowsSharePercent, 'notBreaching'],
  ])('alarms to the SNS topic on %s', (_what, metricName, threshold, missing) => {
    expect(programAlarm(metricName)).toMatchObject({
      Dimensions: [{ Name: 'service', Value: 'compute-metrics' }],
      Statistic: 'Maximum',
      Period: 3600,
      Threshold: threshold,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: missing,
      AlarmActions: [{ Ref: logicalId(pipeline.alarmTopic) }],
    });
  });

  it('alarms on every dead-letter queue and the docket, roster, work-list return and OPLA reconciliation failure queues', () => {
    const sqsAlarms = alarms.filter((a) => a.Namespace === 'AWS/SQS' && a.Threshold === 0);
    // ORR notices DLQ, NTA schedule DLQ, drop chunks DLQ, docket ingest, roster ingest, work-list return and reconciliation failures.
    expect(sqsAlarms).toHaveLength(7);
  });

  describe('the dashboard', () => {
    const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(pipeline.resolve(dashboards[0]?.Properties.DashboardBody));
    /**
     * The metric names the dashboard's widgets draw: each `[namespace, name, ...]` metric of
     * our namespace and each `MetricName="..."` of a SEARCH expression, read from the parsed
     * dashboard JSON (its CloudFormation references stand in as plain strings).
     */
    const dashboardMetricNames = (): Set<string> => {
      const joined = pipeline.resolve(dashboards[0]?.Properties.DashboardBody) as { 'Fn::Join': [string, unknown[]] };
      const json = joined['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'REF')).join('');
      const names = new Set<string>();
      const visit = (value: unknown): void => {
        if (typeof value === 'string') {
          for (const m of value.matchAll(/MetricName="([^"]+)"/g)) names.add(m[1] as string);
        } else if (Array.isArray(value)) {
          if (value[0] === METRICS_NAMESPACE && typeof value[1] === 'string') names.add(value[1]);
          value.forEach(visit);
        } else if (value !== null && typeof value === 'object') {
          Object.values(value).forEach(visit);
        }
      };
      visit(JSON.parse(json));
      return names;
    };

    it('is one dashboard', () => {
      expect(dashboards).toHaveLength(1);
    });

    it.each([
      'FtasOpen',
      'FtasNewLast7Days',
      'FtasRescindedLast7Days',
      'NotifiedWithin24hShare',
      'NoticeLatencyMedian',
      'FtasAwaitingNoticeOver24h',
      'NtaBacklog',
      'NtaBacklogAge0To90Days',
      'NtaBacklogAgeOver2Years',
      'NtaBacklogEnteredLast4Weeks',
      'NtaBacklogLeftLast4Weeks',
      'NtasPlannedNext30Days',
      'ReverificationTasksOpen',
      'ReverificationTasksOverdue',
      'UcCasesUnmatchedToRoster',
      'RowsRejectedLastDrop',
      'HoursSinceLastDrop',
    ])('shows %s', (metricName) => {
      // Whole names only: NtaBacklogAge0To90Days must not pass for NtaBacklog.
      expect([...dashboardMetricNames()]).toContain(metricName);
    });

    it('shows per-AOR lines through a search on the Aor dimension, and the alarms and DLQ depths', () => {
      expect(body).toContain('SEARCH(');
      expect(body).toContain('Aor');
      expect(body).toContain('ApproximateNumberOfMessagesVisible');
      expect(body).toContain('alarms');
    });
  });
});

describe('permissions', () => {
  const writeActions = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
  const tables = { cases: () => data.casesTable, idempotency: () => data.idempotencyTable };
  // The exact action lists are TABLE_ACCESS, asserted in least-privilege.test.ts.
  const access: [FunctionName, 'read and write' | 'only read', keyof typeof tables][] = [
    ['ingestDocket', 'read and write', 'cases'],
    // The notifier writes its notice ledger items beside the FTAs.
    ['notifyOrr', 'read and write', 'cases'],
    ['notifyOrr', 'read and write', 'idempotency'],
    ['sendOrrDigest', 'read and write', 'cases'],
    ['recordSesEvents', 'read and write', 'cases'],
    ['scheduleNta', 'read and write', 'cases'],
    ['computeMetrics', 'only read', 'cases'],
  ];

  it.each(access)('lets %s %s the %s table', (name, verb, table) => {
    const actions = actionsOn(functions[name], imported(tables[table]().tableArn));
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.some((a) => writeActions.includes(a))).toBe(verb === 'read and write');
  });

  it('gives only the ORR notifier the idempotency table', () => {
    for (const name of ['ingestDocket', 'scheduleNta', 'computeMetrics'] as const) {
      expect(actionsOn(functions[name], imported(data.idempotencyTable.tableArn))).toEqual([]);
    }
  });

  it('lets notifyOrr send raw email only from the mailFrom address to the ORR inbox, and read its quota', () => {
    const ses = statementsOf(functions.notifyOrr).filter((s) => [s.Action].flat().some((a) => a.startsWith('ses:')));
    const send = ses.filter((s) => [s.Action].flat().includes('ses:SendRawEmail'));
    expect(send).toHaveLength(1);
    expect([send[0]?.Action].flat()).toEqual(['ses:SendRawEmail']);
    expect(send[0]?.Condition).toEqual({ StringEquals: { 'ses:FromAddress': MAIL_FROM }, 'ForAllValues:StringEquals': { 'ses:Recipients': [ORR_INBOX] } });
    expect(ses.flatMap((s) => [s.Action].flat()).sort()).toEqual(['ses:GetSendQuota', 'ses:SendRawEmail']);
  });

  it('lets the digest send no email when no digest recipient is configured', () => {
    const ses = statementsOf(functions.sendOrrDigest).flatMap((s) => [s.Action].flat()).filter((a) => a.startsWith('ses:'));
    expect(ses).toEqual(['ses:GetSendQuota']);
  });

  it.each(['ingestDocket', 'scheduleNta', 'computeMetrics', 'recordSesEvents'] as const)('does not let %s send email', (name) => {
    expect(JSON.stringify(statementsOf(functions[name]))).not.toContain('ses:');
  });
});

describe('alarm notifications', () => {
  it('emails alarms to alarmEmail when one is given', () => {
    const { pipeline: withEmail, pipelineTemplate } = synthDocketWatch({ alarmEmail: 'oncall@example.gov' });
    pipelineTemplate.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.gov',
      TopicArn: { Ref: logicalId(withEmail.alarmTopic) },
    });
  });

  it('subscribes nobody to the alarm topic when no alarmEmail is given', () => {
    template.resourcePropertiesCountIs('AWS::SNS::Subscription', { TopicArn: { Ref: logicalId(pipeline.alarmTopic) } }, 0);
  });
});

describe('ORR email delivery', () => {
  it('sends through an SES configuration set that requires TLS', () => {
    template.hasResourceProperties('AWS::SES::ConfigurationSet', { DeliveryOptions: { TlsPolicy: 'REQUIRE' } });
    expect(environmentOf(functions.notifyOrr)).toMatchObject({
      SES_CONFIGURATION_SET: { Ref: logicalId(pipeline.notifier.configurationSet) },
    });
  });

  it('publishes sends, deliveries, bounces and complaints to SNS, consumed by the SES events function', () => {
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: Match.objectLike({
        Enabled: true,
        MatchingEventTypes: Match.arrayWith(['send', 'delivery', 'bounce', 'complaint']),
        SnsDestination: { TopicARN: { Ref: logicalId(pipeline.notifier.sesEventsTopic) } },
      }),
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: { Ref: logicalId(pipeline.notifier.sesEventsTopic) },
      Endpoint: { 'Fn::GetAtt': [logicalId(functions.recordSesEvents), 'Arn'] },
    });
  });

  it.each(['NoticeBounced', 'NoticeComplained'])('alarms on %s', (metricName) => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'DocketWatch',
      MetricName: metricName,
      Threshold: 0,
      AlarmActions: [{ Ref: logicalId(pipeline.alarmTopic) }],
    });
  });

  it('caps the notifier at two concurrent instances, so sends stay under the SES rate', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalId(functions.notifyOrr) },
      ScalingConfig: { MaximumConcurrency: 2 },
    });
  });

  it('runs the digest function daily', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0 6 * * ? *)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalId(functions.sendOrrDigest), 'Arn'] } })],
    });
  });

  it('bundles the editable templates beside the handler (a real esbuild bundle)', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'docket-watch-bundle-'));
    const app = new App({ outdir });
    new PipelineFunction(new Stack(app, 'Bundle'), 'Notify', { name: 'notifyOrr', environment: {}, withTemplates: true });
    app.synth();
    const assets = readdirSync(outdir).filter((d) => d.startsWith('asset.'));
    const bundle = assets.map((d) => join(outdir, d)).find((d) => existsSync(join(d, 'index.js')));
    expect(bundle).toBeDefined();
    for (const file of ['fta-notice.txt', 'fta-notice.html', 'correction.txt', 'correction.html', 'details.txt', 'details.html', 'digest.txt', 'digest.html']) {
      expect(existsSync(join(bundle ?? '', 'templates', file))).toBe(true);
    }
  });
});
