import { AsyncLocalStorage } from 'node:async_hooks';
import { createServer, type Server } from 'node:net';
import sesLocal from 'aws-ses-v2-local';
import type { Emulators } from '../../infra/local/emulators';
import { LocalPipeline, type LocalPipelineOptions } from '../../infra/local/pipeline';
import { provisionLocalResources, type LocalResources } from '../../infra/local/provision';
import { onAwsClientCreated } from '../../shared/runtime/aws-clients';
import { FaultProxy, INVOCATION_HEADER, type ProxiedCall } from './fault-proxy';
import { connectEmulators } from './local-stack';

/**
 * The notice a SendRawEmail call carries, from its raw MIME: the notice type and FTA id in
 * the Message-ID the notifier mints, checked against the X-Docket-Watch-Reference header.
 */
export function sesNoticeOf(call: ProxiedCall): { type: string; reference: string } | undefined {
  if (call.operation !== 'SendRawEmail') return undefined;
  const data = new URLSearchParams(call.body).get('RawMessage.Data');
  if (data === null) return undefined;
  const mime = Buffer.from(data, 'base64').toString('utf8');
  const head = mime.slice(0, mime.search(/\r?\n\r?\n/)).replace(/\r?\n[ \t]+/g, ' ');
  const header = (name: string) => new RegExp(`^${name}:\\s*(.+)$`, 'im').exec(head)?.[1]?.trim();
  const id = /^<(FTA|CORRECTION)\.(.+)\.\d+@/.exec(header('Message-ID') ?? '');
  const reference = header('X-Docket-Watch-Reference');
  if (id === null || reference === undefined) return undefined;
  if (id[2] !== reference) throw new Error(`Message-ID names ${id[2]}, X-Docket-Watch-Reference ${reference}`);
  return { type: id[1] as string, reference };
}

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

  /**
   * As a crashed and restarted process: every connection drops at once (a graceful close
   * would keep serving a busy keep-alive connection, so steady traffic might never see
   * the outage), the port stays closed for `downMs`, then a fresh emulator listens.
   */
  async restart(downMs: number): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    (this.server as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
    await closed;
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
  /**
   * FTA notices SES accepted, per FTA id, read from the raw MIME of each SendRawEmail SES
   * answered 200 (Message-ID `<FTA.<ftaId>.<ms>@...>` and X-Docket-Watch-Reference): the
   * email ledger. Corrections (`<CORRECTION.<ftaId>...>`) are counted apart.
   */
  readonly ledger: ReadonlyMap<string, number>;
  readonly corrections: ReadonlyMap<string, number>;
  /**
   * Runs `invoke` (one function invocation) with every AWS call it makes tagged `tag`, so a
   * proxy rule can tell its calls from every other invocation's (`ProxiedCall.invocation`):
   * a frozen invocation's calls can be held for good while another runs.
   */
  tagInvocation<T>(tag: string, invoke: () => Promise<T>): Promise<T>;
  stop(): Promise<void>;
}

const invocationTag = new AsyncLocalStorage<string>();

/** A build-step middleware on each SDK client the functions create: the running invocation's tag as a header. */
function tagCallsOfInvocations(): () => void {
  return onAwsClientCreated((client) => {
    const stack = client.middlewareStack as unknown as {
      add: (mw: (next: (args: unknown) => Promise<unknown>) => (args: unknown) => Promise<unknown>, options: Record<string, unknown>) => void;
    };
    stack.add(
      (next) => async (args) => {
        const tag = invocationTag.getStore();
        const request = (args as { request?: { headers?: Record<string, string> } }).request;
        if (tag !== undefined && request?.headers !== undefined) request.headers[INVOCATION_HEADER] = tag;
        return next(args);
      },
      { step: 'build', name: 'faultyStackInvocationTag', priority: 'low' },
    );
  });
}

/**
 * The local pipeline with a fault proxy in front of DynamoDB, SQS (queue URLs included)
 * and a restartable SES: every call of every function passes through a proxy, which
 * forwards it or injects the fault a test asked for. A feature that adds a service (or a
 * second SES call) adds its proxy or its ledger rule here.
 */
export async function startFaultyStack(options: { suffix: string; visibilityTimeoutSeconds?: number } & LocalPipelineOptions): Promise<FaultyStack> {
  // Before any function creates its clients (the pipeline's, and handlers imported later).
  const untag = tagCallsOfInvocations();
  const base = await connectEmulators();
  const ses = await RestartableSes.start();
  const proxies = {
    dynamodb: await FaultProxy.start(base.endpoints.dynamodb),
    sqs: await FaultProxy.start(base.endpoints.sqs),
    ses: await FaultProxy.start(ses.endpoint),
  };
  // aws-ses-v2-local never answers GetSendQuota (the mailer would pace at 1 message a
  // second after a 3 s wait): answer as SES does for an account out of the sandbox.
  proxies.ses.stub('GetSendQuota', {
    status: 200,
    contentType: 'text/xml',
    body: '<GetSendQuotaResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><GetSendQuotaResult><Max24HourSend>200000.0</Max24HourSend><MaxSendRate>50.0</MaxSendRate><SentLast24Hours>0.0</SentLast24Hours></GetSendQuotaResult><ResponseMetadata><RequestId>stub</RequestId></ResponseMetadata></GetSendQuotaResponse>',
  });
  const ledger = new Map<string, number>();
  const corrections = new Map<string, number>();
  proxies.ses.onAnswer((call, status) => {
    if (status !== 200) return;
    const notice = sesNoticeOf(call);
    if (notice === undefined) return;
    const into = notice.type === 'FTA' ? ledger : corrections;
    into.set(notice.reference, (into.get(notice.reference) ?? 0) + 1);
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
    corrections,
    tagInvocation: (tag, invoke) => invocationTag.run(tag, invoke),
    async stop() {
      untag();
      await pipeline.stop();
      for (const proxy of Object.values(proxies)) await proxy.close();
      await ses.stop();
      await base.stop();
    },
  };
}
