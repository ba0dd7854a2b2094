import { describe, expect, it } from 'vitest';
import type { DropPii } from '../helpers/drop-generator';
import { scanForPii } from '../helpers/pii-scanner';

const known: DropPii = {
  aNumbers: ['208123456'],
  lastNames: ['Hernández-Bxy'],
  firstNames: ['Yesenia'],
  streets: ['1234 Calle Esperanza'],
  birthDates: ['2011-04-17'],
};

describe('the PII scanner the log tests rely on', () => {
  it.each([
    ['an A-number', '{"level":"INFO","message":"row","alien":"A208-123-456"}', 'A_NUMBER'],
    ['an unknown A-number', '{"message":"x","v":"A 0"} 098765432', 'A_NUMBER'],
    ['a name, JSON-escaped', '{"message":"row","v":"Hern\\u00e1ndez-Bxy"}', 'NAME'],
    ['a first name in any case', 'failed for YESENIA', 'NAME'],
    ['a street', '{"detail":"1234 calle esperanza"}', 'STREET'],
    ['a birth date', '{"dob":"2011-04-17 00:00:00.000"}', 'BIRTH_DATE'],
  ])('finds %s', (_what, line, kind) => {
    expect(scanForPii([line], [known]).map((f) => f.kind)).toContain(kind);
  });

  it('leaves ids, counts and timestamps alone', () => {
    const line =
      '{"level":"INFO","message":"drop ingested","timestamp":"2026-11-28T04:00:00.123Z","dropId":"generated-11","caseId":"3022001","ftaId":"IA-7022001","scheduleId":"48120002","function_request_id":"0e9f7c1a-1234-4cde-8f00-123456789012","xray":"1-67891234-123456789012345678901234","ftas":{"new":31}}';
    expect(scanForPii([line], [known])).toEqual([]);
  });
});
