import type { CourtAddress } from '../domain/hearing-reminder';

/** Courts' street addresses as the latest release (by drop as-of) gives them in Lookup/tblLookupBaseCity. */
export interface CourtAddressStore {
  /** Records each court's address unless a later drop's is stored. Idempotent. */
  record(courts: readonly { readonly code: string; readonly address: CourtAddress }[], from: { readonly asOf: string; readonly dropId: string }): Promise<void>;
  /** The stored address of the court with this BASE_CITY_CODE, or null. */
  get(code: string): Promise<CourtAddress | null>;
}
