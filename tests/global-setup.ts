import type { TestProject } from 'vitest/node';
import { startEmulators, type Endpoints } from '../infra/local/emulators';

declare module 'vitest' {
  export interface ProvidedContext {
    emulators: Omit<Endpoints, 's3'>;
  }
}

/**
 * Starts DynamoDB Local, local-aws-sqs and aws-ses-v2-local once for the integration
 * suite, on free ports; each test file starts its own in-process s3rver (whose events are
 * the S3 notifications) and provisions its own uniquely named resources.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const emulators = await startEmulators();
  const { dynamodb, sqs, ses } = emulators.endpoints;
  project.provide('emulators', { dynamodb, sqs, ses });
  return () => emulators.stop();
}
