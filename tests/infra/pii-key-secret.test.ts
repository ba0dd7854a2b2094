import { join } from 'node:path';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionFolder } from '../../infra/constructs/pipeline-function';
import type { FunctionName } from '../../shared/runtime/config';
import { ENV } from '../../shared/runtime/resources';
import { logicalId, pipelineFunctions, synthDocketWatch } from './synth-docket-watch';

/*
 * The HMAC key of PII-derived item keys, deployed: a retained, generated Secrets Manager
 * secret in the data stack, handed to exactly the functions that build such keys. Which
 * ones do is read from the code, not from the grant: a handler's bundle that keeps one of
 * pii-keys.ts's key builders after tree shaking can build keys.
 */
const { data, dataTemplate, pipeline, pipelineTemplate: template } = synthDocketWatch();
const functions = pipelineFunctions(pipeline);
const names = Object.keys(functions) as FunctionName[];

/**
 * Bundles that keep a key builder but are reviewed not to need the key. Deployed, such a
 * function has no key at all: a key built there throws (loadConfig refuses the development
 * key in Lambda), so a later change that does build one fails loudly, never silently.
 */
const REVIEWED_WITHOUT_KEY: Partial<Record<FunctionName, string>> = {
  sweepOutbox: "the case store's outbox methods only (unpublished FTAs and rescissions, marked published): no address is recorded",
  reconcileOpla: "the case store's FTA listing and A-number lookup only (listFtas, aNumbersOf): reads by case id, records no address",
};

const KEY_BUILDERS = /function (aNumberKey|addressKey|recipientKey)\(/;
/** Per function: whether its bundle can build PII keys, and whether its handler installs the key. */
const bundles = {} as Record<FunctionName, { buildsKeys: boolean; installsKey: boolean }>;

beforeAll(async () => {
  const root = join(import.meta.dirname, '..', '..');
  for (const name of names) {
    const result = await build({
      entryPoints: [join(root, 'functions', functionFolder(name), 'handler.ts')],
      absWorkingDir: root,
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]?.text ?? '';
    // Tree shaking keeps a function only where something calls it.
    bundles[name] = { buildsKeys: KEY_BUILDERS.test(code), installsKey: /function installPiiKey\(/.test(code) };
  }
}, 60_000);

const secretId = logicalId(data.piiKeySecret);
const secretArn = pipeline.resolve(data.piiKeySecret.secretArn) as unknown;
const keyArn = pipeline.resolve(data.dataKey.keyArn) as unknown;

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}
function statementsOf(fn: IFunction): Statement[] {
  const role = JSON.stringify({ Ref: logicalId(fn.role!) });
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(role))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}
const environmentOf = (fn: IFunction): Record<string, unknown> =>
  template.findResources('AWS::Lambda::Function')[logicalId(fn)]?.Properties.Environment.Variables;
const needsKey = (name: FunctionName) => bundles[name].buildsKeys && REVIEWED_WITHOUT_KEY[name] === undefined;

describe('the PII key secret', () => {
  it('is generated in the data stack, long, encrypted with the data key, and outlives the stack', () => {
    const secrets = dataTemplate.findResources('AWS::SecretsManager::Secret');
    expect(Object.keys(secrets)).toEqual([secretId]);
    const secret = secrets[secretId];
    expect(secret?.DeletionPolicy).toBe('Retain');
    expect(secret?.UpdateReplacePolicy).toBe('Retain');
    expect(secret?.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [logicalId(data.dataKey), 'Arn'] });
    expect(secret?.Properties.GenerateSecretString.PasswordLength).toBeGreaterThanOrEqual(32);
    // A plain string, not a JSON template: the functions take the whole value as the key.
    expect(secret?.Properties.GenerateSecretString.SecretStringTemplate).toBeUndefined();
    expect(secret?.Properties.SecretString).toBeUndefined();
  });

  it('is not rotated in place (rotation would orphan every keyed item)', () => {
    expect(dataTemplate.findResources('AWS::SecretsManager::RotationSchedule')).toEqual({});
  });

  it('goes to some functions and not to others (the code analysis below has something to judge)', () => {
    expect(names.filter(needsKey).length).toBeGreaterThan(0);
    expect(names.filter((n) => !needsKey(n)).length).toBeGreaterThan(0);
  });

  it('lists as reviewed only functions whose bundle does build keys', () => {
    for (const name of Object.keys(REVIEWED_WITHOUT_KEY) as FunctionName[]) expect(bundles[name].buildsKeys, name).toBe(true);
  });

  it.each(names)('is named in PII_KEY_SECRET_ARN of %s exactly when it builds PII keys', (name) => {
    expect(environmentOf(functions[name])[ENV.piiKeySecretArn]).toEqual(needsKey(name) ? secretArn : undefined);
    expect(environmentOf(functions[name])[ENV.piiKeySecret]).toBeUndefined();
  });

  it.each(names)('is installed by the handler of %s exactly when it builds PII keys', (name) => {
    expect(bundles[name].installsKey).toBe(needsKey(name));
  });

  it.each(names)('may be read by %s (GetSecretValue on that secret only) exactly when it builds PII keys', (name) => {
    const secretsActions = statementsOf(functions[name]).filter((s) => [s.Action].flat().some((a) => a.startsWith('secretsmanager:')));
    expect(secretsActions).toEqual(needsKey(name) ? [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: secretArn }] : []);
  });

  it('lets each function given the secret decrypt with the data key, which Secrets Manager uses on its behalf', () => {
    const decrypts = (name: FunctionName) =>
      statementsOf(functions[name]).some(
        (s) => s.Effect === 'Allow' && [s.Action].flat().includes('kms:Decrypt') && [s.Resource].flat().some((r) => JSON.stringify(r) === JSON.stringify(keyArn)),
      );
    expect(names.filter(needsKey).filter((n) => !decrypts(n))).toEqual([]);
  });
});
