/**
 * A UC's addresses across sources (docs/spec.md §4): the ORR sponsor address (roster), the
 * EOIR address of record (A_TblCase ALIEN_CITY/STATE/ZIPCODE), and addresses ERO verified.
 * Sources disagree when their latest entries name different places.
 */
export type AddressSource = 'ORR_SPONSOR' | 'EOIR_ADDRESS_OF_RECORD' | 'ERO_VERIFIED';

export interface AddressEntry {
  readonly source: AddressSource;
  /** YYYY-MM-DD: since when the source holds this address. */
  readonly asOf: string;
  readonly street: string | null;
  readonly city: string | null;
  readonly state: string | null;
  readonly zip: string | null;
}

const norm = (s: string | null): string => (s ?? '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').toUpperCase().replace(/[^A-Z0-9]/g, '');

/** Compares state, 5-digit ZIP and city (EOIR holds no street); an empty field matches anything. */
export function samePlace(a: AddressEntry, b: AddressEntry): boolean {
  const fields: [string, string][] = [
    [norm(a.state), norm(b.state)],
    [norm(a.zip).slice(0, 5), norm(b.zip).slice(0, 5)],
    [norm(a.city), norm(b.city)],
  ];
  return fields.every(([x, y]) => x === '' || y === '' || x === y);
}

/** The latest entry of each source, and the pairs of sources whose latest entries disagree. */
export function addressDisagreements(history: readonly AddressEntry[]): {
  latest: Partial<Record<AddressSource, AddressEntry>>;
  disagreements: [AddressSource, AddressSource][];
} {
  const latest: Partial<Record<AddressSource, AddressEntry>> = {};
  for (const e of history) {
    const cur = latest[e.source];
    if (cur === undefined || e.asOf > cur.asOf) latest[e.source] = e;
  }
  const sources = (Object.keys(latest) as AddressSource[]).sort();
  const disagreements: [AddressSource, AddressSource][] = [];
  for (let i = 0; i < sources.length; i++) {
    for (let j = i + 1; j < sources.length; j++) {
      if (!samePlace(latest[sources[i]!]!, latest[sources[j]!]!)) disagreements.push([sources[i]!, sources[j]!]);
    }
  }
  return { latest, disagreements };
}
