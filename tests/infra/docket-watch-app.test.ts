import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Token } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { functionFolder } from '../../infra/constructs/pipeline-function';
import { FUNCTIONS } from '../../shared/runtime/resources';
import { synthDocketWatch } from './synth-docket-watch';

const { data, pipeline, dataTemplate, pipelineTemplate } = synthDocketWatch();

describe('the Docket Watch app', () => {
  it.each(Object.keys(FUNCTIONS) as (keyof typeof FUNCTIONS)[])('finds the handler file of %s', (name) => {
    const handler = new URL(`../../functions/${functionFolder(name)}/handler.ts`, import.meta.url);
    expect(existsSync(fileURLToPath(handler))).toBe(true);
  });

  it('deploys to whichever account and region the credentials name', () => {
    for (const stack of [data, pipeline]) {
      expect(Token.isUnresolved(stack.account)).toBe(true);
      expect(Token.isUnresolved(stack.region)).toBe(true);
    }
  });

  it('gives no resource a physical name, so CloudFormation names them', () => {
    const nameProperties: Record<string, string> = {
      'AWS::S3::Bucket': 'BucketName',
      'AWS::DynamoDB::Table': 'TableName',
      'AWS::SQS::Queue': 'QueueName',
      'AWS::Lambda::Function': 'FunctionName',
      'AWS::SNS::Topic': 'TopicName',
      'AWS::Events::Rule': 'Name',
      'AWS::CloudWatch::Alarm': 'AlarmName',
      'AWS::IAM::Role': 'RoleName',
      'AWS::Logs::LogGroup': 'LogGroupName',
    };
    for (const template of [dataTemplate, pipelineTemplate]) {
      for (const [type, property] of Object.entries(nameProperties)) {
        for (const resource of Object.values(template.findResources(type))) {
          expect(resource.Properties ?? {}, type).not.toHaveProperty(property);
        }
      }
    }
  });
});
