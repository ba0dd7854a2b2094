import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { ENV } from '../shared/runtime/resources';

/**
 * The DynamoDB actions each function may take on each table: exactly the calls its
 * adapters make, read and write split (tests/infra/least-privilege.test.ts asserts the
 * synthesized policies against these lists). A feature that adds a call adds its action here.
 */
export const TABLE_ACCESS = {
  ingestDocket: {
    cases: {
      // findUcCases, open FTAs of cases (BatchGetItem, GetItem); the outboxes and case items
      // (Query); a full drop's omitted-case sweep (Scan, once per full drop); the drop
      // ledger's run and chunk items (GetItem, Query).
      read: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'],
      // UC marks, sightings, addresses, hearings (BatchWriteItem, UpdateItem); FTAs and
      // rescissions (TransactWriteItems: Put + Update); drop reports and aggregates; the
      // drop ledger (run: PutItem; chunk result + stage counter: TransactWriteItems); the
      // run's claim on the drop (PutItem; DeleteItem at its finish) and the cases a roster
      // left to it (Query; cleared with BatchWriteItem).
      write: ['dynamodb:BatchWriteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
    },
  },
  ingestDropChunk: {
    // The same calls as the ingest: a chunk runs the same use case on one byte range, and
    // the chunk completing the last stage runs the finish step (Scan: omitted-case sweep;
    // DeleteItem: the run's claim on the drop released).
    cases: {
      read: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'],
      write: ['dynamodb:BatchWriteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
    },
  },
  notifyOrr: {
    // The case read once (Query: its FTAs, notice records and details; the roster UC's
    // partition), the notice ledger (Get after a withhold or an intent write whose answer
    // was lost, Put, Update with the notice aggregates; Delete: an intent SES certainly
    // refused is released so the next delivery sends at once), and the notifiers' shared
    // send slots (Update, conditional; Get when a take lost a race).
    cases: { read: ['dynamodb:GetItem', 'dynamodb:Query'], write: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'] },
    // Powertools idempotency: get, put (conditional), update on completion, delete on failure.
    idempotency: {
      read: ['dynamodb:GetItem'],
      write: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
    },
  },
  sendOrrDigest: {
    // The day's FTAs (Scan: a daily job), case details (Query, GetItem), the digest's ledger
    // entry (Delete: an intent SES certainly refused is released).
    cases: {
      read: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'],
      write: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
    },
  },
  sendHearingReminders: {
    // The days' upcoming hearings (Query of the hearingsByDay index), UC marks and stored
    // hearings (BatchGetItem), case details, OPEN FTAs, notices and reminded hearings (Query,
    // GetItem); the notice ledger (Put, Update; Delete: an intent SES certainly refused is
    // released) and the reminded-hearing notes (PutItem).
    cases: {
      read: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'],
      write: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
    },
  },
  recordSesEvents: {
    // Events recorded against the notice ledger item: one conditional UpdateItem each.
    cases: { read: [], write: ['dynamodb:UpdateItem'] },
  },
  scheduleNta: {
    // Tasks (TransactWriteItems: Put, Update, Delete of the open-task index entry; Query),
    // the roster UC of an FTA and its backlog re-plan (roster store: transactions with the
    // backlog and plan aggregates, the AOR's re-plan lease checked in each: ConditionCheckItem).
    cases: {
      read: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'],
      write: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
    },
  },
  ingestRoster: {
    // Roster UCs, links, addresses, backlog entries (a backlog entry is deleted when the UC
    // leaves the backlog; the UC itself never is), with their aggregates in transactions;
    // the re-plan lease (Put, Delete; ConditionCheckItem in each plan transaction).
    cases: {
      // GetItem: recording the FTAs of the cases a roster makes UC cases, under the roster's
      // step id, reads back which step recorded an FTA already stored (new or repeated).
      read: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'],
      // BatchWriteItem: the cases left to the finish of a drop being read (hand-offs).
      write: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
    },
  },
  planNta: {
    // The daily re-plan (under the AOR's lease: ConditionCheckItem), overdue tasks and roster
    // matching (Scan of marks, roster and hearings: daily; unmatched counts in transactions).
    cases: {
      read: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:ConditionCheckItem'],
      write: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
    },
  },
  recordWorkListReturns: {
    // The roster UC of a row (BatchGetItem), its case link (Query, GetItem); NTA served: the
    // UC leaves the backlog (TransactWriteItems: Update, Delete, aggregates) and its AOR is
    // re-planned under the lease (Put, Delete; ConditionCheckItem); verified addresses
    // (PutItem, Query) and closed re-verification tasks (TransactWriteItems: Update, Delete).
    cases: {
      read: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'],
      write: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
    },
  },
  computeMetrics: {
    // readProgramState: Query of the aggregates, GetItem of the last drop.
    cases: { read: ['dynamodb:GetItem', 'dynamodb:Query'], write: [] },
  },
  reconcileOpla: {
    // Every FTA (Scan: once per drop or export) and the A-numbers of their cases
    // (BatchGetItem); the OPLA exports (Query) and the last drop (GetItem); the notice
    // ledger (Get, Put, Update; Delete: an intent SES certainly refused is released); the
    // export record (UpdateItem).
    cases: {
      read: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'],
      write: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
    },
  },
  sweepOutbox: {
    // The outboxes (Query of the sparse outbox index), cleared entry by entry (UpdateItem).
    // Claims of drop runs that died (Query; UpdateItem to take one over, DeleteItem) and the
    // cases left to them, settled as a roster settles them: UC marks and signals
    // (BatchGetItem, Query), FTAs recorded and rescinded (TransactWriteItems: Put, Update; no
    // step id, so no read-back), settled markers (UpdateItem), hand-offs cleared (BatchWriteItem).
    cases: {
      read: ['dynamodb:Query', 'dynamodb:BatchGetItem'],
      write: ['dynamodb:UpdateItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
    },
  },
} as const satisfies Record<string, Record<string, { read: readonly string[]; write: readonly string[] }>>;

/**
 * Grants `grantee` exactly these actions on the table and its indexes, and the use of the
 * table's KMS key that they imply: decrypt to read, encrypt too when writing.
 */
export function grantTableAccess(
  table: ITable,
  grantee: IGrantable,
  access: { readonly read: readonly string[]; readonly write: readonly string[] },
): void {
  const actions = [...access.read, ...access.write];
  if (actions.length === 0) return;
  table.grant(grantee, ...actions);
  if (access.write.length > 0) table.encryptionKey?.grantEncryptDecrypt(grantee);
  else table.encryptionKey?.grantDecrypt(grantee);
}

/**
 * Lets `grantee` read the objects under `prefixes` and, when it lists (`list`), list only
 * those prefixes (an s3:prefix condition: Bucket.grantRead would let it list the whole
 * bucket), with the bucket key's Decrypt for SSE-KMS objects.
 */
export function grantReadPrefixes(bucket: IBucket, grantee: IGrantable, prefixes: readonly string[], options: { list: boolean }): void {
  Grant.addToPrincipal({ grantee, actions: ['s3:GetObject'], resourceArns: prefixes.map((p) => bucket.arnForObjects(`${p}*`)) });
  if (options.list) Grant.addToPrincipal({
    grantee,
    actions: ['s3:ListBucket'],
    resourceArns: [bucket.bucketArn],
    conditions: { StringLike: { 's3:prefix': prefixes.map((p) => `${p}*`) } },
  });
  bucket.encryptionKey?.grantDecrypt(grantee);
}

/**
 * Hands a function that builds PII-derived item keys the secret holding their HMAC key:
 * its ARN in PII_KEY_SECRET_ARN (read once per cold start, shared/runtime/pii-key.ts),
 * secretsmanager:GetSecretValue on that one secret (not Secret.grantRead, which adds
 * DescribeSecret), and Decrypt on the secret's KMS key, which Secrets Manager uses on the
 * caller's behalf.
 */
export function grantPiiKeySecret(fn: LambdaFunction, secret: ISecret): void {
  fn.addEnvironment(ENV.piiKeySecretArn, secret.secretArn);
  Grant.addToPrincipal({ grantee: fn, actions: ['secretsmanager:GetSecretValue'], resourceArns: [secret.secretArn] });
  secret.encryptionKey?.grantDecrypt(fn);
}
