import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The request header naming the invocation a call was made in (tagInvocation, faulty-stack.ts). */
export const INVOCATION_HEADER = 'x-docket-watch-test-invocation';

/** One request as the proxy sees it: the AWS operation, the raw body, and the invocation that made it. */
export interface ProxiedCall {
  /** `TransactWriteItems`, `SendMessageBatch`, `SendEmail`, ... (JSON X-Amz-Target or query Action). */
  readonly operation: string;
  readonly body: string;
  /** The tag of the invocation that made the call, when the test ran it tagged. */
  readonly invocation?: string;
}

export type Fault =
  /** Answer with this HTTP status and body instead of the service. */
  | { readonly kind: 'respond'; readonly status: number; readonly body: string; readonly contentType: string }
  /** Drop the connection, as a crashed or restarting endpoint does. */
  | { readonly kind: 'reset' }
  /** Never answer: the caller waits until its own deadline (a frozen or timed-out function). */
  | { readonly kind: 'hang' }
  /**
   * SQS SendMessageBatch (JSON protocol): the entries for these FTA ids (the `ftaId` of the
   * message body; entry Ids are batch positions) are not sent, and the answer lists them under Failed (a partial batch failure, as SQS gives one); the other
   * entries go through to the service.
   */
  | { readonly kind: 'failEntries'; readonly ids: readonly string[] };

export interface FaultRule {
  readonly operation: string;
  readonly fault: Fault;
  /** Kept by clear() (a frozen invocation stays frozen while the faults around it are lifted). */
  readonly permanent?: boolean;
  /** Let this many matching calls through before the fault applies. */
  readonly after?: number;
  /** Apply the fault this many times, then let calls through again (default: until cleared). */
  readonly times?: number;
  /** Only calls this accepts count for the rule (e.g. a body naming one FTA). */
  readonly match?: (call: ProxiedCall) => boolean;
}

interface ActiveRule extends FaultRule {
  seen: number;
  injected: number;
}

/** Errors in each AWS protocol's own shape, so the SDK classifies them as AWS would. */
export const FAULTS = {
  sqsInternalError: {
    kind: 'respond',
    status: 500,
    contentType: 'application/x-amz-json-1.0',
    body: JSON.stringify({ __type: 'com.amazonaws.sqs#InternalError', message: 'injected: internal error' }),
  },
  sesThrottling: {
    kind: 'respond',
    status: 400,
    contentType: 'text/xml',
    body: '<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Maximum sending rate exceeded.</Message></Error><RequestId>injected</RequestId></ErrorResponse>',
  },
  sesServiceUnavailable: {
    kind: 'respond',
    status: 503,
    contentType: 'text/xml',
    body: '<ErrorResponse><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code><Message>Service unavailable.</Message></Error><RequestId>injected</RequestId></ErrorResponse>',
  },
  reset: { kind: 'reset' },
  hang: { kind: 'hang' },
} as const satisfies Record<string, Fault>;

/**
 * An HTTP proxy in front of one emulator that injects faults by AWS operation: the
 * functions under test point their SDK endpoint at it and cannot tell it from the service.
 * It counts every call it forwarded and every fault it injected, and tells listeners about
 * each answer the service gave (the SES ledger uses it).
 */
export class FaultProxy {
  private readonly rules: ActiveRule[] = [];
  private readonly stubs = new Map<string, { status: number; contentType: string; body: string }>();
  private readonly held: ServerResponse[] = [];
  private readonly listeners: ((call: ProxiedCall, status: number, body: string) => void)[] = [];
  readonly forwarded = new Map<string, number>();
  readonly injected = new Map<string, number>();
  /** Calls that found the service down (connection refused or dropped). */
  upstreamErrors = 0;
  /** The invocation tags seen on calls (ProxiedCall.invocation). */
  readonly invocations = new Set<string>();
  /** Calls forwarded to the service and not answered yet (a held call is not one). */
  inFlight = 0;
  /** When the last call arrived, event sources' polls aside (ReceiveMessage, GetQueueAttributes). */
  lastCallAt = 0;

  private constructor(
    private readonly server: Server,
    private readonly target: URL,
  ) {}

  static async start(target: string): Promise<FaultProxy> {
    const server = createServer();
    const proxy = new FaultProxy(server, new URL(target));
    server.on('request', (req, res) => void proxy.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Adds a fault; returns a handle that tells how often it was applied. */
  inject(rule: FaultRule): { readonly injected: () => number } {
    const active: ActiveRule = { ...rule, seen: 0, injected: 0 };
    this.rules.push(active);
    return { injected: () => active.injected };
  }

  /**
   * Answers an operation the emulator does not implement, as the service would (not a
   * fault: never counted as injected, never cleared).
   */
  stub(operation: string, answer: { status: number; contentType: string; body: string }): void {
    this.stubs.set(operation, answer);
  }

  /** Removes every fault but the permanent ones (calls already held by a `hang` stay held). */
  clear(): void {
    const kept = this.rules.filter((r) => r.permanent === true);
    this.rules.length = 0;
    this.rules.push(...kept);
  }

  onAnswer(listener: (call: ProxiedCall, status: number, body: string) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const res of this.held) res.socket?.destroy();
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const tag = req.headers[INVOCATION_HEADER];
    const call: ProxiedCall = { operation: operationOf(req, body), body: body.toString('utf8'), ...(typeof tag === 'string' ? { invocation: tag } : {}) };
    if (!POLLS.has(call.operation)) this.lastCallAt = Date.now();
    if (call.invocation !== undefined) this.invocations.add(call.invocation);
    const stub = this.stubs.get(call.operation);
    if (stub !== undefined) {
      res.writeHead(stub.status, { 'content-type': stub.contentType }).end(stub.body);
      return;
    }
    const fault = this.faultFor(call);
    if (fault?.kind === 'failEntries') {
      this.injected.set(call.operation, (this.injected.get(call.operation) ?? 0) + 1);
      const input = JSON.parse(call.body) as { Entries: { Id: string; MessageBody?: string }[] };
      const ftaIdOf = (e: { MessageBody?: string }): unknown => {
        try {
          return (JSON.parse(e.MessageBody ?? '{}') as { ftaId?: unknown }).ftaId;
        } catch {
          return undefined;
        }
      };
      const hit = (e: { MessageBody?: string }): boolean => fault.ids.includes(String(ftaIdOf(e)));
      const failed = input.Entries.filter(hit).map((e) => ({ Id: e.Id, SenderFault: false, Code: 'InternalError', Message: 'injected: entry failed' }));
      const kept = input.Entries.filter((e) => !hit(e));
      const withFailed = (answer: string): string => {
        const out = JSON.parse(answer) as { Successful?: unknown[]; Failed?: unknown[] };
        return JSON.stringify({ ...out, Successful: out.Successful ?? [], Failed: [...(out.Failed ?? []), ...failed] });
      };
      if (kept.length === 0) {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end(withFailed('{}'));
        return;
      }
      this.forward(req, res, call, Buffer.from(JSON.stringify({ ...input, Entries: kept })), withFailed);
      return;
    }
    if (fault !== undefined) {
      this.injected.set(call.operation, (this.injected.get(call.operation) ?? 0) + 1);
      if (fault.kind === 'reset') req.socket.destroy();
      else if (fault.kind === 'hang') this.held.push(res);
      else res.writeHead(fault.status, { 'content-type': fault.contentType }).end(fault.body);
      return;
    }
    this.forward(req, res, call, body);
  }

  /** Sends the call on to the service (its body rewritten, or its answer), and the answer back. */
  private forward(req: IncomingMessage, res: ServerResponse, call: ProxiedCall, body: Buffer, rewriteAnswer?: (answer: string) => string): void {
    this.forwarded.set(call.operation, (this.forwarded.get(call.operation) ?? 0) + 1);
    const counted = !POLLS.has(call.operation);
    if (counted) this.inFlight += 1;
    let answered = false;
    const done = () => {
      if (!answered && counted) this.inFlight -= 1;
      answered = true;
    };
    const upstream = request(
      { host: this.target.hostname, port: this.target.port, method: req.method, path: req.url, headers: { ...req.headers, 'content-length': String(body.length) } },
      async (answer) => {
        const parts: Buffer[] = [];
        for await (const part of answer) parts.push(part as Buffer);
        let answerBody = Buffer.concat(parts);
        const headers = { ...answer.headers };
        if (rewriteAnswer !== undefined && answer.statusCode === 200) {
          answerBody = Buffer.from(rewriteAnswer(answerBody.toString('utf8')));
          headers['content-length'] = String(answerBody.length);
          delete headers['x-amz-crc32'];
          delete headers['transfer-encoding'];
        }
        for (const listener of this.listeners) listener(call, answer.statusCode ?? 0, answerBody.toString('utf8'));
        res.writeHead(answer.statusCode ?? 502, headers).end(answerBody);
        done();
      },
    );
    // The service is down (restarting): the caller sees its connection drop.
    upstream.on('error', () => {
      done();
      this.upstreamErrors += 1;
      req.socket.destroy();
    });
    upstream.end(body);
  }

  private faultFor(call: ProxiedCall): Fault | undefined {
    for (const rule of this.rules) {
      if (rule.operation !== call.operation && rule.operation !== '*') continue;
      if (rule.match !== undefined && !rule.match(call)) continue;
      rule.seen += 1;
      if (rule.seen <= (rule.after ?? 0)) continue;
      if (rule.injected >= (rule.times ?? Infinity)) continue;
      rule.injected += 1;
      return rule.fault;
    }
    return undefined;
  }
}

/** What the local event sources call all the time, whatever the functions do. */
export const POLLS = new Set(['ReceiveMessage', 'GetQueueAttributes']);

function operationOf(req: IncomingMessage, body: Buffer): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.slice(target.lastIndexOf('.') + 1);
  const action = new URLSearchParams(body.toString('utf8')).get('Action');
  if (action) return action;
  return `${req.method ?? 'GET'} ${req.url ?? '/'}`;
}
