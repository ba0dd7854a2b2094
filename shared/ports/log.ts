/**
 * Structured logging as the use cases see it (Powertools Logger fits it). Attributes are
 * ids we mint, S3 keys, counts and reason codes: never names, A-numbers, addresses or
 * birth dates.
 */
export interface Log {
  info(message: string, attributes: Record<string, unknown>): void;
  warn(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}
