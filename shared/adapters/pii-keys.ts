import { createHmac } from 'node:crypto';

/*
 * DynamoDB key attributes are not secret: CloudTrail data events, exports, metrics on hot
 * keys and error messages all show them. A key that must find a person's items (by
 * A-number, by a recipient's address) is a keyed HMAC of the value, never the value: the
 * HMAC key lives in the function's configuration (PII_KEY_SECRET, from Secrets Manager when
 * deployed), not in the table, so a key attribute alone tells nothing and cannot be
 * reversed by hashing every 9-digit A-number.
 *
 * The key is installed once per cold start by loadConfig from PII_KEY_SECRET (the local
 * stack sets one). Without one (unit tests, scripts that build adapters by hand), a fixed
 * development key is used. Not done yet: the CDK app does not yet hand the deployed
 * functions a secret (a Secrets Manager secret read at cold start), so a deployment today
 * would key with the development key; see the README's "PII in keys".
 */
const DEVELOPMENT_KEY = Buffer.from('docket-watch local development pii key (not secret)', 'utf8');

let installed: Buffer | null = null;

/** Installs the HMAC key (at least 32 bytes of secret); called by loadConfig. */
export function usePiiKey(secret: string): void {
  installed = Buffer.from(secret, 'utf8');
}

/**
 * 160 bits of the HMAC as 40 letters a-p (hex with letters for digits): no run of digits
 * in a key can look like an A-number to a PII scanner or a person reading a trail.
 */
function mac(domain: string, value: string): string {
  // The domain keeps an A-number and an address with the same text apart.
  const hex = createHmac('sha256', installed ?? DEVELOPMENT_KEY).update(`${domain}\0${value}`).digest('hex').slice(0, 40);
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
