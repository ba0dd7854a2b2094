import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CaseKeySet, caseKeyIn, caseKeyInBytes, caseKeyOf } from '../../shared/domain/ingest-rules/case-keys';

/*
 * Case keys against the format's own terms: an EOIR integer key is 1-12 ASCII digits kept
 * as a string (leading zeros count), so two IDNCASE values share a case key exactly when
 * they are the same string; anything else has none (-1). The set against a JS Set of the
 * strings.
 */

const digitString = fc.stringMatching(/^[0-9]{1,12}$/);
/** Strings near the edge of a key: empty, 13 digits, a letter, a space, a sign, a non-ASCII digit. */
const notKey = fc.oneof(
  fc.constantFrom('', '1234567890123', '12a', ' 12', '12 ', '-1', '+1', '1.0', '１２', '1e3', '0x1'),
  fc.string().filter((s) => !/^[0-9]{1,12}$/.test(s)),
);

describe('case keys', () => {
  it('are the digits value plus the digit count times 10^12 for every 1-12 digit string, leading zeros included', () => {
    fc.assert(
      fc.property(digitString, (id) => {
        expect(caseKeyOf(id)).toBe(Number(id) + id.length * 1e12);
        expect(caseKeyInBytes(Buffer.from(`\t${id}\t`, 'latin1'), 1, id.length + 1)).toBe(caseKeyOf(id));
        expect(caseKeyIn(`x${id}y`, 1, id.length + 1)).toBe(caseKeyOf(id));
      }),
    );
  });
  it('are equal for two digit strings exactly when the strings are', () => {
    fc.assert(
      fc.property(digitString.chain((a) => fc.tuple(fc.constant(a), fc.oneof(fc.constant(a), fc.constant(`0${a}`.slice(0, 12)), digitString))), ([a, b]) => {
        expect(caseKeyOf(a) === caseKeyOf(b)).toBe(a === b);
      }),
    );
    expect(caseKeyOf('0123')).not.toBe(caseKeyOf('123'));
    expect(caseKeyOf('0')).not.toBe(caseKeyOf('00'));
  });
  it('are -1 for anything that is not 1-12 ASCII digits, on strings and on bytes', () => {
    fc.assert(
      fc.property(notKey, (s) => {
        expect(caseKeyOf(s)).toBe(-1);
        const bytes = Buffer.from(s, 'utf8');
        expect(caseKeyInBytes(bytes, 0, bytes.length)).toBe(-1);
      }),
    );
  });
});

describe('CaseKeySet', () => {
  it('holds exactly the keys added, as a Set of the IDNCASE strings does, through its growth', () => {
    fc.assert(
      fc.property(fc.array(digitString, { maxLength: 300 }), fc.array(digitString, { maxLength: 100 }), fc.integer({ min: 0, max: 64 }), (added, probes, expected) => {
        const set = new CaseKeySet(expected);
        const model = new Set<string>();
        for (const id of added) {
          set.add(caseKeyOf(id));
          model.add(id);
        }
        expect(set.size).toBe(model.size);
        for (const id of [...added, ...probes]) expect(set.has(caseKeyOf(id))).toBe(model.has(id));
      }),
    );
  });
  it('holds consecutive IDNCASEs (as EOIR numbers cases) and tells them from their zero-padded forms', () => {
    const set = new CaseKeySet();
    for (let id = 9_000_000; id < 9_050_000; id += 2) set.add(caseKeyOf(String(id)));
    expect(set.size).toBe(25_000);
    for (let id = 8_999_990; id < 9_050_010; id++) expect(set.has(caseKeyOf(String(id)))).toBe(id >= 9_000_000 && id < 9_050_000 && id % 2 === 0);
    expect(set.has(caseKeyOf('09000000'))).toBe(false);
  });
  it('refuses a number that is no case key', () => {
    const set = new CaseKeySet();
    for (const bad of [-1, 0, 123, 1e12 - 1, 13e12, 1e12 + 0.5, Number.NaN]) expect(() => set.add(bad)).toThrow(RangeError);
    expect(set.size).toBe(0);
  });
});
