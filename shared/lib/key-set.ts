/*
 * A set of record keys in a few bytes a key. EOIR's keys (IDNCASE, IDNPROCEEDING,
 * IDNSCHEDULE, idnJuvenileHistory) are decimal numbers below 2^32; a Set<string> of them
 * costs about 50 bytes a key on V8 (the string's own object and the set's entry), and the
 * ingest keeps such sets per chunk (the keys first seen in it) and per run (the UC cases
 * known): at 4x rows they were a third of the heap's growth. No AWS, no domain.
 */

/** Largest key held as a number (the slot value key + 1 must fit a Uint32; 0 marks an empty slot). */
const MAX_NUMERIC_KEY = 0xffff_fffe;
const MIN_SLOTS = 16;

/**
 * The number a key stands for when it is a plain decimal below 2^32 (no sign, no leading
 * zero but "0" itself, no spaces), else -1: only such keys are held as numbers, so a key
 * and its number are one to one (`"007"` and `"7"` stay two keys).
 */
export const numericKey = (key: string): number => numericKeyIn(key, 0, key.length);

/** numericKey of `s[a..b)`, without cutting it out of `s`. */
export function numericKeyIn(s: string, a: number, b: number): number {
  const n = b - a;
  if (n <= 0 || n > 10) return -1;
  if (s.charCodeAt(a) === 0x30) return n === 1 ? 0 : -1;
  let v = 0;
  for (let i = a; i < b; i++) {
    const d = s.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v <= MAX_NUMERIC_KEY ? v : -1;
}

/** numericKey of the ASCII bytes `bytes[a..b)` (a key read straight off a file's bytes). */
export function numericKeyInBytes(bytes: Uint8Array, a: number, b: number): number {
  const n = b - a;
  if (n <= 0 || n > 10) return -1;
  if (bytes[a] === 0x30) return n === 1 ? 0 : -1;
  let v = 0;
  for (let i = a; i < b; i++) {
    const d = (bytes[i] as number) - 0x30;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v <= MAX_NUMERIC_KEY ? v : -1;
}

/**
 * A set of string keys: plain decimal keys below 2^32 (`numericKey`) in an open-addressed
 * Uint32Array (4 bytes a slot, at most half the slots used: 8-16 bytes a key), any other
 * key in a Set<string> beside it. Same answers as a Set<string>; no iteration or deletion
 * (the ingest only adds and asks).
 */
export class KeySet {
  private slots = new Uint32Array(MIN_SLOTS);
  /** 32 - log2(slots): the hash's top bits index the table. */
  private shift = 32 - Math.log2(MIN_SLOTS);
  private numeric = 0;
  private others: Set<string> | null = null;

  /** Keys held. */
  get size(): number {
    return this.numeric + (this.others?.size ?? 0);
  }

  /** Bytes of the numeric table (the other keys are a Set<string>, ~50 bytes each). */
  get tableBytes(): number {
    return this.slots.byteLength;
  }

  has(key: string): boolean {
    const v = numericKey(key);
    if (v < 0) return this.others?.has(key) === true;
    return this.slots[this.find(v + 1)] !== 0;
  }

  /**
   * Whether the key whose numericKey is `v` (>= 0) is held: a lookup with no string, for a
   * key read off the bytes (numericKeyInBytes). A key with no number (-1) must be asked
   * with `has`.
   */
  hasNumeric(v: number): boolean {
    return this.slots[this.find(v + 1)] !== 0;
  }

  /** Adds the key; true when it was not held before. */
  add(key: string): boolean {
    const v = numericKey(key);
    if (v < 0) {
      const others = (this.others ??= new Set());
      const before = others.size;
      others.add(key);
      return others.size > before;
    }
    const at = this.find(v + 1);
    if (this.slots[at] !== 0) return false;
    this.slots[at] = v + 1;
    this.numeric += 1;
    if (this.numeric * 2 > this.slots.length) this.grow();
    return true;
  }

  /** Forgets every key and gives back the table's memory. */
  clear(): void {
    this.slots = new Uint32Array(MIN_SLOTS);
    this.shift = 32 - Math.log2(MIN_SLOTS);
    this.numeric = 0;
    this.others = null;
  }

  /** The slot holding `stored` (key + 1), or the empty slot where it would go (linear probing). */
  private find(stored: number): number {
    const mask = this.slots.length - 1;
    // Fibonacci hashing (the product's top bits) spreads ids, sequential or strided, over the table.
    let at = Math.imul(stored, 0x9e37_79b1) >>> this.shift;
    for (;;) {
      const s = this.slots[at] as number;
      if (s === 0 || s === stored) return at;
      at = (at + 1) & mask;
    }
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Uint32Array(old.length * 2);
    this.shift -= 1;
    for (const s of old) if (s !== 0) this.slots[this.find(s)] = s;
  }
}
