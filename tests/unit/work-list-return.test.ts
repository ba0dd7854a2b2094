import { describe, expect, it } from 'vitest';
import { parseOutcomeDate, parseReturnHeader, parseReturnRow } from '../../shared/domain/work-list-return';
import { workListReturnFromObjectKey } from '../../shared/use-cases/record-work-list-return';

const COLUMNS = ['A_NUMBER', 'EOIR_CASE_ID', 'NTA_SERVED_DATE', 'ADDRESS_VERIFIED_DATE', 'VERIFIED_STREET', 'VERIFIED_CITY', 'VERIFIED_STATE', 'VERIFIED_ZIP', 'I830_FILED_DATE', 'OUTCOME_NOTE'];
const header = parseReturnHeader(COLUMNS);
if (!header.ok) throw new Error('header');
const row = (values: Record<string, string>): string[] => COLUMNS.map((c) => values[c] ?? '');

describe('a returned work list row', () => {
  it('reads an NTA served by an 8-digit A-number, padded', () => {
    expect(parseReturnRow(row({ A_NUMBER: '12345678', NTA_SERVED_DATE: '2026-03-02' }), header)).toEqual({
      ok: true,
      outcome: { aNumber: '012345678', caseId: null, ntaServedOn: '2026-03-02', addressVerified: null, i830FiledOn: null },
    });
  });

  it('reads a verified address with its date (US date as Excel saves a CSV), state upper-cased, ZIP kept as text', () => {
    const r = parseReturnRow(row({ EOIR_CASE_ID: '9431127', ADDRESS_VERIFIED_DATE: '3/2/2026', VERIFIED_STREET: '1 A St', VERIFIED_STATE: 'ma', VERIFIED_ZIP: '02134' }), header);
    expect(r).toMatchObject({ ok: true, outcome: { caseId: '9431127', addressVerified: { on: '2026-03-02', address: { street: '1 A St', city: null, state: 'MA', zip: '02134' } } } });
  });

  it('treats a row with no outcome (a note at most) as not worked yet', () => {
    expect(parseReturnRow(row({ A_NUMBER: '201000101', OUTCOME_NOTE: 'called twice' }), header)).toEqual({ ok: true, outcome: null });
    expect(parseReturnRow(row({}), header)).toEqual({ ok: true, outcome: null });
  });

  it.each([
    [{ NTA_SERVED_DATE: '2026-03-02' }, 'KEY_MISSING'],
    [{ A_NUMBER: '12', NTA_SERVED_DATE: '2026-03-02' }, 'A_NUMBER_INVALID'],
    [{ EOIR_CASE_ID: 'FC1', I830_FILED_DATE: '2026-03-02' }, 'CASE_ID_INVALID'],
    [{ A_NUMBER: '201000101', NTA_SERVED_DATE: '2026-02-30' }, 'DATE_INVALID'],
    [{ A_NUMBER: '201000101', NTA_SERVED_DATE: 'yesterday' }, 'DATE_INVALID'],
    [{ EOIR_CASE_ID: '9431127', ADDRESS_VERIFIED_DATE: '2026-03-02' }, 'OUTCOME_INCOMPLETE'],
    [{ EOIR_CASE_ID: '9431127', VERIFIED_CITY: 'Boston' }, 'OUTCOME_INCOMPLETE'],
  ])('rejects %j with %s', (values, reason) => {
    expect(parseReturnRow(row(values), header)).toEqual({ ok: false, reason });
  });

  it('refuses a sheet with no key column or no outcome column', () => {
    expect(parseReturnHeader(['NAME', 'NTA_SERVED_DATE'])).toMatchObject({ ok: false, reason: 'HEADER_MISSING_COLUMNS', detail: expect.stringContaining('A_NUMBER or EOIR_CASE_ID') });
    expect(parseReturnHeader(['A_NUMBER', 'OUTCOME_NOTE'])).toMatchObject({ ok: false, reason: 'HEADER_MISSING_COLUMNS', detail: expect.stringContaining('outcome column') });
    expect(parseReturnHeader(undefined)).toMatchObject({ ok: false, reason: 'TABLE_EMPTY' });
  });

  it('reads dates as the work list writes them and as Excel saves them', () => {
    expect(['2026-03-02', '2026-03-02 00:00:00', '3/2/2026', '03/02/2026', '2/29/2025'].map(parseOutcomeDate)).toEqual(['2026-03-02', '2026-03-02', '2026-03-02', '2026-03-02', null]);
  });
});

describe('the S3 key of a returned work list', () => {
  it('names the AOR (any letter case) and the file, .xlsx or .csv in any case', () => {
    expect(workListReturnFromObjectKey('returns/bos/2026-03-02.XLSX')).toEqual({ aor: 'BOS', fileName: '2026-03-02.XLSX', objectKey: 'returns/bos/2026-03-02.XLSX' });
    expect(workListReturnFromObjectKey('returns/BOS/list.csv')?.aor).toBe('BOS');
    expect(workListReturnFromObjectKey('returns/BOS/list.pdf')).toBeUndefined();
    expect(workListReturnFromObjectKey('returns/list.csv')).toBeUndefined();
    expect(workListReturnFromObjectKey('worklists/BOS/list.csv')).toBeUndefined();
  });
});
