import { describe, expect, it } from 'vitest';
import type { RescissionReason } from '../../shared/domain/fta';
import { asOfFromDropName, operatorAsOf, signalStatus, withdrawsOrder } from '../../shared/domain/fta-signal';
import { fixDropAsOf } from '../../shared/use-cases/steps/ingest/ingest-docket-drop';
import { memoryCaseStore, silentLog, steppingClock } from '../helpers/in-memory-ports';

const seen = (...list: [string, string][]) => list.map(([asOf, dropId]) => ({ asOf, dropId }));
const w = (asOf: string, reason: RescissionReason, dropId: string) => ({ asOf, reason, dropId });

describe('the FTA status rule', () => {
  it('rescinds on a withdrawal from a drop strictly later than the first that showed the signal', () => {
    expect(signalStatus({ seen: seen(['2026-01', 'jan']), withdrawals: [w('2026-02', 'ABSENTIA_WITHDRAWN', 'feb')] })).toEqual({ status: 'RESCINDED', by: w('2026-02', 'ABSENTIA_WITHDRAWN', 'feb') });
  });

  it('keeps it OPEN on a withdrawal from an older or equally old drop (a re-run of an older drop)', () => {
    expect(signalStatus({ seen: seen(['2026-02', 'feb']), withdrawals: [w('2026-01', 'ABSENTIA_WITHDRAWN', 'jan')] }).status).toBe('OPEN');
    expect(signalStatus({ seen: seen(['2026-02', 'feb']), withdrawals: [w('2026-02', 'ABSENTIA_WITHDRAWN', 'other')] }).status).toBe('OPEN');
  });

  it('keeps it OPEN when the withdrawing drop also shows the signal (conflicting copies), but not for a reopening', () => {
    const s = seen(['2026-01', 'jan'], ['2026-02', 'feb']);
    expect(signalStatus({ seen: s, withdrawals: [w('2026-02', 'ABSENTIA_WITHDRAWN', 'feb')] }).status).toBe('OPEN');
    expect(signalStatus({ seen: s, withdrawals: [w('2026-02', 'CASE_REOPENED', 'feb')] }).status).toBe('RESCINDED');
  });

  it('measures from the earliest drop that showed it, whatever order they were read in', () => {
    expect(signalStatus({ seen: seen(['2026-03', 'mar'], ['2026-01', 'jan']), withdrawals: [w('2026-02', 'ADJOURNMENT_CHANGED', 'feb')] }).status).toBe('RESCINDED');
  });

  it('reads ABSENTIA N or empty as a withdrawal, and a junk value as none', () => {
    expect(withdrawsOrder({ inAbsentia: false })).toBe(true);
    expect(withdrawsOrder({ inAbsentia: true })).toBe(false);
    expect(withdrawsOrder({ inAbsentia: false, absentiaJunk: true })).toBe(false);
  });
});

describe('a drop\'s as-of', () => {
  it('takes a YYYY-MM-DD date in the drop\'s name, a real day only', () => {
    expect(asOfFromDropName('EOIR Case Data 2026-04-01')).toBe('2026-04-01T00:00:00.000Z');
    expect(asOfFromDropName('release-2026-02-30-then-2026-03-01')).toBe('2026-03-01T00:00:00.000Z');
    expect(asOfFromDropName('EOIR Case Data 2026-0401')).toBeNull();
    expect(operatorAsOf(' 2026-05-02 ')).toBe('2026-05-02T00:00:00.000Z');
    expect(operatorAsOf('May 2')).toBeNull();
  });

  it('prefers the operator\'s metadata, then the name, then the first arrival; a re-run keeps the first', async () => {
    const store = memoryCaseStore();
    const deps = { store, clock: steppingClock('2026-11-28T00:00:00Z'), log: silentLog };
    const drop = { dropId: 'eoir-2026-04-01', location: 'drops/eoir-2026-04-01/' };
    const listing = { tables: new Map(), countFile: null, refused: new Map() };
    expect(await fixDropAsOf(drop, { ...listing, operatorAsOf: '2026-03-15' }, deps)).toEqual({ asOf: '2026-03-15T00:00:00.000Z', source: 'OPERATOR_METADATA' });
    expect(await fixDropAsOf(drop, { ...listing, operatorAsOf: '2030-01-01' }, deps)).toEqual({ asOf: '2026-03-15T00:00:00.000Z', source: 'OPERATOR_METADATA' });
    expect(await fixDropAsOf({ ...drop, dropId: 'eoir-2026-04-02' }, { ...listing, operatorAsOf: 'soon' }, deps)).toEqual({ asOf: '2026-04-02T00:00:00.000Z', source: 'DROP_NAME' });
    expect(await fixDropAsOf({ ...drop, dropId: 'plain' }, listing, deps)).toEqual({ asOf: '2026-11-28T00:00:01.000Z', source: 'FIRST_ARRIVAL' });
  });
});
