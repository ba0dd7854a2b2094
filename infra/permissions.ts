import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';

/**
 * The DynamoDB actions each function may take on each table: exactly the calls its
 * adapters make, read and write split (tests/infra/least-privilege.test.ts asserts the
 * synthesized policies against these lists). A feature that adds a call adds its action here.
 */
export const TABLE_ACCESS = {
  ingestDocket: {
    cases: {
      // findUcCases (BatchGetItem), unpublishedFtas (Query on the outbox index).
      read: ['dynamodb:BatchGetItem', 'dynamodb:Query'],
      // markUcCases (BatchWriteItem), recordFtas (TransactWriteItems: Put + Update),
      // markFtasPublished and the drop aggregates (UpdateItem), saveDropReport (PutItem).
      write: ['dynamodb:BatchWriteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
    },
  },
  notifyOrr: {
    // getFta, consistent read.
    cases: { read: ['dynamodb:GetItem'], write: [] },
    // Powertools idempotency: get, put (conditional), update on completion, delete on failure.
    idempotency: {
      read: ['dynamodb:GetItem'],
      write: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
    },
  },
  scheduleNta: {
    // openReverificationTask: TransactWriteItems of a conditional Put and an aggregate Update.
    cases: { read: [], write: ['dynamodb:PutItem', 'dynamodb:UpdateItem'] },
  },
  computeMetrics: {
    // readProgramState: Query of the aggregates, GetItem of the last drop.
    cases: { read: ['dynamodb:GetItem', 'dynamodb:Query'], write: [] },
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
