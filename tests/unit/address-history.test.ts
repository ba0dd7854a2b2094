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

describe('matching roster UCs to EOIR cases', () => {
  it('matches by A-number, else by EOIR case id, and lists what matches nothing', async () => {
    const { matchRosterToCases } = await import('../../shared/domain/roster-matching');
    const r = matchRosterToCases(
      [
        { caseId: '1', basis: 'JUVENILE_HISTORY', aNumber: '200000001', aor: 'HOU', countedUnmatchedIn: null },
        { caseId: '2', basis: 'CASE_PRIORITY', aNumber: null, aor: 'HOU', countedUnmatchedIn: null },
        { caseId: '3', basis: 'JUVENILE_HISTORY', aNumber: null, aor: 'PHO', countedUnmatchedIn: null },
        { caseId: '4', basis: 'ROSTER', aNumber: null, aor: null, countedUnmatchedIn: null },
      ],
      [
        { aNumber: '200000001', aor: 'HOU', eoirCaseId: null, status: 'BACKLOG' },
        { aNumber: '200000002', aor: 'HOU', eoirCaseId: '2', status: 'EOIR_CASE' },
        { aNumber: '200000004', aor: 'NYC', eoirCaseId: '4', status: 'EOIR_CASE' },
        { aNumber: '200000005', aor: 'NYC', eoirCaseId: null, status: 'BACKLOG' },
      ],
    );
    expect(r.matched).toBe(2);
    expect(r.casesWithoutRosterUc.map((c) => c.caseId)).toEqual(['3']);
    expect(r.rosterUcsWithoutCase.map((u) => u.aNumber)).toEqual(['200000004', '200000005']);
  });
});

describe('moving the unmatched UC case count', () => {
  it('counts each unmatched EOIR case once under its AOR, uncounts a case matched later, and moves nothing twice', async () => {
    const { matchRosterToCases, unmatchedCountChanges } = await import('../../shared/domain/roster-matching');
    const roster = [{ aNumber: '200000001', aor: 'HOU', eoirCaseId: null, status: 'BACKLOG' }];
    const marks = [
      { caseId: '1', basis: 'JUVENILE_HISTORY', aNumber: '200000001', aor: 'HOU', countedUnmatchedIn: 'HOU' },
      { caseId: '3', basis: 'JUVENILE_HISTORY', aNumber: null, aor: 'PHO', countedUnmatchedIn: null },
      { caseId: '5', basis: 'CASE_PRIORITY', aNumber: null, aor: null, countedUnmatchedIn: null },
      { caseId: '6', basis: 'CASE_PRIORITY', aNumber: null, aor: 'MIA', countedUnmatchedIn: 'MIA' },
      { caseId: '4', basis: 'ROSTER', aNumber: null, aor: null, countedUnmatchedIn: null },
    ];
    const changes = unmatchedCountChanges(marks, matchRosterToCases(marks, roster));
    expect(changes).toEqual([
      { caseId: '1', from: 'HOU', to: null }, // matched by A-number now
      { caseId: '3', from: null, to: 'PHO' },
      { caseId: '5', from: null, to: 'NONE' }, // no hearing court known
    ]);
    const after = marks.map((m) => {
      const moved = changes.find((c) => c.caseId === m.caseId);
      return moved ? { ...m, countedUnmatchedIn: moved.to } : m;
    });
    expect(unmatchedCountChanges(after, matchRosterToCases(after, roster))).toEqual([]);
  });
});
