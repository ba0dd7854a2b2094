import type { DropReport } from './drop-report';
import type { EoirTableName } from './eoir-table';

/**
 * Repeated keys within one drop (a line repeated, or a key given twice with other values).
 * The rules, whatever chunk or line order the drop is read in:
 * - a key repeated is one record: written once, its FTA recorded and published once;
 * - each line after a key's first is counted in its table's `duplicates` (and still in
 *   `read` and `accepted`);
 * - copies whose deciding values differ (ABSENTIA `Y` and `N`, ADJ_RSN `11` and `09`) are a
 *   conflict: the FTA is kept (a child's safety first), the drop does not rescind what any
 *   of its lines records, and the key is listed for review.
 */
export interface KeyConflict {
  readonly table: EoirTableName;
  readonly key: string;
  /** The distinct values of the deciding fields, sorted (codes and dates: no PII). */
  readonly values: readonly string[];
}

/** Conflicts listed in a drop report at most; the rest are counted. */
export const MAX_CONFLICTS_LISTED = 100;

/** The report's bounded list of conflicts: sorted by table and key, so any read order gives the same list. */
export function conflictsForReview(conflicts: readonly KeyConflict[]): NonNullable<DropReport['conflicts']> {
  const sorted = [...conflicts].sort((a, b) => a.table.localeCompare(b.table) || compareKeys(a.key, b.key));
  return { count: conflicts.length, listed: sorted.slice(0, MAX_CONFLICTS_LISTED).map((c) => ({ ...c, values: [...c.values].sort() })) };
}

/** EOIR keys are integers: order them as numbers when both are. */
function compareKeys(a: string, b: string): number {
  return a.length - b.length || a.localeCompare(b);
}
