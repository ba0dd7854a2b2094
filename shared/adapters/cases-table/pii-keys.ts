import { createHmac } from 'node:crypto';
import { DocketWatchError } from '../../domain/errors';

/*
 * DynamoDB key attributes are not secret: CloudTrail data events, exports, metrics on hot
 * keys and error messages all show them. A key that must find a person's items (by
 * A-number, by a recipient's address) is a keyed HMAC of the value, never the value: the
 * HMAC key is a secret outside the table, so a key attribute alone tells nothing and cannot
 * be reversed by hashing every 9-digit A-number.
 *
 * Where the key comes from (shared/runtime/config.ts decides, once per cold start):
 * - deployed: the Secrets Manager secret named by PII_KEY_SECRET_ARN (CDK generates it in
 *   the data stack), read once by installPiiKey before the handler's first key is built;
 *   until then, and in a deployed function given no secret, building a key throws;
 * - the local stack: its own PII_KEY_SECRET;
 * - unit tests and scripts that build adapters by hand: the fixed development key below,
 *   never deployed (loadConfig refuses it wherever AWS_LAMBDA_FUNCTION_NAME is set).
 * Changing the key orphans every keyed item: docs/operations.md, "Re-keying the PII key".
 */
const DEVELOPMENT_KEY = Buffer.from('docket-watch local development pii key (not secret)', 'utf8');

/** The key the HMACs use: the development key, a secret, or none yet (a key built then throws). */
type KeyState = { readonly use: 'development' } | { readonly use: 'secret'; readonly key: Buffer } | { readonly use: 'none'; readonly why: string };

let state: KeyState = { use: 'development' };

/** Installs the HMAC key (at least 32 bytes of secret); called by loadConfig and installPiiKey. */
export function usePiiKey(secret: string): void {
  state = { use: 'secret', key: Buffer.from(secret, 'utf8') };
}

/**
 * Refuses the development key: until usePiiKey, building a key throws an Error saying
 * `why`. Called by loadConfig for a deployed function, so nothing is ever keyed with a key
 * that is in the source.
 */
export function refuseDevelopmentPiiKey(why: string): void {
  state = { use: 'none', why };
}

function hmacKey(): Buffer {
  if (state.use === 'none') throw new DocketWatchError('PII_KEY_UNAVAILABLE', `No PII key installed: ${state.why}`);
  return state.use === 'secret' ? state.key : DEVELOPMENT_KEY;
}

/**
 * 160 bits of the HMAC as 40 letters a-p (hex with letters for digits): no run of digits
 * in a key can look like an A-number to a PII scanner or a person reading a trail.
 */
function mac(domain: string, value: string): string {
  // The domain keeps an A-number and an address with the same text apart.
  const hex = createHmac('sha256', hmacKey()).update(`${domain}\0${value}`).digest('hex').slice(0, 40);
  return hex.replace(/[0-9a-f]/g, (c) => String.fromCharCode(97 + parseInt(c, 16)));
}

/** The key of everything stored about one A-number: `AN#<hmac>`. Pass the normalized 9-digit A-number. */
export function aNumberKey(aNumber: string): string {
  return `AN#${mac('a-number', aNumber)}`;
}

/** An address's stable id in a sort key: `AD#<hmac>` of its parts (street, city, state, zip, date). */
export function addressKey(parts: readonly (string | null)[]): string {
  return `AD#${mac('address', parts.map((p) => p ?? '').join('|'))}`;
}

/** A digest recipient's id in a notice key (a person's work address is personal data too). */
export function recipientKey(address: string): string {
  return `RC${mac('recipient', address.trim().toLowerCase()).slice(0, 24)}`;
}
