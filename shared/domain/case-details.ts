/**
 * What the case store knows about a child and their case, beyond the FTA itself. Every
 * part is optional: the public EOIR layout strips identities (docs/spec.md §1.1), and the
 * UC roster (docs/spec.md §1.2) may not have the child. This is PII: never log any of it.
 */
export interface CaseAddress {
  /** EOIR_ADDRESS_OF_RECORD (A_TblCase), ORR_SPONSOR (roster), ERO_VERIFIED, or another source code. */
  readonly source: string;
  readonly street: string | null;
  readonly city: string | null;
  readonly state: string | null;
  readonly zip: string | null;
  /** YYYY-MM-DD: when the source says the address changed or was recorded, if it says. */
  readonly asOf: string | null;
}

export interface CaseHearing {
  readonly scheduleId: string;
  readonly date: string | null;
  readonly court: string | null;
  /** EOIR CAL_TYPE: I (individual/merits) or M (master calendar). */
  readonly calType: string | null;
  readonly outcome: string | null;
}

export interface CaseDetails {
  readonly aNumber: string | null;
  readonly firstName: string | null;
  readonly lastName: string | null;
  /** YYYY-MM (EOIR's C_BIRTHDATE is M/YYYY; the roster's BIRTH_DATE is cut to the month). */
  readonly birthMonth: string | null;
  readonly country: string | null;
  readonly sponsorName: string | null;
  readonly sponsorRelationship: string | null;
  /** ORR's own case id for the child, from the roster, when known. */
  readonly orrCaseId: string | null;
  readonly addresses: readonly CaseAddress[];
  readonly hearings: readonly CaseHearing[];
}

export const NO_CASE_DETAILS: CaseDetails = {
  aNumber: null,
  firstName: null,
  lastName: null,
  birthMonth: null,
  country: null,
  sponsorName: null,
  sponsorRelationship: null,
  orrCaseId: null,
  addresses: [],
  hearings: [],
};

/**
 * Age in whole years on `date` (YYYY-MM-DD) for someone born in `birthMonth` (YYYY-MM).
 * With the month only, a birthday in the hearing's own month counts as not yet reached,
 * so the age is never overstated. Null when either is unknown or malformed.
 */
export function ageOn(birthMonth: string | null, date: string | null): number | null {
  if (birthMonth === null || date === null) return null;
  const b = /^(\d{4})-(\d{2})$/.exec(birthMonth);
  const d = /^(\d{4})-(\d{2})-\d{2}$/.exec(date);
  if (!b || !d) return null;
  const years = Number(d[1]) - Number(b[1]) - (Number(d[2]) <= Number(b[2]) ? 1 : 0);
  return years >= 0 ? years : null;
}

/** `M/YYYY` (EOIR C_BIRTHDATE) or `YYYY-MM[-DD]` (roster) to YYYY-MM; null otherwise. */
export function toBirthMonth(value: string | null | undefined): string | null {
  if (!value) return null;
  const eoir = /^(\d{1,2})\/(\d{4})$/.exec(value.trim());
  if (eoir) return `${eoir[2]}-${eoir[1]?.padStart(2, '0')}`;
  const iso = /^(\d{4})-(\d{2})(?:-\d{2})?$/.exec(value.trim());
  return iso ? `${iso[1]}-${iso[2]}` : null;
}
