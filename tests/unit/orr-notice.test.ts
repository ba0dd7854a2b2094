import { describe, expect, it } from 'vitest';
import { toCaseDetails } from '../../shared/adapters/cases-table/dynamo-case-details';
import { ageOn, NO_CASE_DETAILS, toBirthMonth, type CaseDetails } from '../../shared/domain/case-details';
import type { Fta } from '../../shared/domain/fta';
import { correctionView, digestCsv, ftaNoticeView } from '../../shared/domain/orr-notice';
import { loadNoticeRenderer } from '../../shared/runtime/templates';

const fta = (over: Partial<Fta> = {}): Fta => ({
  ftaId: 'IA-9329338',
  kind: 'IN_ABSENTIA_ORDER',
  caseId: '9431124',
  proceedingId: '9329338',
  scheduleId: null,
  date: '2020-02-24',
  court: 'HOU',
  aor: 'HOU',
  provenance: { dropId: 'drop-1', table: 'B_TblProceeding', lineNumber: 7 },
  ...over,
});

const known: CaseDetails = {
  ...NO_CASE_DETAILS,
  aNumber: '012345678',
  firstName: 'Ana',
  lastName: 'Pérez <Test>',
  birthMonth: '2007-05',
  country: 'Honduras',
  sponsorName: 'Maria Pérez',
  sponsorRelationship: 'Aunt',
  orrCaseId: 'ORR-555',
  addresses: [
    { source: 'EOIR_ADDRESS_OF_RECORD', street: '1 Main St', city: 'Houston', state: 'TX', zip: '77002', asOf: '2019-06-01' },
    { source: 'ORR_SPONSOR', street: '9 Oak Ave', city: 'Dallas', state: 'TX', zip: '75201', asOf: '2019-09-15' },
  ],
  hearings: [],
};

const renderer = loadNoticeRenderer();
const coordinators = { HOU: 'fojc.hou@ice.example.gov' };

describe('the ORR notice', () => {
  it('puts the date, kind, case, AOR and reference in a sortable subject, and no PII', () => {
    const view = ftaNoticeView(fta(), known, coordinators);
    expect(view.subject).toBe('[Docket Watch] 2020-02-24 FTA in-absentia order - EOIR case 9431124 - HOU - ref IA-9329338');
    expect(view.subject).not.toContain('012345678');
    expect(view.subject).not.toContain('Ana');
  });

  it('renders the child, hearing, every address with source and date, sponsor, FOJC and ids in both parts', () => {
    const { text, html } = renderer.render('fta-notice', ftaNoticeView(fta(), known, coordinators));
    for (const body of [text, html]) {
      expect(body).toContain('In-absentia removal order');
      expect(body).toContain('IMMIGRATION COURT, HOUSTON, TX (HOU)');
      expect(body).toContain('012345678');
      expect(body).toContain('2007-05');
      expect(body).toContain('Honduras');
      expect(body).toContain('Aunt');
      expect(body).toContain('fojc.hou@ice.example.gov');
      expect(body).toContain('ORR-555');
      expect(body).toContain('9431124');
      expect(body).toContain('IA-9329338');
      expect(body).toContain('EOIR address of record');
      expect(body).toContain('ORR sponsor address');
      expect(body).toContain('2019-09-15');
    }
    expect(text).toContain('Age at hearing:   12');
    expect(text).toContain('Name:             Ana Pérez <Test>');
    // HTML escapes what it inserts; the text part does not.
    expect(html).toContain('Pérez &lt;Test&gt;');
    // Newest address first.
    expect(text.indexOf('9 Oak Ave')).toBeLessThan(text.indexOf('1 Main St'));
  });

  it('says plainly when the drop carries no identity and no address is known', () => {
    const { text, html } = renderer.render('fta-notice', ftaNoticeView(fta({ aor: null, court: 'QQQ' }), NO_CASE_DETAILS, coordinators));
    expect(text).toContain('IDENTITY NOT IN THE DATA');
    expect(html).toContain('Identity not in the data');
    expect(text).toContain('No address is known for this case.');
    expect(text).toContain("QQQ (not in EOIR's court table)");
    expect(text).toContain('no contact configured');
    expect(text).not.toContain('A-number:');
  });

  it('uses the hearing row for the calendar type of a no-show', () => {
    const details = { ...NO_CASE_DETAILS, hearings: [{ scheduleId: '77', date: '2021-01-05', court: 'HOU', calType: 'M', outcome: 'NO_SHOW' }] };
    const view = ftaNoticeView(fta({ ftaId: 'NS-77', kind: 'NO_SHOW_ADJOURNMENT', scheduleId: '77' }), details, {});
    expect(view.calendar).toBe('Master calendar hearing');
    expect(renderer.render('fta-notice', view).text).toContain('EOIR hearing:       77');
  });

  it('marks a correction in its subject and quotes the original notice, reason and reference', () => {
    const view = correctionView(fta(), NO_CASE_DETAILS, {}, 'CASE_REOPENED');
    expect(view.subject).toBe(`CORRECTION: ${view.originalSubject}`);
    const { text, html } = renderer.render('correction', view);
    expect(text).toContain('CORRECTION to the Docket Watch notice IA-9329338');
    expect(text).toContain('the case was reopened');
    expect(html).toContain('the case was reopened');
    expect(text).toContain('Reference: IA-9329338');
  });
});

describe('case details', () => {
  it('computes the age at the hearing from the birth month without overstating it', () => {
    expect(ageOn('2007-05', '2020-02-24')).toBe(12);
    expect(ageOn('2007-02', '2020-02-24')).toBe(12);
    expect(ageOn('2007-01', '2020-02-24')).toBe(13);
    expect(ageOn(null, '2020-02-24')).toBeNull();
  });

  it('reads EOIR M/YYYY and roster dates as a birth month', () => {
    expect(toBirthMonth('5/2007')).toBe('2007-05');
    expect(toBirthMonth('2007-05-19')).toBe('2007-05');
    expect(toBirthMonth('junk')).toBeNull();
  });

  it('maps the stored items of a case field by field, the roster profile winning', () => {
    const details = toCaseDetails([
      { pk: 'CASE#1', sk: 'UC', aNumber: '111111111', caseId: '1' },
      { pk: 'CASE#1', sk: 'PROFILE', aNumber: '222222222', firstName: 'Ana', birthDate: '2008-03-02', country: 'Guatemala', secret: 'x' },
      { pk: 'CASE#1', sk: 'ADDR#EOIR_ADDRESS_OF_RECORD#x', source: 'EOIR_ADDRESS_OF_RECORD', city: 'Houston', state: 'TX', zip: '77002', street: null, changedOn: '2019-01-02' },
      { pk: 'CASE#1', sk: 'HEARING#77', scheduleId: '77', date: '2021-01-05', court: 'HOU', calType: 'I', outcome: 'NO_SHOW' },
      { pk: 'CASE#1', sk: 'FTA#IA-1', ftaId: 'IA-1' },
    ]);
    expect(details).toMatchObject({ aNumber: '222222222', firstName: 'Ana', lastName: null, birthMonth: '2008-03', country: 'Guatemala' });
    expect(details.addresses).toEqual([{ source: 'EOIR_ADDRESS_OF_RECORD', street: null, city: 'Houston', state: 'TX', zip: '77002', asOf: '2019-01-02' }]);
    expect(details.hearings).toHaveLength(1);
    expect(JSON.stringify(details)).not.toContain('secret');
  });
});

describe('the digest CSV', () => {
  it('has a header, one row per FTA, and neutralises spreadsheet formulas', () => {
    const csv = digestCsv([
      { fta: fta(), aNumber: '012345678' },
      { fta: fta({ ftaId: 'NS-1', court: '=HYPERLINK("x")', aor: null }), aNumber: null },
    ]);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('reference,date,kind,eoir_case_id,eoir_proceeding_id,court,aor,a_number');
    expect(lines[1]).toBe('IA-9329338,2020-02-24,IN_ABSENTIA_ORDER,9431124,9329338,HOU,HOU,012345678');
    expect(lines[2]).toBe(`NS-1,2020-02-24,IN_ABSENTIA_ORDER,9431124,9329338,"'=HYPERLINK(""x"")",,`);
  });
});
