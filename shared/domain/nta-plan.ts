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
 * The priority keys of one UC, in the configured order, as one number (flags 1 bit, days
 * 16 bits: at most 34 bits with each key once, exact in a double); lower plans first.
 * A switch rather than a closure per key: this runs once per backlog UC on every plan.
 */
export function priorityValue(uc: BacklogUc, priority: readonly PriorityKey[]): number {
  let k1 = 0;
  for (let i = 0; i < priority.length; i++) {
    const key = priority[i]!;
    switch (key) {
      case 'PRIOR_FTA':
        k1 = k1 * 2 + (uc.priorFta ? 0 : 1);
        break;
      case 'SAFETY_FLAG':
        k1 = k1 * 2 + (uc.safetyFlag ? 0 : 1);
        break;
      case 'LONGEST_SINCE_RELEASE':
        k1 = k1 * DAY_SPAN + clampDay(civilDay(uc.releaseDate, 0));
        break;
      case 'NEAREST_18TH_BIRTHDAY':
        k1 = k1 * DAY_SPAN + (uc.birthDate === null ? UNKNOWN_DAY : clampDay(civilDay(uc.birthDate, 18)));
        break;
      default: {
        const never: never = key;
        throw new Error(`unknown priority key ${String(never)}`);
      }
    }
  }
  return k1;
}

/** Refuses an unknown priority key before any UC is planned, even with an empty backlog. */
function checkPriority(priority: readonly PriorityKey[]): void {
  for (const key of priority) if (!PRIORITY_KEYS.includes(key)) throw new Error(`unknown priority key ${String(key)}`);
}

/**
 * The keys of a UC as an object (k1 the priority keys, k2 the A-number), so a comparison
 * is two subtractions: the comparator form of the plan's order (compareKeyed).
 */
export function makePriorityKeyer(priority: readonly PriorityKey[]): (uc: BacklogUc) => KeyedUc {
  checkPriority(priority);
  return (uc) => ({ uc, k1: priorityValue(uc, priority), k2: aNumberValue(uc.aNumber) });
}

export const priorityKey = (uc: BacklogUc, priority: readonly PriorityKey[]): KeyedUc => makePriorityKeyer(priority)(uc);

/** The 9 digits of an A-number as an integer (faster than Number() on a string). */
function aNumberValue(a: string): number {
  let v = 0;
  for (let i = 0; i < a.length; i++) v = v * 10 + (a.charCodeAt(i) - 48);
  return v;
}

/** The plan's order: priority keys, then A-number (a stable sort keeps input order after that). */
export const compareKeyed = (a: Pick<KeyedUc, 'k1' | 'k2'>, b: Pick<KeyedUc, 'k1' | 'k2'>): number => a.k1 - b.k1 || a.k2 - b.k2;

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

const AOR_INDEX: ReadonlyMap<string, number> = new Map(AORS.map((aor, i) => [aor, i]));

/**
 * Plans every AOR of the backlog: a Map from AOR (in AORS order, only AORs with a UC) to its
 * plan. Every UC given appears exactly once in the result; a UC whose AOR is not one of AORS
 * is not planned. Throws on an unknown priority key.
 *
 * Works on indices into `backlog` and typed arrays, since the whole backlog (~300,000 UCs)
 * may be planned at once: each UC object is read once, in input order, for its AOR, its
 * priority keys (priorityValue) and its A-number; the UCs are grouped by AOR with a
 * counting sort; each AOR is ordered by sortByPriority. No object is made per UC besides
 * the PlannedUc returned (and a pair per UC in a run of equal priority keys).
 */
export function planBacklog(backlog: readonly BacklogUc[], options: PlanOptions): Map<Aor, AorPlan> {
  const priority = options.priority ?? DEFAULT_PRIORITY;
  checkPriority(priority);
  // Counting sort by AOR, input order kept within an AOR: members[start[a] .. start[a + 1]).
  const aorOf = new Int32Array(backlog.length);
  const k1 = new Float64Array(backlog.length);
  // Copied in input order: the plan then reads A-numbers in its own order from one compact
  // array, not from UC objects scattered over the heap (a cache miss each).
  const aNumbers: string[] = new Array(backlog.length);
  const start = new Int32Array(AORS.length + 1);
  for (let i = 0; i < backlog.length; i++) {
    const uc = backlog[i]!;
    const a = AOR_INDEX.get(uc.aor) ?? -1;
    aorOf[i] = a;
    if (a >= 0) start[a + 1]! += 1;
    k1[i] = priorityValue(uc, priority);
    aNumbers[i] = uc.aNumber;
  }
  for (let a = 0; a < AORS.length; a++) start[a + 1]! += start[a]!;
  const members = new Int32Array(start[AORS.length]!);
  const fill = start.slice(0, AORS.length);
  for (let i = 0; i < backlog.length; i++) {
    const a = aorOf[i]!;
    if (a >= 0) members[fill[a]!++] = i;
  }
  const plans = new Map<Aor, AorPlan>();
  for (let a = 0; a < AORS.length; a++) {
    if (start[a + 1] === start[a]) continue;
    const order = sortByPriority(members.subarray(start[a], start[a + 1]), k1, aNumbers);
    plans.set(AORS[a]!, planAor(AORS[a]!, aNumbers, order, options));
  }
  return plans;
}

/** 19 bits: up to 524,288 UCs an AOR sort as numbers (k1 <= 34 bits: k1 * 2^19 + index < 2^53). */
const INDEX_SPAN = 524_288;
const K1_LIMIT = 2 ** 34;

/**
 * `members` (indices into the backlog, in input order) in compareKeyed order: priority keys,
 * then A-number, then input order. `k1[i]` is priorityValue of backlog UC i, `aNumbers[i]`
 * its A-number. One numeric sort of a Float64Array (V8 sorts typed arrays natively, faster
 * than a comparator sort of objects) of k1 * 2^19 + position, then the rare runs of equal k1
 * put in A-number order (A-numbers are parsed only for those). Every key is an integer below
 * 2^53, so the doubles are exact. Falls back to the comparator sort for an AOR over 2^19 UCs
 * or keys wider than 34 bits (a priority key given twice).
 */
export function sortByPriority(members: Int32Array, k1: Float64Array, aNumbers: readonly string[]): Int32Array {
  const n = members.length;
  const keys = new Float64Array(n);
  let wide = n > INDEX_SPAN;
  for (let j = 0; j < n; j++) {
    const k = k1[members[j]!]!;
    wide ||= k >= K1_LIMIT;
    keys[j] = k * INDEX_SPAN + j;
  }
  if (wide) {
    const keyed = Array.from(members, (i) => ({ i, k1: k1[i]!, k2: aNumberValue(aNumbers[i]!) }));
    return Int32Array.from(keyed.sort(compareKeyed), (k) => k.i);
  }
  keys.sort();
  const order = new Int32Array(n);
  // The k1 of each sorted position, exact: the division by 2^19 and the floor lose nothing.
  const sortedK1 = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const high = Math.floor(keys[j]! / INDEX_SPAN);
    sortedK1[j] = high;
    order[j] = members[keys[j]! - high * INDEX_SPAN]!;
  }
  // Equal priority keys: the A-number decides (a stable sort: input order after it). Runs
  // are short with date keys; a long one (a priority order of flags only) is sorted as a slice.
  for (let from = 0; from < n; ) {
    let to = from + 1;
    while (to < n && sortedK1[to] === sortedK1[from]) to += 1;
    if (to - from > 1) {
      const run = Array.from(order.subarray(from, to), (i) => ({ i, k2: aNumberValue(aNumbers[i]!) }));
      run.sort((x, y) => x.k2 - y.k2);
      for (let j = 0; j < run.length; j++) order[from + j] = run[j]!.i;
    }
    from = to;
  }
  return order;
}

/** Plans one AOR: `order` holds indices into `aNumbers` (the backlog's), in plan order. */
function planAor(aor: Aor, aNumbers: readonly string[], order: Int32Array, options: PlanOptions): AorPlan {
  const n = order.length;
  const slots = slotsFor(options.capacity, aor);
  const planned: PlannedUc[] = new Array(n);
  if (slots <= 0) {
    for (let i = 0; i < n; i++) planned[i] = { aNumber: aNumbers[order[i]!]!, aor, rank: i + 1, plannedDate: null };
    return { aor, slotsPerDay: slots, planned, unscheduled: n, firstDate: null, lastDate: null };
  }
  const days = businessDaysFrom(dayNumber(options.startDate), Math.ceil(n / slots)).map(dayString);
  for (let i = 0; i < n; i++) {
    planned[i] = { aNumber: aNumbers[order[i]!]!, aor, rank: i + 1, plannedDate: days[Math.floor(i / slots)]! };
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
