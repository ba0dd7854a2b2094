import { createServer, type Server } from 'node:net';
import sesLocal from 'aws-ses-v2-local';
import type { Emulators } from '../../infra/local/emulators';
import { LocalPipeline, type LocalPipelineOptions } from '../../infra/local/pipeline';
import { provisionLocalResources, type LocalResources } from '../../infra/local/provision';
import { FaultProxy } from './fault-proxy';
import { connectEmulators } from './local-stack';

const startSesServer: typeof sesLocal = (sesLocal as unknown as { default?: typeof sesLocal }).default ?? sesLocal;

/** The SES emulator on a fixed port, so it can be stopped and started again mid-run. */
export class RestartableSes {
  private constructor(
    private server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<RestartableSes> {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = probe.address() as { port: number };
        probe.close(() => resolve(p));
      });
    });
    return new RestartableSes(await startSesServer({ port, host: '127.0.0.1' }), port);
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Graceful: requests in flight finish, then the port closes. */
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      (this.server as Server & { closeIdleConnections?: () => void }).closeIdleConnections?.();
    });
  }

  async restart(downMs: number): Promise<void> {
    await this.stop();
    await new Promise((r) => setTimeout(r, downMs));
    this.server = await startSesServer({ port: this.port, host: '127.0.0.1' });
  }
}

export interface FaultyStack {
  /** The suite's DynamoDB and SQS and this file's s3rver, as the emulators the functions see. */
  readonly base: Emulators;
  readonly ses: RestartableSes;
  /** One fault proxy in front of each service the functions call. */
  readonly proxies: { readonly dynamodb: FaultProxy; readonly sqs: FaultProxy; readonly ses: FaultProxy };
  readonly resources: LocalResources;
  readonly pipeline: LocalPipeline;
  /** Emails SES accepted, per FTA reference (the `reference` tag): the email ledger. */
  readonly ledger: ReadonlyMap<string, number>;
  stop(): Promise<void>;
}

/**
 * The local pipeline with a fault proxy in front of DynamoDB, SQS (queue URLs included)
 * and a restartable SES: every call of every function passes through a proxy, which
 * forwards it or injects the fault a test asked for. A feature that adds a service (or a
 * second SES call) adds its proxy or its ledger rule here.
 */
export async function startFaultyStack(options: { suffix: string; visibilityTimeoutSeconds?: number } & LocalPipelineOptions): Promise<FaultyStack> {
  const base = await connectEmulators();
  const ses = await RestartableSes.start();
  const proxies = {
    dynamodb: await FaultProxy.start(base.endpoints.dynamodb),
    sqs: await FaultProxy.start(base.endpoints.sqs),
    ses: await FaultProxy.start(ses.endpoint),
  };
  const ledger = new Map<string, number>();
  proxies.ses.onAnswer((call, status) => {
    if (!['SendEmail', 'SendRawEmail'].includes(call.operation) || status !== 200) return;
    const params = new URLSearchParams(call.body);
    for (let i = 1; params.has(`Tags.member.${i}.Name`); i++) {
      if (params.get(`Tags.member.${i}.Name`) !== 'reference') continue;
      const ref = params.get(`Tags.member.${i}.Value`) ?? '';
      ledger.set(ref, (ledger.get(ref) ?? 0) + 1);
    }
  });
  const emulators: Emulators = {
    endpoints: { dynamodb: proxies.dynamodb.endpoint, sqs: proxies.sqs.endpoint, s3: base.endpoints.s3, ses: proxies.ses.endpoint },
    onS3Event: (listener) => base.onS3Event(listener),
    stop: () => base.stop(),
  };
  const provisioned = await provisionLocalResources(emulators.endpoints, {
    suffix: options.suffix,
    visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 1,
  });
  // The SQS client sends to the queue URL's host: point the URLs at the proxy too.
  const viaProxy = (url: string) => url.replace(new URL(url).origin, proxies.sqs.endpoint);
  const resources: LocalResources = {
    ...provisioned,
    queues: Object.fromEntries(
      Object.entries(provisioned.queues).map(([name, q]) => [name, { ...q, url: viaProxy(q.url), dlqUrl: viaProxy(q.dlqUrl) }]),
    ) as LocalResources['queues'],
  };
  const pipeline = await LocalPipeline.start(emulators, resources, options);
  return {
    base,
    ses,
    proxies,
    resources,
    pipeline,
    ledger,
    async stop() {
      await pipeline.stop();
      for (const proxy of Object.values(proxies)) await proxy.close();
      await ses.stop();
      await base.stop();
    },
  };
}
