/**
 * IDNCASE values as numbers, for telling a row's case apart without cutting its IDNCASE
 * into a string. EOIR integer keys are 1-12 ASCII digits kept as strings (eoir-format.md:
 * `0123` and `123` are different keys), so a case key is the digits' value plus the digit
 * count times 10^12: two IDNCASE values have the same case key exactly when they are the
 * same string. Every case key is below 2^53 (an exact double) and at least 10^12 (never 0).
 */

/** 10^12: above every value of 12 digits. */
const LENGTH_UNIT = 1e12;
/** The longest EOIR integer key. */
const MAX_KEY_DIGITS = 12;

/** The case key of `s[a..b)`, or -1 when that is not 1-12 ASCII digits. */
export function caseKeyIn(s: string, a: number, b: number): number {
  const len = b - a;
  if (len < 1 || len > MAX_KEY_DIGITS) return -1;
  let v = 0;
  for (let p = a; p < b; p++) {
    const d = s.charCodeAt(p) - 0x30;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v + len * LENGTH_UNIT;
}

/** caseKeyIn over bytes: the case key of the ASCII digits `bytes[a..b)`, or -1 when they are not 1-12 digits. */
export function caseKeyInBytes(bytes: Uint8Array, a: number, b: number): number {
  const len = b - a;
  if (len < 1 || len > MAX_KEY_DIGITS) return -1;
  let v = 0;
  for (let p = a; p < b; p++) {
    const d = (bytes[p] as number) - 0x30;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v + len * LENGTH_UNIT;
}

/** The case key of an IDNCASE value, or -1 when it is not an EOIR integer key (1-12 digits). */
export const caseKeyOf = (caseId: string): number => caseKeyIn(caseId, 0, caseId.length);

/**
 * A set of case keys in one typed array (open addressing, linear probing, kept at most half
 * full): a lookup hashes a number and reads a few slots, no string and no object per case.
 * In front of it, one bit per key's low bits (at least 16 bits per key held): most keys not
 * held are told by one bit, and rows of consecutive IDNCASEs (as EOIR numbers cases) read
 * neighbouring bits, where the slots of a hash are spread over the whole table.
 */
export class CaseKeySet {
  private slots: Float64Array;
  private mask: number;
  private bits: Int32Array;
  private bitMask: number;
  /** Case keys held. */
  size = 0;

  constructor(expected = 1024) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.slots = new Float64Array(capacity);
    this.mask = capacity - 1;
    this.bits = new Int32Array(capacity / 4);
    this.bitMask = capacity * 8 - 1;
  }

  /** Adds a case key (>= 10^12, from caseKeyIn); any other number is refused with a RangeError. */
  add(key: number): void {
    if (!(key >= LENGTH_UNIT && key < (MAX_KEY_DIGITS + 1) * LENGTH_UNIT && Number.isInteger(key))) throw new RangeError(`not a case key: ${key}`);
    if (2 * (this.size + 1) > this.slots.length) this.grow();
    if (this.put(this.slots, this.mask, key)) {
      this.size += 1;
      setBit(this.bits, (key >>> 0) & this.bitMask);
    }
  }

  /** Whether the key was added. */
  has(key: number): boolean {
    const bit = (key >>> 0) & this.bitMask;
    if (((this.bits[bit >>> 5] as number) & (1 << (bit & 31))) === 0) return false;
    const slots = this.slots;
    const mask = this.mask;
    for (let i = slotOf(key, mask); ; i = (i + 1) & mask) {
      const k = slots[i] as number;
      if (k === key) return true;
      if (k === 0) return false;
    }
  }

  /** Puts `key` in `slots` unless there; returns whether it was added. */
  private put(slots: Float64Array, mask: number, key: number): boolean {
    for (let i = slotOf(key, mask); ; i = (i + 1) & mask) {
      const k = slots[i] as number;
      if (k === key) return false;
      if (k === 0) {
        slots[i] = key;
        return true;
      }
    }
  }

  private grow(): void {
    const old = this.slots;
    const slots = new Float64Array(old.length * 2);
    const mask = slots.length - 1;
    const bits = new Int32Array(slots.length / 4);
    const bitMask = slots.length * 8 - 1;
    for (const k of old) {
      if (k === 0) continue;
      this.put(slots, mask, k);
      setBit(bits, (k >>> 0) & bitMask);
    }
    this.slots = slots;
    this.mask = mask;
    this.bits = bits;
    this.bitMask = bitMask;
  }
}

function setBit(bits: Int32Array, bit: number): void {
  bits[bit >>> 5] = (bits[bit >>> 5] as number) | (1 << (bit & 31));
}

/** A key's first slot: its low and high 32 bits mixed (consecutive IDNCASEs spread out). */
function slotOf(key: number, mask: number): number {
  const lo = key >>> 0;
  const hi = (key / 4294967296) >>> 0;
  let h = Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1);
  h ^= h >>> 15;
  return h & mask;
}
