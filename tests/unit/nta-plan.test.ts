import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeANumber } from '../../shared/domain/a-number';
import type { Aor } from '../../shared/domain/aor';
import { addBusinessDays, businessDayOnOrAfter, federalHolidays, dayString, isBusinessDay } from '../../shared/domain/business-days';
import {
  compareKeyed,
  DEFAULT_PRIORITY,
  diffPlan,
  makePriorityKeyer,
  planBacklog,
  priorityValue,
  sortByPriority,
  type BacklogUc,
  type PriorityKey,
} from '../../shared/domain/nta-plan';

const uc = (aNumber: string, over: Partial<BacklogUc> = {}): BacklogUc => ({
  aNumber,
  aor: 'HOU',
  releaseDate: '2023-01-01',
  birthDate: '2010-06-01',
  priorFta: false,
  safetyFlag: false,
  ...over,
});
const capacity = (slots: number, byAor = {}) => ({ defaultSlotsPerDay: slots, slotsPerDayByAor: byAor });
// A fixed plan start: Monday 2026-11-30.
const START = '2026-11-30';

describe('A-numbers', () => {
  it('keeps 9 digits, pads 8 digits with a leading 0, and refuses anything else', () => {
    expect(normalizeANumber('201234567')).toBe('201234567');
    expect(normalizeANumber('A12345678')).toBe('012345678');
    expect(normalizeANumber(' 012-345-678 ')).toBe('012345678');
    expect(normalizeANumber('1234567')).toBeNull();
    expect(normalizeANumber('1234567890')).toBeNull();
    expect(normalizeANumber('12345678X')).toBeNull();
    expect(normalizeANumber('')).toBeNull();
    expect(normalizeANumber('00000000')).toBeNull();
  });
});

describe('business days', () => {
  it('skips observed federal holidays', () => {
    const h = [...federalHolidays(2026)].map(dayString).sort();
    expect(h).toEqual([
      '2026-01-01', '2026-01-19', '2026-02-16', '2026-05-25', '2026-06-19', '2026-07-03',
      '2026-09-07', '2026-10-12', '2026-11-11', '2026-11-26', '2026-12-25',
    ]);
    expect(isBusinessDay('2026-07-03')).toBe(false); // Independence Day on a Saturday, observed Friday
    expect(addBusinessDays('2026-11-25', 1)).toBe('2026-11-27'); // over Thanksgiving
    expect(addBusinessDays('2026-12-24', 1)).toBe('2026-12-28'); // over Christmas and the weekend
    expect(isBusinessDay('2027-12-31')).toBe(false); // New Year 2028 is a Saturday
  });
});

describe('NTA backlog plan: priority', () => {
  it('plans prior FTA first, then safety flag, then longest since release, then nearest 18th birthday', () => {
    const plan = planBacklog(
      [
        uc('000000005', { releaseDate: '2020-01-01' }),
        uc('000000004', { safetyFlag: true }),
        uc('000000003', { priorFta: true, releaseDate: '2024-01-01' }),
        uc('000000002', { releaseDate: '2023-01-01', birthDate: '2009-01-01' }),
        uc('000000001', { releaseDate: '2023-01-01', birthDate: '2011-01-01' }),
      ],
      { startDate: START, capacity: capacity(1) },
    ).get('HOU');
    expect(plan?.planned.map((p) => [p.aNumber, p.plannedDate])).toEqual([
      ['000000003', '2026-11-30'],
      ['000000004', '2026-12-01'],
      ['000000005', '2026-12-02'],
      ['000000002', '2026-12-03'],
      ['000000001', '2026-12-04'],
    ]);
  });

  it('follows a configured order instead', () => {
    const plan = planBacklog(
      [uc('000000001', { priorFta: true, birthDate: '2012-01-01' }), uc('000000002', { birthDate: '2009-01-01' })],
      { startDate: START, capacity: capacity(1), priority: ['NEAREST_18TH_BIRTHDAY', 'PRIOR_FTA'] },
    ).get('HOU');
    expect(plan?.planned.map((p) => p.aNumber)).toEqual(['000000002', '000000001']);
  });

  it('refuses an unknown priority key, even with nothing to plan', () => {
    const priority = ['PRIOR_FTA', 'OLDEST_CASE'] as unknown as PriorityKey[];
    expect(() => planBacklog([], { startDate: START, capacity: capacity(1), priority })).toThrow('unknown priority key OLDEST_CASE');
  });

  it('breaks ties by A-number, whatever the input order', () => {
    const a = [uc('000000009'), uc('000000001'), uc('000000005')];
    const one = planBacklog(a, { startDate: START, capacity: capacity(2) }).get('HOU');
    const two = planBacklog([...a].reverse(), { startDate: START, capacity: capacity(2) }).get('HOU');
    expect(one?.planned).toEqual(two?.planned);
    expect(one?.planned.map((p) => p.aNumber)).toEqual(['000000001', '000000005', '000000009']);
  });
});

describe('NTA backlog plan: capacity', () => {
  it('fills each AOR business day to its slots, skipping weekends and holidays, per AOR', () => {
    const backlog = [
      ...Array.from({ length: 7 }, (_, i) => uc(`10000000${i}`)),
      ...Array.from({ length: 3 }, (_, i) => uc(`20000000${i}`, { aor: 'NYC' })),
    ];
    const plans = planBacklog(backlog, { startDate: '2026-11-25', capacity: capacity(3, { NYC: 1 }) });
    expect(plans.get('HOU')?.planned.map((p) => p.plannedDate)).toEqual([
      '2026-11-25', '2026-11-25', '2026-11-25', '2026-11-27', '2026-11-27', '2026-11-27', '2026-11-30',
    ]);
    expect(plans.get('NYC')?.planned.map((p) => p.plannedDate)).toEqual(['2026-11-25', '2026-11-27', '2026-11-30']);
    expect(plans.get('HOU')).toMatchObject({ firstDate: '2026-11-25', lastDate: '2026-11-30', unscheduled: 0 });
  });

  it('never drops a UC: an AOR without capacity lists its UCs unscheduled', () => {
    const plan = planBacklog([uc('000000001', { aor: 'SPM' })], { startDate: START, capacity: capacity(5, { SPM: 0 }) }).get('SPM');
    expect(plan).toMatchObject({ unscheduled: 1, planned: [{ aNumber: '000000001', plannedDate: null }] });
  });
});

describe('NTA backlog re-planning', () => {
  const backlog = [uc('000000001'), uc('000000002'), uc('000000003')];
  const first = planBacklog(backlog, { startDate: START, capacity: capacity(1) }).get('HOU')!;
  const stored = new Map(first.planned.map((p) => [p.aNumber, p.plannedDate]));

  it('changes nothing when nothing changed', () => {
    const again = planBacklog(backlog, { startDate: START, capacity: capacity(1) }).get('HOU')!;
    expect(diffPlan(stored, again)).toMatchObject({ added: [], moved: [], removed: [], unchanged: 3 });
  });

  it('moves later UCs up when an NTA is served, and says who left', () => {
    const next = planBacklog(backlog.slice(1), { startDate: START, capacity: capacity(1) }).get('HOU')!;
    const d = diffPlan(stored, next);
    expect(d.removed).toEqual(['000000001']);
    expect(d.moved.map((p) => [p.aNumber, p.plannedDate])).toEqual([['000000002', '2026-11-30'], ['000000003', '2026-12-01']]);
  });

  it('puts a UC with a new FTA first', () => {
    const next = planBacklog([uc('000000001'), uc('000000002'), uc('000000003', { priorFta: true })], { startDate: START, capacity: capacity(1) }).get('HOU')!;
    expect(next.planned[0]?.aNumber).toBe('000000003');
    expect(diffPlan(stored, next).moved).toHaveLength(3);
  });

  it('re-dates the queue when capacity changes', () => {
    const next = planBacklog(backlog, { startDate: START, capacity: capacity(3) }).get('HOU')!;
    expect(next.planned.every((p) => p.plannedDate === '2026-11-30')).toBe(true);
    expect(diffPlan(stored, next).moved).toHaveLength(2);
  });

  it('adds a UC new on the roster in its place', () => {
    const next = planBacklog([...backlog, uc('000000000', { releaseDate: '2019-01-01' })], { startDate: START, capacity: capacity(1) }).get('HOU')!;
    const d = diffPlan(stored, next);
    expect(d.added.map((p) => [p.aNumber, p.rank])).toEqual([['000000000', 1]]);
    expect(d.moved).toHaveLength(3);
  });
});

describe('civilDay', () => {
  it('agrees with Date.UTC, leap days included', async () => {
    const { civilDay } = await import('../../shared/domain/nta-plan');
    for (const d of ['1970-01-01', '2000-02-29', '2010-06-15', '2024-12-31', '1999-03-01']) {
      expect(civilDay(d, 0)).toBe(Date.UTC(+d.slice(0, 4), +d.slice(5, 7) - 1, +d.slice(8)) / 86_400_000);
    }
    expect(civilDay('2008-02-29', 18)).toBe(Date.UTC(2026, 1, 29) / 86_400_000); // 1 March 2026
  });
});

/** Backlog UCs of the AORs given, any dates, flags and A-numbers (property tests). */
const backlogUcIn = (...aors: readonly Aor[]) => {
  const day = fc.integer({ min: 14_000, max: 21_000 }).map(dayString);
  return fc.record({
    aNumber: fc.integer({ min: 0, max: 999_999_999 }).map((n) => String(n).padStart(9, '0')),
    aor: fc.constantFrom(...aors),
    releaseDate: day,
    birthDate: fc.option(day, { nil: null }),
    priorFta: fc.boolean(),
    safetyFlag: fc.boolean(),
  });
};
// The last order gives a key twice: keys wider than the typed-array sort takes (its comparator path).
const priorities: PriorityKey[][] = [
  [...DEFAULT_PRIORITY], ['PRIOR_FTA'], ['SAFETY_FLAG', 'PRIOR_FTA'], ['NEAREST_18TH_BIRTHDAY', 'PRIOR_FTA'], ['NEAREST_18TH_BIRTHDAY', 'LONGEST_SINCE_RELEASE'],
  ['LONGEST_SINCE_RELEASE', 'NEAREST_18TH_BIRTHDAY', 'LONGEST_SINCE_RELEASE'],
];

describe('the plan sort (typed-array fast path)', () => {
  const k1Of = (ucs: readonly BacklogUc[], priority: readonly PriorityKey[]) => Float64Array.from(ucs, (u) => priorityValue(u, priority));
  const comparatorOrder = (ucs: readonly BacklogUc[], priority: readonly PriorityKey[]) => ucs.map(makePriorityKeyer(priority)).sort(compareKeyed).map((k) => k.uc.aNumber);
  const sortedANumbers = (ucs: readonly BacklogUc[], priority: readonly PriorityKey[]) =>
    Array.from(sortByPriority(Int32Array.from(ucs.keys()), k1Of(ucs, priority), ucs.map((u) => u.aNumber)), (i) => ucs[i]!.aNumber);
  const backlogUc = backlogUcIn('HOU');

  it('orders exactly as the comparator sort, ties (long runs of equal keys included) by A-number', () => {
    fc.assert(
      fc.property(fc.array(backlogUc, { maxLength: 400 }), fc.constantFrom(...priorities), (ucs, priority) => {
        expect(sortedANumbers(ucs, priority)).toEqual(comparatorOrder(ucs, priority));
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same order on 20,000 UCs with the same priority flags only', () => {
    // Input in descending A-number order: only the tie-break can put it right.
    const ucs = Array.from({ length: 20_000 }, (_, i) => uc(String(999_999_999 - i * 7_919), { priorFta: i % 3 === 0 }));
    expect(sortedANumbers(ucs, ['PRIOR_FTA'])).toEqual(comparatorOrder(ucs, ['PRIOR_FTA']));
  });

  it('sorts only the members given, indices into the whole backlog', () => {
    const ucs = [uc('000000003'), uc('000000001', { aor: 'NYC' }), uc('000000002'), uc('000000004', { priorFta: true })];
    expect(Array.from(sortByPriority(Int32Array.of(0, 2, 3), k1Of(ucs, DEFAULT_PRIORITY), ucs.map((u) => u.aNumber)))).toEqual([3, 2, 0]);
  });
});

describe('planBacklog against a model of the plan', () => {
  const backlogUc = backlogUcIn('HOU', 'NYC', 'SPM', 'ATL');

  it('puts each AOR\'s UCs in the comparator order of their keys, ranked from 1, each business day filled to its slots', () => {
    fc.assert(
      fc.property(fc.array(backlogUc, { maxLength: 300 }), fc.constantFrom(...priorities), fc.integer({ min: 0, max: 4 }), (ucs, priority, slots) => {
        const options = { startDate: START, capacity: capacity(slots, { NYC: 1 }), priority };
        const plans = planBacklog(ucs, options);
        // The model: every UC once, per AOR in a stable comparator sort by (priority keys, A-number).
        const keyer = makePriorityKeyer(priority);
        const aors = [...new Set(ucs.map((u) => u.aor))].sort();
        expect([...plans.keys()].sort()).toEqual(aors);
        for (const aor of aors) {
          const expected = ucs.filter((u) => u.aor === aor).map(keyer).sort(compareKeyed).map((k) => k.uc.aNumber);
          const plan = plans.get(aor)!;
          expect(plan.planned.map((p) => p.aNumber)).toEqual(expected);
          expect(plan.planned.map((p) => p.rank)).toEqual(expected.map((_, i) => i + 1));
          const perDay = aor === 'NYC' ? 1 : slots;
          const first = businessDayOnOrAfter(START);
          const dates = expected.map((_, i) => (perDay === 0 ? null : addBusinessDays(first, Math.floor(i / perDay))));
          expect(plan.planned.map((p) => p.plannedDate)).toEqual(dates);
          expect(plan.unscheduled).toBe(perDay === 0 ? expected.length : 0);
        }
      }),
      { numRuns: 200 },
    );
  });
});
