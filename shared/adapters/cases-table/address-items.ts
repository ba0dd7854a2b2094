import type { AddressEntry, AddressSource } from '../../domain/address-history';
import { SK_PREFIX } from './keys';

/**
 * Reading `ADDR#` items as address history entries, under every sort-key scheme they were
 * written with (dynamo-address-history.ts says which). No key builders here: a function that
 * only reads addresses (the case details of a notice) bundles nothing that keys by PII.
 */
const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

const LEGACY_DATED = /^ADDR#(\d{4}-\d{2}-\d{2})#([A-Z_]+)$/;

/** The entry an ADDR# sort key stands for: a legacy `ADDR#<day>#<source>` is `ADDR#<source>#<day>`. */
export function addressEntryId(sk: string): string {
  const legacy = LEGACY_DATED.exec(sk);
  return legacy === null ? sk : `ADDR#${legacy[2]}#${legacy[1]}`;
}

/**
 * The ADDR# items of one or more partitions as their address history entries, oldest first
 * (by asOf, then entry): one per entry, a current-scheme item over a legacy one of the same
 * source and day. Items that are not ADDR# entries are skipped.
 */
export function addressEntries(items: readonly Record<string, unknown>[]): AddressEntry[] {
  return [...addressItemsByEntry(items).entries()]
    .map(([id, item]) => ({ id, entry: addressFromItem(item) }))
    .sort((x, y) => x.entry.asOf.localeCompare(y.entry.asOf) || x.id.localeCompare(y.id))
    .map((v) => v.entry);
}

/** The ADDR# items, one per entry (addressEntryId): a current-scheme item over a legacy one. */
export function addressItemsByEntry(items: readonly Record<string, unknown>[]): Map<string, Record<string, unknown>> {
  const byEntry = new Map<string, { legacy: boolean; item: Record<string, unknown> }>();
  for (const item of items) {
    const sk = typeof item.sk === 'string' ? item.sk : '';
    if (!sk.startsWith(SK_PREFIX.address)) continue;
    const id = addressEntryId(sk);
    const legacy = id !== sk;
    const held = byEntry.get(id);
    if (held !== undefined && legacy && !held.legacy) continue;
    byEntry.set(id, { legacy, item });
  }
  return new Map([...byEntry.entries()].map(([id, v]) => [id, v.item]));
}

/** A stored ADDR# item as an address history entry (any sort-key scheme). */
export function addressFromItem(item: Record<string, unknown>): AddressEntry {
  return {
    source: item.source as AddressSource,
    asOf: String(item.asOf ?? item.changedOn ?? ''),
    street: text(item.street),
    city: text(item.city),
    state: text(item.state),
    zip: text(item.zip),
  };
}

