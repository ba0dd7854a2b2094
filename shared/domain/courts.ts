import { COURTS as COURT_TABLE, STATE_AOR as STATE_TABLE, type CourtRow } from '../data/courts';
import type { Aor } from './aor';

export type Court = CourtRow & { readonly aor: Aor | null };

// The typed views of the tables: an AOR code the table holds that is not an Aor fails to compile here.
const COURTS: readonly Court[] = COURT_TABLE;
const STATE_AOR: Readonly<Record<string, Aor>> = STATE_TABLE;

const BY_CODE: ReadonlyMap<string, Court> = new Map(COURTS.map((c) => [c.code, c]));

/** The court with this BASE_CITY_CODE (already trimmed), if EOIR's table has it. */
export function findCourt(code: string | null): Court | undefined {
  return code === null ? undefined : BY_CODE.get(code);
}

/**
 * The AOR that covers a court (docs/spec.md §1.2: a court maps to the AOR of its state;
 * courts in TX, CA and NY are mapped one by one in shared/data/courts.ts).
 */
export function aorForCourt(code: string | null): Aor | null {
  return findCourt(code)?.aor ?? null;
}

/** The AOR covering a US state or territory code, when one field office covers all of it. */
export function aorForState(state: string | null): Aor | null {
  return state === null ? null : (STATE_AOR[state] ?? null);
}
