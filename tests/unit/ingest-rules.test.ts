import { describe, expect, it } from 'vitest';
import type { CaseRow } from '../../shared/domain/case';
import { classifyCaseRows, keptCaseRows } from '../../shared/domain/ingest-rules/classify-case-rows';
import { classifyJuvenileRows } from '../../shared/domain/ingest-rules/classify-juvenile-rows';
import { classifyProceedingRows } from '../../shared/domain/ingest-rules/classify-proceeding-rows';
import { classifyScheduleRows } from '../../shared/domain/ingest-rules/classify-schedule-rows';
import type { CaseStanding, StandingOf } from '../../shared/domain/ingest-rules/row-verdicts';
import type { ProceedingRow } from '../../shared/domain/proceeding';
import type { ScheduleRow } from '../../shared/domain/schedule';

const drop = { dropId: 'd1', asOf: '2025-03-01T12:00:00.000Z' };
const at = <T>(value: T, lineNumber = 2) => ({ value, lineNumber, byteOffset: 100 * lineNumber });
const standings = (m: Record<string, CaseStanding>): StandingOf => (id) => m[id];

const proceeding = (p: Partial<ProceedingRow>): ProceedingRow => ({
  proceedingId: '800', caseId: '900', court: 'HOU', caseType: 'RMV', decisionCode: null, inAbsentia: false, absentia: 'NO_ORDER',
  hearingDate: null, completionDate: null, ntaDate: null, ...p,
});
const schedule = (s: Partial<ScheduleRow>): ScheduleRow => ({
  scheduleId: '400', proceedingId: '800', caseId: '900', court: 'HOU', date: '2024-05-02', adjRsn: null, medium: null, calType: 'M', outcome: 'SCHEDULED', time: null, ...s,
});

describe('classifyJuvenileRows', () => {
  it('marks the cases of UJ (4) and J2 (3) rows only, one key line each', () => {
    const rows = [
      { historyId: '1', caseId: '901', proceedingId: null, idnJuvenile: 4 },
      { historyId: '2', caseId: '902', proceedingId: null, idnJuvenile: 1 },
      { historyId: '3', caseId: '903', proceedingId: null, idnJuvenile: 3 },
      { historyId: '4', caseId: '904', proceedingId: null, idnJuvenile: 5 },
    ].map((v) => at(v));
    const out = classifyJuvenileRows(rows);
    expect(out.ucCaseIds).toEqual(['901', '903']);
    expect(out.keyLines).toEqual([
      { key: '1', value: 'idnJuvenile=4', fta: false },
      { key: '3', value: 'idnJuvenile=3', fta: false },
    ]);
  });
});

describe('classifyCaseRows', () => {
  const caseRow = (c: Partial<CaseRow>): CaseRow => ({ caseId: '900', ucPriority: false, address: null, addressChangedOn: null, previousAddress: null, aNumber: null, ...c });
  it('marks CASEPRIORITY_CODE UC cases, notes A-numbers, and keeps LATEST_HEARING only from the drop day on', () => {
    const rows = [
      caseRow({ caseId: '901', ucPriority: true, latestHearing: { date: '2025-02-28', time: '0900', calType: 'M', court: 'HOU' } }),
      caseRow({ caseId: '902', aNumber: '012345678', latestHearing: { date: '2025-03-01', time: null, calType: 'I', court: 'NYC' }, attorneyOfRecord: true }),
    ].map((v) => at(v));
    const out = classifyCaseRows(rows, drop);
    expect(out.priorityCaseIds).toEqual(['901']);
    expect(out.withANumber).toEqual([{ caseId: '902', aNumber: '012345678' }]);
    expect(out.upcoming).toEqual([
      { caseId: '902', scheduleId: null, date: '2025-03-01', time: null, calType: 'I', medium: null, court: 'NYC', source: 'CASE_LATEST', asOf: drop.asOf, dropId: 'd1', attorneyOfRecord: true },
    ]);
  });

  it('keeps one row per UC case (its last line) and a key line per line', () => {
    const out = keptCaseRows([at(caseRow({ caseId: '901', ucPriority: true })), at(caseRow({ caseId: '901', aNumber: '012345678' }))]);
    expect(out.keyLines.map((l) => l.value)).toEqual(['CASEPRIORITY_CODE=UC', 'CASEPRIORITY_CODE=-']);
    expect(out.unique).toEqual([caseRow({ caseId: '901', aNumber: '012345678' })]);
  });
});

describe('classifyProceedingRows', () => {
  it('shows an order dated COMP_DATE else HEARING_DATE for any case, and refuses an undated one', () => {
    const rows = [
      at(proceeding({ proceedingId: '801', caseId: '901', inAbsentia: true, absentia: 'ORDER', completionDate: '2024-01-05', hearingDate: '2024-01-02' }), 2),
      at(proceeding({ proceedingId: '802', caseId: '902', inAbsentia: true, absentia: 'ORDER', hearingDate: '2024-02-03' }), 3),
      at(proceeding({ proceedingId: '803', caseId: '901', inAbsentia: true, absentia: 'ORDER' }), 4),
    ];
    const out = classifyProceedingRows(rows, standings({ '901': { uc: true, signals: null } }), drop);
    expect([...out.refusals]).toEqual([[2, 'FTA_DATE_MISSING']]);
    expect(out.shown.map((s) => [s.signal.ftaId, s.signal.date, s.ucCase, s.signal.provenance.lineNumber])).toEqual([
      ['IA-801', '2024-01-05', true, 2],
      ['IA-802', '2024-02-03', false, 3],
    ]);
    // Key lines for the UC case's rows only.
    expect(out.keyLines).toEqual([{ key: '801', value: 'ABSENTIA=Y 2024-01-05', fta: true }]);
  });

  it('withdraws a stored order on ABSENTIA N and on a later proceeding; notes a junk ABSENTIA and changes nothing with it', () => {
    const signals = { orders: new Map([['801', '2024-01-05']]), noShows: new Set<string>() };
    const rows = [
      at(proceeding({ proceedingId: '801', caseId: '901', absentia: 'NO_ORDER' })),
      at(proceeding({ proceedingId: '805', caseId: '901', absentia: 'UNKNOWN', ntaDate: '2024-06-01' })),
      at(proceeding({ proceedingId: '806', caseId: '901', absentia: 'NO_ORDER', ntaDate: '2023-06-01' })),
    ];
    const out = classifyProceedingRows(rows, standings({ '901': { uc: true, signals } }), drop);
    expect(out.withdrawn).toEqual([
      { caseId: '901', ftaId: 'IA-801', withdrawal: { asOf: drop.asOf, reason: 'ABSENTIA_WITHDRAWN', dropId: 'd1' } },
      { caseId: '901', ftaId: 'IA-801', withdrawal: { asOf: drop.asOf, reason: 'CASE_REOPENED', dropId: 'd1' } },
    ]);
    expect(out.notes).toEqual({ ABSENTIA_VALUE_UNKNOWN: 1 });
    expect(out.keyLines.map((l) => l.value)).toEqual(['ABSENTIA=N', 'ABSENTIA=?', 'ABSENTIA=N']);
    expect(out.shown).toEqual([]);
  });
});

describe('classifyScheduleRows', () => {
  it('shows ADJ_RSN 11 no-shows of any case, refuses undated ones, and keeps the UC case hearings with key lines', () => {
    const rows = [
      at(schedule({ scheduleId: '401', caseId: '901', adjRsn: '11', medium: 'P', outcome: 'NO_SHOW' }), 2),
      at(schedule({ scheduleId: '402', caseId: '902', adjRsn: '11', outcome: 'NO_SHOW' }), 3),
      at(schedule({ scheduleId: '403', caseId: '901', adjRsn: '11', date: null, outcome: 'NO_SHOW' }), 4),
      at(schedule({ scheduleId: '404', caseId: '901', adjRsn: '09', outcome: 'NOT_HELD' }), 5),
    ];
    const out = classifyScheduleRows(rows, standings({ '901': { uc: true, signals: null } }), drop);
    expect([...out.refusals]).toEqual([[2, 'NO_SHOW_DATE_MISSING']]);
    expect(out.shown.map((s) => [s.signal.ftaId, s.signal.date, s.ucCase])).toEqual([
      ['NS-401', '2024-05-02', true],
      ['NS-402', '2024-05-02', false],
    ]);
    expect(out.hearings.map((h) => [h.scheduleId, h.outcome, h.dropId])).toEqual([
      ['401', 'NO_SHOW', 'd1'],
      ['404', 'NOT_HELD', 'd1'],
    ]);
    // Each kept hearing is its row, every field, with the drop.
    expect(out.hearings).toEqual([rows[0], rows[3]].map((r) => ({ ...r?.value, dropId: 'd1' })));
    expect(out.keyLines).toEqual([
      { key: '401', value: 'ADJ_RSN=11 2024-05-02', fta: true },
      { key: '404', value: 'ADJ_RSN=09', fta: false },
    ]);
  });

  it('withdraws a stored no-show whose ADJ_RSN changed, and reads hearings from the drop day on as upcoming or adjourned', () => {
    const signals = { orders: new Map<string, string>(), noShows: new Set(['401']) };
    const rows = [
      at(schedule({ scheduleId: '401', caseId: '902', adjRsn: '09', outcome: 'NOT_HELD' })),
      at(schedule({ scheduleId: '405', caseId: '903', date: '2025-03-01', time: '0830' })),
      at(schedule({ scheduleId: '406', caseId: '903', date: '2025-04-01', adjRsn: '09', outcome: 'NOT_HELD' })),
      at(schedule({ scheduleId: '407', caseId: '903', date: '2025-02-28' })),
    ];
    const out = classifyScheduleRows(rows, standings({ '902': { uc: false, signals } }), drop);
    expect(out.withdrawn).toEqual([{ caseId: '902', ftaId: 'NS-401', withdrawal: { asOf: drop.asOf, reason: 'ADJOURNMENT_CHANGED', dropId: 'd1' } }]);
    expect(out.upcoming.map((h) => [h.scheduleId, h.date, h.time, h.source])).toEqual([['405', '2025-03-01', '0830', 'SCHEDULE']]);
    expect(out.adjourned).toEqual([{ caseId: '903', scheduleId: '406', asOf: drop.asOf, dropId: 'd1', status: 'CANCELLED' }]);
    expect(out.hearings).toEqual([]);
    expect(out.keyLines).toEqual([]);
  });
});
