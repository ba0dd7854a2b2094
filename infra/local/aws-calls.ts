import { AsyncLocalStorage } from 'node:async_hooks';
import type { BuildMiddleware, MiddlewareStack } from '@smithy/types';
import type { FunctionName } from '../../shared/runtime/config';
import { onAwsClientCreated, type AnyAwsClient } from '../../shared/runtime/aws-clients';

/*
 * The local stack's view of every AWS call a function makes: an SDK middleware on each
 * client the functions create (createAwsClients), told which function runs by the local
 * pipeline (AsyncLocalStorage around each invocation). It records the IAM action, the
 * resource and the condition keys IAM would evaluate (tests/infra/least-privilege.test.ts
 * checks them against each function's synthesized policy), and keeps the exact raw MIME
 * of every email SES accepted (out/emails/ holds what was sent, not the emulator's copy).
 */

/** One AWS call as IAM sees it: the physical resource names, resolved to logical ones later. */
export interface AwsCall {
  readonly fn: FunctionName;
  /** IAM action, `dynamodb:GetItem`. */
  readonly action: string;
  /** `table:<name>`, `bucket:<name>`, `object:<bucket>/<key>`, `queue:<url>` (GetQueueUrl: `queue:<name>`), `ses-identity:<address>`. */
  readonly resource: string;
  /** IAM condition keys with their values for this call (s3:prefix, ses:FromAddress, ses:Recipients). */
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
}

/** An email as SES accepted it: our SendRawEmail bytes, and the id SES answered. */
export interface SentEmail {
  readonly fn: FunctionName;
  readonly messageId: string;
  readonly raw: Buffer;
}

export interface CallSink {
  readonly calls: AwsCall[];
  readonly emails: SentEmail[];
}

// One recorder per process, kept on globalThis (as the client hooks are): test files that
// share a worker import this module afresh, and a second recorder would add its middleware
// to each client under the same name again (the SDK refuses a duplicate).
const RECORDER = Symbol.for('docket-watch.aws-call-recorder');
const recorder = ((globalThis as Record<symbol, unknown>)[RECORDER] ??= {
  running: new AsyncLocalStorage<{ fn: FunctionName; sink: CallSink }>(),
  installed: false,
}) as { readonly running: AsyncLocalStorage<{ fn: FunctionName; sink: CallSink }>; installed: boolean };
const running = recorder.running;

/** Runs one function invocation with its calls recorded into `sink`. */
export function runAsFunction<T>(fn: FunctionName, sink: CallSink, invoke: () => Promise<T>): Promise<T> {
  installRecorder();
  return running.run({ fn, sink }, invoke);
}

/** The function whose invocation is running in this async context (a call's maker), if any. */
export function runningFunction(): FunctionName | undefined {
  return running.getStore()?.fn;
}

interface HttpRequestLike {
  method: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: unknown;
}

const S3_ACTIONS: Record<string, string> = {
  GetObjectCommand: 's3:GetObject',
  HeadObjectCommand: 's3:GetObject',
  PutObjectCommand: 's3:PutObject',
  CreateMultipartUploadCommand: 's3:PutObject',
  UploadPartCommand: 's3:PutObject',
  CompleteMultipartUploadCommand: 's3:PutObject',
  AbortMultipartUploadCommand: 's3:AbortMultipartUpload',
  DeleteObjectCommand: 's3:DeleteObject',
  ListObjectsV2Command: 's3:ListBucket',
  ListObjectsCommand: 's3:ListBucket',
};

/** DynamoDB: one IAM action per table a request touches (a transaction checks each item's own action). */
function dynamoCalls(target: string, body: Record<string, unknown>): { action: string; table: string }[] {
  const op = target.slice(target.lastIndexOf('.') + 1);
  if (op === 'TransactWriteItems' || op === 'TransactGetItems') {
    const kinds: Record<string, string> = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem', Get: 'GetItem' };
    return ((body.TransactItems as Record<string, { TableName: string }>[] | undefined) ?? []).flatMap((item) =>
      Object.entries(item).map(([kind, v]) => ({ action: `dynamodb:${kinds[kind] ?? kind}`, table: v.TableName })),
    );
  }
  if (op === 'BatchGetItem' || op === 'BatchWriteItem') {
    return Object.keys((body.RequestItems as Record<string, unknown> | undefined) ?? {}).map((table) => ({ action: `dynamodb:${op}`, table }));
  }
  // A query of an index is checked against the index's ARN.
  const index = typeof body.IndexName === 'string' ? `/index/${body.IndexName}` : '';
  return [{ action: `dynamodb:${op}`, table: `${String(body.TableName ?? '')}${index}` }];
}

function bodyText(body: unknown): string {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString('utf8');
  return '';
}

function record(client: AnyAwsClient): void {
  const service = String((client.config as { serviceId?: string }).serviceId ?? '').toLowerCase();
  const stack = client.middlewareStack as unknown as MiddlewareStack<object, object>;
  const middleware: BuildMiddleware<object, object> = (next, context) => async (args) => {
      const current = running.getStore();
      if (current === undefined) return next(args);
      const request = args.request as HttpRequestLike;
      const calls: Omit<AwsCall, 'fn'>[] = [];
      let rawEmail: Buffer | undefined;
      if (service === 'dynamodb') {
        const body = JSON.parse(bodyText(request.body) || '{}') as Record<string, unknown>;
        for (const c of dynamoCalls(request.headers['x-amz-target'] ?? '', body)) calls.push({ action: c.action, resource: `table:${c.table}` });
      } else if (service === 'sqs') {
        const target = request.headers['x-amz-target'] ?? '';
        const body = JSON.parse(bodyText(request.body) || '{}') as { QueueUrl?: string; QueueName?: string };
        // GetQueueUrl names the queue, every other action its URL.
        calls.push({ action: `sqs:${target.slice(target.lastIndexOf('.') + 1).replace(/Batch$/, '')}`, resource: `queue:${body.QueueUrl ?? body.QueueName ?? ''}` });
      } else if (service === 'ses') {
        const form = new URLSearchParams(bodyText(request.body));
        const action = `ses:${form.get('Action') ?? 'Unknown'}`;
        if (action === 'ses:SendRawEmail') {
          rawEmail = Buffer.from(form.get('RawMessage.Data') ?? '', 'base64');
          const head = rawEmail.toString('utf8').split(/\r?\n\r?\n/)[0]?.replace(/\r?\n[ \t]+/g, ' ') ?? '';
          const header = (name: string) => new RegExp(`^${name}:\\s*(.+)$`, 'im').exec(head)?.[1] ?? '';
          const addresses = (v: string) => [...v.matchAll(/[^\s<>,"]+@[^\s<>,"]+/g)].map((m) => m[0].toLowerCase());
          const from = addresses(header('From'))[0] ?? '';
          const recipients = [...addresses(header('To')), ...addresses(header('Cc')), ...addresses(header('Bcc'))];
          calls.push({ action, resource: `ses-identity:${from}`, context: { 'ses:FromAddress': from, 'ses:Recipients': recipients } });
        } else calls.push({ action, resource: '*' });
      } else if (service === 's3') {
        const action = S3_ACTIONS[context.commandName ?? ''] ?? `s3:${String(context.commandName).replace(/Command$/, '')}`;
        const [bucket = '', ...key] = request.path.replace(/^\//, '').split('/');
        if (action === 's3:ListBucket') {
          const prefix = request.query?.prefix;
          calls.push({ action, resource: `bucket:${bucket}`, context: { 's3:prefix': typeof prefix === 'string' ? decodeURIComponent(prefix) : '' } });
        } else calls.push({ action, resource: `object:${bucket}/${decodeURIComponent(key.join('/'))}` });
      }
      current.sink.calls.push(...calls.map((c) => ({ fn: current.fn, ...c })));
      const out = await next(args);
      const messageId = (out.output as { MessageId?: string }).MessageId;
      if (rawEmail !== undefined && typeof messageId === 'string') current.sink.emails.push({ fn: current.fn, messageId, raw: rawEmail });
      return out;
  };
  // After serialization (the HTTP request is built), once per call (not per retry).
  stack.add(middleware, { step: 'build', name: 'docketWatchRecordAwsCall', priority: 'low' });
}

/** Installs the recorder on every client the functions create (once per process). */
export function installRecorder(): void {
  if (recorder.installed) return;
  recorder.installed = true;
  onAwsClientCreated((client) => record(client));
}
