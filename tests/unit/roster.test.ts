import { describe, expect, it } from 'vitest';
import { backlogStatus, parseRosterHeader, parseRosterRow } from '../../shared/domain/roster';
import { rosterFromObjectKey } from '../../shared/use-cases/ingest-roster';

const HEADER =
  'A_NUMBER,FIRST_NAME,LAST_NAME,BIRTH_DATE,COUNTRY,ORR_TRANSFER_DATE,ORR_RELEASE_DATE,RELEASE_TYPE,SPONSOR_NAME,SPONSOR_RELATIONSHIP,SPONSOR_STREET,SPONSOR_CITY,SPONSOR_STATE,SPONSOR_ZIP,AOR,NTA_SERVED_DATE,EOIR_CASE_ID';
const header = parseRosterHeader(HEADER.split(','));
if (!header.ok) throw new Error('header');
const row = (over: Record<string, string> = {}): string[] => {
  const base: Record<string, string> = {
    A_NUMBER: '12345678', FIRST_NAME: 'Ana', LAST_NAME: 'Doe', BIRTH_DATE: '2010-02-03', COUNTRY: 'GT',
    ORR_TRANSFER_DATE: '2023-01-05', ORR_RELEASE_DATE: '2023-02-01', RELEASE_TYPE: 'SPONSOR', SPONSOR_NAME: 'Doe, Maria',
    SPONSOR_RELATIONSHIP: 'AUNT', SPONSOR_STREET: '1 Main St', SPONSOR_CITY: 'Houston', SPONSOR_STATE: 'tx', SPONSOR_ZIP: '77002',
    AOR: 'HOU', NTA_SERVED_DATE: '', EOIR_CASE_ID: '',
  };
  return HEADER.split(',').map((c) => over[c] ?? base[c] ?? '');
};

describe('UC roster rows', () => {
  it('reads a row, pads the 8-digit A-number and keeps commas in fields', () => {
    const r = parseRosterRow(row(), header);
    expect(r).toMatchObject({ ok: true, value: { aNumber: '012345678', sponsorName: 'Doe, Maria', aor: 'HOU', sponsorAddress: { state: 'TX' } } });
  });

  it.each([
    [{ A_NUMBER: '1234' }, 'A_NUMBER_INVALID'],
    [{ A_NUMBER: '' }, 'A_NUMBER_INVALID'],
    [{ BIRTH_DATE: '03/02/2010' }, 'DATE_INVALID'],
    [{ ORR_RELEASE_DATE: '2023-02-30' }, 'DATE_INVALID'],
    [{ AOR: 'XYZ' }, 'AOR_INVALID'],
    [{ RELEASE_TYPE: 'PAROLE' }, 'RELEASE_TYPE_INVALID'],
    [{ EOIR_CASE_ID: 'FC12' }, 'CASE_ID_INVALID'],
  ])('rejects %j with %s', (over, reason) => {
    expect(parseRosterRow(row(over), header)).toEqual({ ok: false, reason });
  });

  it('reads a short row with its missing trailing fields empty, as Excel writes it', () => {
    const r = parseRosterRow(row().slice(0, 15), header);
    expect(r).toMatchObject({ ok: true, value: { aNumber: '012345678', aor: 'HOU', ntaServedDate: null, eoirCaseId: null } });
  });

  it('rejects extra fields that hold something, and takes empty ones (a stray trailing comma)', () => {
    expect(parseRosterRow([...row(), '9431127'], header)).toEqual({ ok: false, reason: 'ROW_EXTRA_FIELDS' });
    expect(parseRosterRow([...row(), '', ' '], header)).toMatchObject({ ok: true });
  });

  it('refuses a header without the planning columns, and an empty one', () => {
    expect(parseRosterHeader(['A_NUMBER', 'FIRST_NAME'])).toMatchObject({ ok: false, reason: 'HEADER_MISSING_COLUMNS' });
    expect(parseRosterHeader(['NAME', 'ZIP'])).toMatchObject({ ok: false, reason: 'HEADER_MISSING_COLUMNS', detail: expect.stringContaining('A_NUMBER') });
    expect(parseRosterHeader([''])).toMatchObject({ ok: false, reason: 'TABLE_EMPTY' });
    expect(parseRosterHeader(undefined)).toMatchObject({ ok: false, reason: 'TABLE_EMPTY' });
  });

  it('matches header names trimmed, in any letter case, after a BOM', () => {
    const h = parseRosterHeader(HEADER.split(',').map((c, i) => (i === 0 ? `\uFEFF ${c.toLowerCase()} ` : c.toLowerCase())));
    if (!h.ok) throw new Error('header');
    expect(parseRosterRow(row(), h)).toMatchObject({ ok: true, value: { aNumber: '012345678' } });
  });

  it('puts a released UC without NTA or EOIR case in the backlog, and no one else', () => {
    expect(backlogStatus({ orrReleaseDate: '2023-01-01', ntaServedDate: null, eoirCaseId: null })).toBe('BACKLOG');
    expect(backlogStatus({ orrReleaseDate: null, ntaServedDate: null, eoirCaseId: null })).toBe('IN_ORR_CARE');
    expect(backlogStatus({ orrReleaseDate: '2023-01-01', ntaServedDate: '2023-05-01', eoirCaseId: null })).toBe('NTA_SERVED');
    expect(backlogStatus({ orrReleaseDate: '2023-01-01', ntaServedDate: null, eoirCaseId: '9431127' })).toBe('EOIR_CASE');
  });
});

describe('which objects under rosters/ are rosters, by name', () => {
  it('reads a .csv in a roster folder whatever the letter case of its extension', () => {
    expect(rosterFromObjectKey('rosters/2026-11/ROSTER.CSV', 'rosters/')).toEqual({ rosterId: '2026-11', objectKey: 'rosters/2026-11/ROSTER.CSV' });
    expect(rosterFromObjectKey('rosters/2026-11/roster.Csv', 'rosters/')).toEqual({ rosterId: '2026-11', objectKey: 'rosters/2026-11/roster.Csv' });
  });
  it('refuses anything else under the prefix with its reason, and leaves keys outside the prefix alone', () => {
    expect(rosterFromObjectKey('rosters/2026-11/notes.txt', 'rosters/')?.refusal).toEqual({
      reason: 'NOT_A_ROSTER_FILE',
      detail: 'notes.txt: not a .csv file; a roster is rosters/<rosterId>/<name>.csv',
    });
    expect(rosterFromObjectKey('rosters/roster.csv', 'rosters/')?.refusal).toMatchObject({ reason: 'NOT_A_ROSTER_FILE', detail: expect.stringContaining('not in a roster folder') });
    expect(rosterFromObjectKey('drops/d1/roster.csv', 'rosters/')).toBeUndefined();
  });
});
