/**
 * The failures Docket Watch expects and names, each with a stable `code` (the closed set
 * below): callers, logs and tests tell failures apart by code, never by message wording,
 * which may change. A new expected failure gets a code here and a DocketWatchError (or a
 * subclass when callers need its own fields), not a bare Error.
 */
export const ERROR_CODES = [
  /** A function's environment is missing or malformed (shared/runtime/config.ts). */
  'CONFIG_INVALID',
  /** A CDK context value (alarm email, schedule expression) is malformed. */
  'CDK_CONTEXT_INVALID',
  /** A cdk-nag suppression names a construct path the stack does not have. */
  'NAG_SUPPRESSION_TARGET_MISSING',
  /** A command-line argument of the local stack (`npm start`, `npm run upload`) is malformed or names no usable file. */
  'CLI_ARGUMENT_INVALID',
  /** The local stack needs java for DynamoDB Local. */
  'JAVA_MISSING',
  /** An emulator of the local stack exited or did not start in time. */
  'EMULATOR_START_FAILED',
  /** A zip entry inflated to a size other than its central directory says: the zip is damaged. */
  'ZIP_ENTRY_SIZE_MISMATCH',
  /** An FTA a message names is not in the case store. */
  'FTA_NOT_FOUND',
  /** Some stored FTAs were not accepted by every fan-out queue; their outbox entries stay. */
  'FTA_PUBLISH_FAILED',
  /** The notice ledger lost the record of a notice it had just withheld. */
  'NOTICE_LEDGER_RECORD_MISSING',
  /** The mail provider certainly did not send the notice. */
  'NOTICE_NOT_SENT',
  /** SES refused the notice, finally or after every retry. */
  'NOTICE_SEND_FAILED',
  /** A notice may or may not have been sent; it is not resent before its grace period ends. */
  'NOTICE_SEND_UNCONFIRMED',
  /** A guard item of a DynamoDB transaction (a lease) no longer held. */
  'TRANSACTION_GUARD_FAILED',
  /** A transaction built wrong: an empty item, one item twice with different writes, more than TransactWriteItems takes. */
  'TRANSACTION_INVALID',
  /** BatchWriteItem or BatchGetItem left requests unprocessed after every retry. */
  'BATCH_UNPROCESSED',
  /** Items kept changing under a conditional write after every retry (roster UCs). */
  'CONCURRENT_UPDATES_EXHAUSTED',
  /** A queue refused messages after every retry (chunk queue, case-identified queue). */
  'QUEUE_SEND_FAILED',
  /** No PII key is installed, or its secret does not hold a string. */
  'PII_KEY_UNAVAILABLE',
  /** A drop object listed a moment ago is gone. */
  'DROP_OBJECT_NOT_FOUND',
  /** A drop's as-of was neither stored nor found after a conditional write lost. */
  'DROP_AS_OF_MISSING',
  /** A zip drop needs unpacking and this function was not given the staging to unpack it. */
  'DROP_UNPACK_UNAVAILABLE',
  /** A chunk message names an ingest run the drop ledger does not have. */
  'DROP_RUN_NOT_FOUND',
  /** A planned chunk's table header no longer maps (the file changed after planning). */
  'TABLE_HEADER_UNUSABLE',
  /** An unpacked zip drop's manifest is not JSON or not the manifest's shape. */
  'UNPACKED_MANIFEST_INVALID',
  /** A zip entry named by the central directory was not found by the reader. */
  'ZIP_ENTRY_NOT_FOUND',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** An expected failure, with its stable code. `cause` keeps the underlying error. */
export class DocketWatchError<C extends ErrorCode = ErrorCode> extends Error {
  constructor(
    readonly code: C,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

