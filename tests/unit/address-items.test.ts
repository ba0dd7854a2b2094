import { describe, expect, it } from 'vitest';
import { addressEntries, addressEntryId } from '../../shared/adapters/cases-table/address-items';
import { keys } from '../../shared/adapters/cases-table/keys';

const item = (sk: string, source: string, asOf: string, street: string) => ({ pk: 'CASE#1234567', sk, source, asOf, street, city: 'Austin', state: 'TX', zip: '78701' });

describe('address history items under every sort-key scheme', () => {
  it('writes one scheme, ADDR#<source>#<entry>, for dated and EOIR addresses alike', () => {
    expect(keys.datedAddress('CASE#1234567', '2024-03-01', 'ERO_VERIFIED').sk).toBe('ADDR#ERO_VERIFIED#2024-03-01');
  });

  it('reads a legacy ADDR#<day>#<source> item as the entry of that source and day', () => {
    expect(addressEntryId('ADDR#2024-03-01#ORR_SPONSOR')).toBe('ADDR#ORR_SPONSOR#2024-03-01');
    expect(addressEntryId('ADDR#ORR_SPONSOR#2024-03-01')).toBe('ADDR#ORR_SPONSOR#2024-03-01');
    expect(addressEntryId('ADDR#EOIR_ADDRESS_OF_RECORD#AD#abcdef')).toBe('ADDR#EOIR_ADDRESS_OF_RECORD#AD#abcdef');
  });

  it('lists a source and day once, the item written since over the legacy one, whatever the order read', () => {
    const legacy = item('ADDR#2024-03-01#ERO_VERIFIED', 'ERO_VERIFIED', '2024-03-01', '1 Old Rd');
    const current = item('ADDR#ERO_VERIFIED#2024-03-01', 'ERO_VERIFIED', '2024-03-01', '2 New St');
    for (const order of [[legacy, current], [current, legacy]]) {
      const history = addressEntries(order);
      expect(history).toHaveLength(1);
      expect(history[0]?.street).toBe('2 New St');
    }
  });

  it('keeps a legacy item no later write replaced, and lists every entry oldest first', () => {
    const history = addressEntries([
      item('ADDR#ORR_SPONSOR#2024-05-02', 'ORR_SPONSOR', '2024-05-02', '3 Late Ave'),
      item('ADDR#2023-01-09#ORR_SPONSOR', 'ORR_SPONSOR', '2023-01-09', '1 Old Rd'),
      item('ADDR#EOIR_ADDRESS_OF_RECORD#AD#abcdef', 'EOIR_ADDRESS_OF_RECORD', '2024-01-15', '2 Court St'),
      { pk: 'CASE#1234567', sk: 'ADDRFLAG', disagree: false },
    ]);
    expect(history.map((e) => [e.source, e.asOf, e.street])).toEqual([
      ['ORR_SPONSOR', '2023-01-09', '1 Old Rd'],
      ['EOIR_ADDRESS_OF_RECORD', '2024-01-15', '2 Court St'],
      ['ORR_SPONSOR', '2024-05-02', '3 Late Ave'],
    ]);
  });
});
