import { createHash } from 'node:crypto';

/**
 * The one way to key a DynamoDB item by A-number: a one-way digest, so no key attribute
 * (nor any log line or metric that names a key) carries the A-number itself. Callers
 * must never build such a key by hand.
 */
export function aNumberKey(aNumber: string): string {
  return `AN#${createHash('sha256').update(aNumber).digest('hex')}`;
}
