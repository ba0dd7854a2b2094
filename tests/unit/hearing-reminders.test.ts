import { describe, expect, it } from 'vitest';
import { parseBaseCityLookup } from '../../shared/domain/base-city-lookup';
import { NO_CASE_DETAILS, type CaseDetails } from '../../shared/domain/case-details';
import { CASE_TABLE, type CaseRow } from '../../shared/domain/case';
import { courtLines, reminderView, riskLines } from '../../shared/domain/hearing-reminder';
import { ftaRates } from '../../shared/domain/reminder-metrics';
import { hearingRemindersSection } from '../../infra/local/report-reminders';
import { SCHEDULE_TABLE, type ScheduleRow } from '../../shared/domain/schedule';
import { dueHorizon, hearingOfCase, hearingOfSchedule, type StoredUpcomingHearing } from '../../shared/domain/upcoming-hearing';
import { loadNoticeRenderer } from '../../shared/runtime/templates';

const DROP = { asOf: '2027-01-04T00:00:00.000Z', dropId: 'd1' };

const schedule = (over: Partial<ScheduleRow>): ScheduleRow => ({
  scheduleId: '1', proceedingId: '2', caseId: '3', court: 'HOU', date: '2027-01-07', adjRsn: null, medium: null, calType: 'M', outcome: 'SCHEDULED', time: '0900', ...over,
});

const hearing = (over: Partial<StoredUpcomingHearing> = {}): StoredUpcomingHearing => ({
  caseId: '3', scheduleId: '1', date: '2027-01-07', time: '0900', calType: 'M', medium: null, court: 'HOU', source: 'SCHEDULE', asOf: DROP.asOf, dropId: 'd1', status: 'UPCOMING', ...over,
});

describe('dueHorizon: the reminder due today', () => {
  const H = [14, 3];
  it.each([
    ['2027-01-18', 14], // 14 days ahead: the 14-day reminder
    ['2027-01-10', 14], // 6 days: still the 14-day one (the 3-day one comes later)
    ['2027-01-07', 3], // 3 days
    ['2027-01-05', 3], // 1 day: the 3-day one, if it has not gone out
    ['2027-01-04', 3], // the hearing day itself
  ])('a hearing on %s, today 2027-01-04: the %i-day reminder', (date, horizon) => {
    expect(dueHorizon(date, '2027-01-04', H)).toBe(horizon);
  });
  it('none for a hearing past, or farther than every horizon', () => {
    expect(dueHorizon('2027-01-03', '2027-01-04', H)).toBeNull();
    expect(dueHorizon('2027-01-19', '2027-01-04', H)).toBeNull();
  });
  it('follows configured horizons', () => {
    expect(dueHorizon('2027-01-11', '2027-01-04', [7, 1])).toBe(7);
    expect(dueHorizon('2027-01-05', '2027-01-04', [7, 1])).toBe(1);
  });
});

describe('hearings ahead of a drop', () => {
  it('a pending schedule row on or after the drop day is upcoming; one before it is nothing', () => {
    expect(hearingOfSchedule(schedule({}), DROP)).toMatchObject({ kind: 'upcoming', hearing: { date: '2027-01-07', time: '0900', source: 'SCHEDULE' } });
    expect(hearingOfSchedule(schedule({ date: '2027-01-03' }), DROP)).toBeNull();
  });
  it('an adjourned row ahead is CANCELLED; one held (a medium and a reason) HELD; a medium set ahead alone stays upcoming', () => {
    expect(hearingOfSchedule(schedule({ adjRsn: '01', outcome: 'NOT_HELD' }), DROP)).toMatchObject({ kind: 'adjourned', adjourned: { status: 'CANCELLED' } });
    expect(hearingOfSchedule(schedule({ adjRsn: '17', medium: 'P', outcome: 'APPEARED' }), DROP)).toMatchObject({ kind: 'adjourned', adjourned: { status: 'HELD' } });
    expect(hearingOfSchedule(schedule({ medium: 'V', outcome: 'APPEARED' }), DROP)).toMatchObject({ kind: 'upcoming', hearing: { medium: 'V' } });
  });
  it("reads ADJ_TIME_START from tbl_schedule, and A_TblCase's LATEST_* with UPDATE_SITE and the attorney columns", () => {
    const parsedSchedule = SCHEDULE_TABLE.parse(['1', '2', '3', 'HOU', '2027-01-07 00:00:00.000', null, null, 'M', '1330']);
    expect(parsedSchedule.ok && parsedSchedule.value.time).toBe('1330');
    const values = ['3', 'HOUSTON', 'TX', '77002', 'UC', null, null, null, null, null, null, null, null, '2027-01-07 00:00:00.000', '0900', 'i', 'HOU', null, null];
    const parsedCase = CASE_TABLE.parse(values);
    const row = (parsedCase.ok ? parsedCase.value : undefined) as CaseRow;
    expect(row.latestHearing).toEqual({ date: '2027-01-07', time: '0900', calType: 'I', court: 'HOU' });
    expect(row.attorneyOfRecord).toBe(false);
    expect(hearingOfCase(row, DROP)).toMatchObject({ scheduleId: null, source: 'CASE_LATEST', attorneyOfRecord: false });
    const withAttorney = CASE_TABLE.parse(values.map((v, i) => (i === 17 ? '2025-05-01 00:00:00.000' : v)));
    expect(withAttorney.ok && withAttorney.value.attorneyOfRecord).toBe(true);
  });
});

describe('what a reminder says', () => {
  const details: CaseDetails = {
    ...NO_CASE_DETAILS,
    firstName: 'Ana',
    lastName: 'Pérez',
    aNumber: '012345678',
    birthMonth: '2012-05',
    sponsorName: 'Maria Pérez',
    sponsorRelationship: 'Aunt',
    addresses: [
      { source: 'EOIR_ADDRESS_OF_RECORD', street: null, city: 'HOUSTON', state: 'TX', zip: '77002', asOf: '2026-12-01' },
      { source: 'ORR_SPONSOR', street: '1 Main St', city: 'Dallas', state: 'TX', zip: '75201', asOf: '2025-01-01' },
    ],
  };

  it('answers each risk factor yes, no or unknown, and why', () => {
    const lines = riskLines(hearing({ attorneyOfRecord: false }), details, { openFtaIds: ['IA-1'], lastNoticeSentAt: '2026-11-01T10:00:00.000Z' });
    expect(lines.map((l) => [l.factor, l.raised])).toEqual([
      ['Prior failure to appear', true],
      ["Address of record differs from the sponsor's", true],
      ['Address changed since the last notice', true],
      ['No attorney of record', true],
    ]);
    const unknown = riskLines(hearing(), NO_CASE_DETAILS, { openFtaIds: [], lastNoticeSentAt: null });
    expect(unknown.map((l) => l.answer.split(':')[0])).toEqual(['no', 'unknown', 'unknown', 'unknown']);
    expect(unknown.some((l) => l.raised)).toBe(false);
  });

  it("uses the release's court address when read, else the bundled table's city", () => {
    expect(courtLines('HOU', { street: '1 Court Sq', city: 'HOUSTON', state: 'TX', zip: '77002' }).courtAddress).toBe('1 Court Sq, HOUSTON, TX 77002');
    expect(courtLines('HOU', null).courtAddress).toMatch(/^HOUSTON, TX \(street address not in the data/);
    expect(courtLines('ZZZ', null)).toEqual({ court: "ZZZ (not in EOIR's court table)", courtAddress: 'not in the data' });
  });

  it('renders every fact with no PII in the subject', () => {
    const view = reminderView(hearing({ medium: 'V', calType: 'I' }), {
      details, facts: { openFtaIds: [], lastNoticeSentAt: null }, courtAddress: null, coordinators: { HOU: 'fojc@example.gov' }, today: '2027-01-04', reference: 'REMINDER.2027-01-07.3D',
    });
    expect(view.subject).toBe('[Docket Watch] Hearing 2027-01-07 in 3 day(s) - EOIR case 3 - HOU - ref REMINDER.2027-01-07.3D');
    const { text, html } = loadNoticeRenderer().render('hearing-reminder', view);
    for (const fact of ['Ana Pérez', '012345678', 'Maria Pérez (Aunt)', '1 Main St, Dallas, TX 75201', '09:00', 'video', 'individual (merits)', 'fojc@example.gov']) {
      expect(text).toContain(fact);
    }
    expect(html).toContain('Ana Pérez');
  });
});

describe("the release's Lookup/tblLookupBaseCity", () => {
  it('maps columns by header name, decodes Windows-1252, accounts for every row', () => {
    const file = Buffer.concat([
      Buffer.from('idnBaseCity\tBASE_CITY_CODE\tBASE_CITY_NAME\tBASE_ST_ADDRESS\tBASE_CITY\tBASE_STATE\tBASE_ZIP_1\r\n', 'latin1'),
      Buffer.from('1\tsju\tIMMIGRATION COURT\t1 CALLE MAYAG\xdcEZ\tSAN JUAN\tPR\t00918\r\n', 'latin1'),
      Buffer.from('2\tBIA\tBOARD\t\tFALLS CHURCH\tVA\t22041\r\n3\t\tX\t1 ST\tX\tX\t1\r\n', 'latin1'),
    ]);
    const lookup = parseBaseCityLookup(file);
    expect(lookup.courts).toEqual([{ code: 'SJU', address: { street: '1 CALLE MAYAGÜEZ', city: 'SAN JUAN', state: 'PR', zip: '00918' } }]);
    expect(lookup).toMatchObject({ read: 3, accepted: 1, rejected: 2, rejectedByReason: { NO_ADDRESS: 1, KEY_MISSING: 1 } });
  });
  it('refuses a file without the court code or street columns, counting its rows', () => {
    expect(parseBaseCityLookup(Buffer.from('A\tB\r\n1\t2\r\n'))).toMatchObject({ read: 1, accepted: 0, fileRejection: expect.stringContaining('BASE_CITY_CODE') });
  });
});

describe('ftaRates: whether reminders work', () => {
  it('per AOR, reminded (and by horizon) against not reminded, in percent; nothing for an empty group', () => {
    const points = ftaRates([
      { aor: 'HOU', remindedAt: 3, fta: false },
      { aor: 'HOU', remindedAt: 14, fta: true },
      { aor: 'HOU', remindedAt: 3, fta: false },
      { aor: 'HOU', remindedAt: null, fta: true },
      { aor: 'SNA', remindedAt: null, fta: false },
    ]);
    expect(points).toEqual([
      { name: 'FtaRateNotReminded', unit: 'Percent', value: 100, aor: 'HOU' },
      { name: 'FtaRateNotReminded', unit: 'Percent', value: 0, aor: 'SNA' },
      { name: 'FtaRateReminded', unit: 'Percent', value: 33.3, aor: 'HOU' },
      { name: 'FtaRateReminded14Days', unit: 'Percent', value: 100, aor: 'HOU' },
      { name: 'FtaRateReminded3Days', unit: 'Percent', value: 0, aor: 'HOU' },
    ]);
    expect(ftaRates([])).toEqual([]);
  });
});

describe("the local report's hearing-reminder section", () => {
  it('is absent without a reminder run, and shows the rates per AOR with one', () => {
    expect(hearingRemindersSection([{ name: 'FtasOpen', unit: 'Count', value: 3 }])).toBeNull();
    const html = hearingRemindersSection([
      { name: 'HearingsUpcoming14Days', unit: 'Count', value: 4 },
      { name: 'RemindersSent', unit: 'Count', value: 2 },
      { name: 'FtaRateReminded', unit: 'Percent', value: 12.5, aor: 'HOU' },
      { name: 'FtaRateNotReminded', unit: 'Percent', value: 40, aor: 'HOU' },
    ]) ?? '';
    expect(html).toContain('UC hearings in the next 14 days: 4; reminders sent by this run: 2');
    expect(html).toContain('<tr><td>HOU</td><td class="n">40%</td><td class="n">12.5%</td></tr>');
  });
});
