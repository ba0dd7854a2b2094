import { describe, expect, it } from 'vitest';
import { addressDisagreements, type AddressEntry } from '../../shared/domain/address-history';

const entry = (over: Partial<AddressEntry>): AddressEntry => ({
  source: 'ORR_SPONSOR', asOf: '2024-01-01', street: null, city: 'Houston', state: 'TX', zip: '77002', ...over,
});

describe('address history across sources', () => {
  it('agrees when city, state and ZIP match, accents and case aside', () => {
    const r = addressDisagreements([
      entry({ city: 'Mayagüez', state: 'PR', zip: '00680' }),
      entry({ source: 'EOIR_ADDRESS_OF_RECORD', city: 'MAYAGUEZ', state: 'PR', zip: '00680-1234' }),
    ]);
    expect(r.disagreements).toEqual([]);
  });

  it('compares the latest entry of each source and flags the pairs that differ', () => {
    const r = addressDisagreements([
      entry({ asOf: '2022-01-01', city: 'Dallas', zip: '75201' }),
      entry({ asOf: '2024-01-01' }),
      entry({ source: 'EOIR_ADDRESS_OF_RECORD', asOf: '2023-05-01' }),
      entry({ source: 'ERO_VERIFIED', asOf: '2026-11-27', city: 'El Paso', zip: '79901' }),
    ]);
    expect(r.latest.ORR_SPONSOR?.asOf).toBe('2024-01-01');
    expect(r.disagreements).toEqual([
      ['EOIR_ADDRESS_OF_RECORD', 'ERO_VERIFIED'],
      ['ERO_VERIFIED', 'ORR_SPONSOR'],
    ]);
  });
});
