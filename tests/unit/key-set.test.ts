import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeySet, numericKey, numericKeyIn, numericKeyInBytes } from '../../shared/lib/key-set';

/*
 * The compact set of record keys the ingest keeps per chunk and per run: the same answers
 * as a Set<string> for any keys, and a table of at most 16 bytes a numeric key.
 */

/** Keys like EOIR's (decimal ids) mixed with the ones that must not be taken for numbers. */
const key = fc.oneof(
  fc.integer({ min: 0, max: 2000 }).map(String),
  fc.integer({ min: 0xffff_fff0, max: 0x1_0000_0010 }).map(String),
  fc.constantFrom('', '0', '00', '007', '7', '-1', '+1', '1.0', ' 1', '1 ', '4294967294', '4294967295', '99999999999', 'A123'),
  fc.string({ maxLength: 12 }),
);

describe('KeySet', () => {
  it('answers has and add as a Set<string> does, for any keys in any order', () => {
    fc.assert(
      fc.property(fc.array(key, { maxLength: 300 }), fc.array(key, { maxLength: 50 }), (added, asked) => {
        const set = new KeySet();
        const model = new Set<string>();
        for (const k of added) {
          expect(set.add(k), `add(${JSON.stringify(k)})`).toBe(!model.has(k));
          model.add(k);
        }
        expect(set.size).toBe(model.size);
        for (const k of [...asked, ...added]) expect(set.has(k), `has(${JSON.stringify(k)})`).toBe(model.has(k));
      }),
    );
  });

  it('keeps "7", "007" and "07" apart, and the largest id apart from its neighbours', () => {
    const set = new KeySet();
    set.add('7');
    set.add('4294967294');
    expect(['7', '007', '07', '4294967294', '4294967295', '4294967293'].map((k) => set.has(k))).toEqual([true, false, false, true, false, false]);
  });

  it('holds 200,000 sequential or strided EOIR ids in at most 16 bytes a key', () => {
    for (const stride of [1, 3, 1024]) {
      const set = new KeySet();
      for (let i = 0; i < 200_000; i++) set.add(String(40_000_000 + i * stride));
      expect(set.size).toBe(200_000);
      expect(set.tableBytes, `stride ${stride}`).toBeLessThanOrEqual(16 * 200_000);
      expect(set.has(String(40_000_000 + 199_999 * stride))).toBe(true);
      expect(set.has(String(40_000_000 + 200_000 * stride))).toBe(false);
    }
  });

  it('gives its memory back on clear', () => {
    const set = new KeySet();
    for (let i = 0; i < 10_000; i++) set.add(String(i));
    set.add('A1');
    set.clear();
    expect([set.size, set.has('1'), set.has('A1')]).toEqual([0, false, false]);
    expect(set.tableBytes).toBeLessThanOrEqual(64);
  });
});

describe('numericKey', () => {
  it('reads plain decimals below 2^32 only', () => {
    expect(['0', '12', '4294967294', '4294967295', '007', '', '-3', '1e3', '12a', '１２', '99999999999'].map(numericKey)).toEqual([0, 12, 4294967294, -1, -1, -1, -1, -1, -1, -1, -1]);
  });

  it('is the number of a plain decimal below 2^32 - 1, and none (-1) for any other string', () => {
    // The model, from the rule alone: no sign, no leading zero but "0", ASCII digits only.
    const model = (k: string): number => (/^(0|[1-9][0-9]*)$/.test(k) && Number(k) <= 0xffff_fffe ? Number(k) : -1);
    fc.assert(
      fc.property(key, (k) => {
        expect(numericKey(k)).toBe(model(k));
      }),
    );
  });

  it('reads the same inside a longer string and on the bytes (as the row scan reads a field)', () => {
    fc.assert(
      fc.property(key, fc.string({ maxLength: 3 }), fc.string({ maxLength: 3 }), (k, before, after) => {
        expect(numericKeyIn(`${before}${k}${after}`, before.length, before.length + k.length)).toBe(numericKey(k));
        // On its UTF-8 bytes: a key with any non-ASCII character has no number either way.
        const bytes = Buffer.from(`${before}${k}${after}`, 'utf8');
        const a = Buffer.byteLength(before, 'utf8');
        expect(numericKeyInBytes(bytes, a, a + Buffer.byteLength(k, 'utf8'))).toBe(numericKey(k));
      }),
    );
  });

  it('asks a KeySet without a string: hasNumeric of a key\'s number answers as the keys added', () => {
    fc.assert(
      fc.property(fc.array(key, { maxLength: 200 }), fc.array(key, { maxLength: 50 }), (added, asked) => {
        const set = new KeySet();
        for (const k of added) set.add(k);
        for (const k of [...added, ...asked].filter((x) => numericKey(x) >= 0)) expect(set.hasNumeric(numericKey(k)), k).toBe(added.includes(k));
      }),
    );
    const set = new KeySet();
    for (let id = 9_000_000; id < 9_050_000; id += 2) set.add(String(id));
    for (let id = 8_999_990; id < 9_050_010; id++) expect(set.hasNumeric(id)).toBe(id >= 9_000_000 && id < 9_050_000 && id % 2 === 0);
  });
});
