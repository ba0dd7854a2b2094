import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, Runtime, type IDestination } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { FunctionName } from '../../shared/runtime/config';
import { FUNCTIONS, METRICS_NAMESPACE } from '../../shared/runtime/resources';

/**
 * Node.js 22, the LTS line the pipeline is specified for (Node 20 is past end of life;
 * Lambda supports nodejs22.x into 2027). cdk-nag's AwsSolutions-L1 asks for the newest
 * runtime (24): acknowledged in infra/nag-suppressions.ts; moving to 24 is this one line.
 * The code targets what Node.js 20.12 already has (engines), so the same sources run
 * locally and in CI on Node 20.
 */
export const PIPELINE_RUNTIME = Runtime.NODEJS_22_X;

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** `ingestDocket` -> `ingest-docket`: the folder under functions/ and the Powertools service name. */
export const functionFolder = (name: FunctionName): string =>
  name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

export interface PipelineFunctionProps {
  /** Selects the handler (functions/<kebab-name>/handler.ts) and its FUNCTIONS settings. */
  readonly name: FunctionName;
  /** Resource names under their ENV names; the handler parses them with loadConfig(name). */
  readonly environment: Record<string, string>;
  /** Asynchronous invocations (S3 notifications): retries and where a failed event goes. */
  readonly onFailure?: IDestination;
  readonly retryAttempts?: number;
  /** Copy shared/templates into the bundle as `templates/` (read at cold start, see shared/runtime/templates.ts). */
  readonly withTemplates?: boolean;
}

/**
 * A Docket Watch Lambda function with every default: Node.js 24 on arm64, bundled by
 * esbuild from functions/<name>/handler.ts, timeout and memory from FUNCTIONS, its own
 * log group with a retention, and the Powertools service name and metrics namespace.
 */
export class PipelineFunction extends NodejsFunction {
  /** Which handler and config schema this is (shared/runtime/config.ts). */
  readonly configName: FunctionName;

  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    const folder = functionFolder(props.name);
    const settings = FUNCTIONS[props.name];
    super(scope, id, {
      entry: join(REPO_ROOT, 'functions', folder, 'handler.ts'),
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      handler: 'handler',
      runtime: PIPELINE_RUNTIME,
      architecture: Architecture.ARM_64,
      timeout: Duration.seconds(settings.timeoutSeconds),
      memorySize: settings.memoryMb,
      onFailure: props.onFailure,
      retryAttempts: props.retryAttempts,
      // Created beside the function (a subclass cannot use `this` before super()). Logs
      // follow the function's lifecycle: this stack is stateless.
      logGroup: new LogGroup(scope, `${id}LogGroup`, {
        retention: RetentionDays.ONE_MONTH,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
      environment: {
        POWERTOOLS_SERVICE_NAME: folder,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        // Stack traces point into the TypeScript sources via the bundled source map.
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        target: 'node22',
        format: OutputFormat.CJS,
        // Nothing external, not even @aws-sdk/*: the SDK the runtime ships changes version
        // without a deploy, so we bundle the one package-lock.json pins and the tests ran.
        externalModules: [],
        ...(props.withTemplates
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (inputDir: string, outputDir: string) => [
                  `cp -R "${join(inputDir, 'shared', 'templates')}" "${join(outputDir, 'templates')}"`,
                ],
              },
            }
          : {}),
      },
    });
    this.configName = props.name;
  }
}
