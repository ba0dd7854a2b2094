import { AORS, type Aor } from './aor';
import { businessDaysFrom, dayNumber, dayString } from './business-days';


/**
 * The NTA backlog plan (OIG-24-46: ~291,000 UCs never served a Notice to Appear). Every
 * backlog UC gets a planned service date in its AOR: the AOR's UCs in priority order fill
 * its slots, business day after business day (federal holidays skipped), from the plan's
 * first day. Pure and deterministic: the same backlog, capacity and start give the same plan.
 */

/** The planning keys of one backlog UC (no names or addresses). */
export interface BacklogUc {
  readonly aNumber: string;
  readonly aor: Aor;
  /** ORR release date, YYYY-MM-DD. */
  readonly releaseDate: string;
  readonly birthDate: string | null;
  /** The child already failed to appear (an FTA arrived for a case linked to it). */
  readonly priorFta: boolean;
  /** ORR reported a child-safety concern (roster SAFETY_FLAG). */
  readonly safetyFlag: boolean;
}

/**
 * Priority keys, applied in the configured order; the A-number always breaks the last tie.
 * - PRIOR_FTA: UCs with a prior FTA first.
 * - SAFETY_FLAG: UCs with a safety concern first.
 * - LONGEST_SINCE_RELEASE: earliest ORR release first.
 * - NEAREST_18TH_BIRTHDAY: earliest 18th birthday first (unknown birth date last).
 */
export const PRIORITY_KEYS = ['PRIOR_FTA', 'SAFETY_FLAG', 'LONGEST_SINCE_RELEASE', 'NEAREST_18TH_BIRTHDAY'] as const;
export type PriorityKey = (typeof PRIORITY_KEYS)[number];
export const DEFAULT_PRIORITY: readonly PriorityKey[] = PRIORITY_KEYS;

export interface Capacity {
  /** Service slots per business day in an AOR without an override. */
  readonly defaultSlotsPerDay: number;
  readonly slotsPerDayByAor: Partial<Record<Aor, number>>;
}

export const slotsFor = (capacity: Capacity, aor: Aor): number => capacity.slotsPerDayByAor[aor] ?? capacity.defaultSlotsPerDay;

export interface PlanOptions {
  /** The plan's first day (YYYY-MM-DD); the first business day on or after it is used. */
  readonly startDate: string;
  readonly capacity: Capacity;
  readonly priority?: readonly PriorityKey[];
}

export interface PlannedUc {
  readonly aNumber: string;
  readonly aor: Aor;
  /** 1-based position in the AOR's queue. */
  readonly rank: number;
  /** YYYY-MM-DD, or null when the AOR has no capacity (reported, never dropped). */
  readonly plannedDate: string | null;
}

export interface AorPlan {
  readonly aor: Aor;
  readonly slotsPerDay: number;
  readonly planned: readonly PlannedUc[];
  /** UCs the AOR cannot place (no capacity): listed with reason NO_CAPACITY. */
  readonly unscheduled: number;
  readonly firstDate: string | null;
  readonly lastDate: string | null;
}

/** 16 bits per day field: days since 1970 stay below 65,536 until 2149. */
const DAY_SPAN = 65_536;
const UNKNOWN_DAY = DAY_SPAN - 1;

/** A UC with its sort keys precomputed: k1 holds the priority keys, k2 the A-number. */
export interface KeyedUc {
  readonly uc: BacklogUc;
  readonly k1: number;
  readonly k2: number;
}

/**
 * Encodes the priority keys, in order, into one number (flags 1 bit, days 16 bits: at most
 * 34 bits, exact in a double), so a comparison is two subtractions. The key function is
 * built once per priority order.
 */
export function makePriorityKeyer(priority: readonly PriorityKey[]): (uc: BacklogUc) => KeyedUc {
  const parts = priority.map((key): ((k1: number, uc: BacklogUc) => number) => {
    switch (key) {
      case 'PRIOR_FTA':
        return (k1, uc) => k1 * 2 + (uc.priorFta ? 0 : 1);
      case 'SAFETY_FLAG':
        return (k1, uc) => k1 * 2 + (uc.safetyFlag ? 0 : 1);
      case 'LONGEST_SINCE_RELEASE':
        return (k1, uc) => k1 * DAY_SPAN + clampDay(civilDay(uc.releaseDate, 0));
      case 'NEAREST_18TH_BIRTHDAY':
        return (k1, uc) => k1 * DAY_SPAN + (uc.birthDate === null ? UNKNOWN_DAY : clampDay(civilDay(uc.birthDate, 18)));
      default: {
        const never: never = key;
        throw new Error(`unknown priority key ${String(never)}`);
      }
    }
  });
  return (uc) => {
    let k1 = 0;
    for (let i = 0; i < parts.length; i++) k1 = parts[i]!(k1, uc);
    return { uc, k1, k2: aNumberValue(uc.aNumber) };
  };
}

export const priorityKey = (uc: BacklogUc, priority: readonly PriorityKey[]): KeyedUc => makePriorityKeyer(priority)(uc);

/** The 9 digits of an A-number as an integer (faster than Number() on a string). */
function aNumberValue(a: string): number {
  let v = 0;
  for (let i = 0; i < a.length; i++) v = v * 10 + (a.charCodeAt(i) - 48);
  return v;
}

export const compareKeyed = (a: KeyedUc, b: KeyedUc): number => a.k1 - b.k1 || a.k2 - b.k2;

function clampDay(day: number): number {
  return Number.isFinite(day) ? Math.min(Math.max(day, 0), UNKNOWN_DAY - 1) : UNKNOWN_DAY;
}

/**
 * Days since 1970-01-01 of a YYYY-MM-DD date plus `addYears`, by arithmetic on the digits
 * (H. Hinnant's days_from_civil): Date.parse on 600,000 strings costs more than the sort.
 * 29 February plus years lands on 1 March in a common year, as Date.UTC would.
 */
export function civilDay(date: string, addYears: number): number {
  let y = date.charCodeAt(0) * 1000 + date.charCodeAt(1) * 100 + date.charCodeAt(2) * 10 + date.charCodeAt(3) - 53_328 + addYears;
  const m = date.charCodeAt(5) * 10 + date.charCodeAt(6) - 528;
  const d = date.charCodeAt(8) * 10 + date.charCodeAt(9) - 528;
  if (!(y >= 0 && m >= 1 && m <= 12 && d >= 1 && d <= 31)) return Number.NaN;
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** Day number of the 18th birthday. */
export const eighteenthBirthday = (birthDate: string): number => civilDay(birthDate, 18);

/** Plans every AOR of the backlog. Every UC given appears exactly once in the result. */
export function planBacklog(backlog: readonly BacklogUc[], options: PlanOptions): Map<Aor, AorPlan> {
  const keyer = makePriorityKeyer(options.priority ?? DEFAULT_PRIORITY);
  const byAor = new Map<Aor, KeyedUc[]>();
  for (const uc of backlog) {
    let list = byAor.get(uc.aor);
    if (list === undefined) byAor.set(uc.aor, (list = []));
    list.push(keyer(uc));
  }
  const plans = new Map<Aor, AorPlan>();
  for (const aor of AORS) {
    const list = byAor.get(aor);
    if (list !== undefined) plans.set(aor, planKeyedAor(aor, list, options));
  }
  return plans;
}

/** 19 bits: up to 524,288 UCs an AOR sort as numbers (k1 <= 34 bits: k1 * 2^19 + index < 2^53). */
const INDEX_SPAN = 524_288;
const K1_LIMIT = 2 ** 34;

/**
 * The UCs in compareKeyed order, by one numeric sort of a Float64Array (V8 sorts typed
 * arrays natively, faster than a comparator sort of objects) of k1 * 2^19 + index, then
 * the rare runs of equal k1 put in A-number order. Every key is an integer below 2^53, so
 * the doubles are exact. Falls back to the comparator sort for an AOR over 2^19 UCs or
 * keys wider than 34 bits.
 */
export function sortKeyed(keyed: readonly KeyedUc[]): KeyedUc[] {
  const n = keyed.length;
  let wide = n > INDEX_SPAN;
  for (let i = 0; i < n && !wide; i++) wide = keyed[i]!.k1 >= K1_LIMIT;
  if (wide) return [...keyed].sort(compareKeyed);
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = keyed[i]!.k1 * INDEX_SPAN + i;
  keys.sort();
  const out: KeyedUc[] = new Array(n);
  for (let j = 0; j < n; j++) out[j] = keyed[keys[j]! % INDEX_SPAN]!;
  // Equal priority keys: the A-number decides. Runs are short with date keys; a long one
  // (a priority order of flags only) is sorted as a slice, never insertion-sorted.
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && out[end]!.k1 === out[start]!.k1) end += 1;
    if (end - start > 1) {
      const run = out.slice(start, end).sort((a, b) => a.k2 - b.k2);
      for (let j = 0; j < run.length; j++) out[start + j] = run[j]!;
    }
    start = end;
  }
  return out;
}

/** Plans one AOR from keyed UCs. */
export function planKeyedAor(aor: Aor, unsorted: readonly KeyedUc[], options: PlanOptions): AorPlan {
  const keyed = sortKeyed(unsorted);
  const slots = slotsFor(options.capacity, aor);
  const planned: PlannedUc[] = new Array(keyed.length);
  if (slots <= 0) {
    for (let i = 0; i < keyed.length; i++) planned[i] = { aNumber: keyed[i]!.uc.aNumber, aor, rank: i + 1, plannedDate: null };
    return { aor, slotsPerDay: slots, planned, unscheduled: keyed.length, firstDate: null, lastDate: null };
  }
  const days = businessDaysFrom(dayNumber(options.startDate), Math.ceil(keyed.length / slots)).map(dayString);
  for (let i = 0; i < keyed.length; i++) {
    planned[i] = { aNumber: keyed[i]!.uc.aNumber, aor, rank: i + 1, plannedDate: days[Math.floor(i / slots)]! };
  }
  return { aor, slotsPerDay: slots, planned, unscheduled: 0, firstDate: days[0] ?? null, lastDate: days[days.length - 1] ?? null };
}

export interface PlanChanges {
  readonly added: readonly PlannedUc[];
  readonly moved: readonly PlannedUc[];
  readonly unchanged: number;
  /** A-numbers in the previous plan and not in this one: the caller records why. */
  readonly removed: readonly string[];
}

/** What a re-plan changes against the stored plan: only these are written back. */
export function diffPlan(previous: ReadonlyMap<string, string | null>, plan: AorPlan): PlanChanges {
  const added: PlannedUc[] = [];
  const moved: PlannedUc[] = [];
  let unchanged = 0;
  const seen = new Set<string>();
  for (const p of plan.planned) {
    seen.add(p.aNumber);
    if (!previous.has(p.aNumber)) added.push(p);
    else if (previous.get(p.aNumber) !== p.plannedDate) moved.push(p);
    else unchanged += 1;
  }
  const removed = [...previous.keys()].filter((a) => !seen.has(a));
  return { added, moved, unchanged, removed };
}
