import { describe, expect, it } from 'vitest';
import { AORS } from '../../shared/domain/aor';
import { addBusinessDays } from '../../shared/domain/business-days';
import { aorForCourt, aorForState, findCourt } from '../../shared/domain/courts';
import { detectInAbsentiaOrder } from '../../shared/domain/fta';
import { isUnaccompaniedCode, JUVENILE_CODES } from '../../shared/domain/juvenile';
import type { ProceedingRow } from '../../shared/domain/proceeding';
import { buildProgramMetrics, emptyProgramState } from '../../shared/domain/program-metrics';
import { COURTS } from '../../shared/data/courts';

const proceeding = (over: Partial<ProceedingRow> = {}): ProceedingRow => ({
  proceedingId: '9329338',
  caseId: '9431124',
  court: 'HOU',
  caseType: 'RMV',
  decisionCode: 'X',
  inAbsentia: true,
  absentia: 'ORDER',
  hearingDate: '2020-02-20',
  completionDate: '2020-02-24',
  ntaDate: '2019-12-09',
  ...over,
});
const provenance = { dropId: 'd1', table: 'B_TblProceeding' as const, lineNumber: 7 };

describe('who is a UC case (docs/spec.md §2)', () => {
  it('counts UJ (4) and J2 (3) as unaccompanied, and not J, J1, NA or AJ', () => {
    expect(isUnaccompaniedCode(JUVENILE_CODES.UJ)).toBe(true);
    expect(isUnaccompaniedCode(JUVENILE_CODES.J2)).toBe(true);
    for (const code of [JUVENILE_CODES.J, JUVENILE_CODES.J1, JUVENILE_CODES.NA, JUVENILE_CODES.AJ]) {
      expect(isUnaccompaniedCode(code)).toBe(false);
    }
  });
});

describe('in-absentia order FTAs (docs/spec.md §3)', () => {
  it('dates the FTA by COMP_DATE and identifies it by the proceeding', () => {
    const found = detectInAbsentiaOrder(proceeding(), provenance);
    expect(found).toEqual({
      kind: 'fta',
      fta: {
        ftaId: 'IA-9329338',
        kind: 'IN_ABSENTIA_ORDER',
        caseId: '9431124',
        proceedingId: '9329338',
        scheduleId: null,
        date: '2020-02-24',
        court: 'HOU',
        aor: 'HOU',
        provenance,
      },
    });
  });

  it('falls back to HEARING_DATE, and says when neither date is usable', () => {
    const noComp = detectInAbsentiaOrder(proceeding({ completionDate: null }), provenance);
    expect(noComp.kind === 'fta' && noComp.fta.date).toBe('2020-02-20');
    expect(detectInAbsentiaOrder(proceeding({ completionDate: null, hearingDate: null }), provenance)).toEqual({ kind: 'undated' });
  });

  it('finds nothing in a proceeding without an in-absentia order', () => {
    expect(detectInAbsentiaOrder(proceeding({ inAbsentia: false }), provenance)).toEqual({ kind: 'none' });
  });
});

describe('courts and AORs', () => {
  it('maps every hearing court to one of the 25 AORs, splitting TX, CA and NY by court', () => {
    expect(aorForCourt('HOU')).toBe('HOU');
    expect(aorForCourt('HLG')).toBe('HLG');
    expect(aorForCourt('ELP')).toBe('ELP');
    expect(aorForCourt('SND')).toBe('SND');
    expect(aorForCourt('SFR')).toBe('SFR');
    expect(aorForCourt('BUF')).toBe('BUF');
    expect(aorForCourt('CHL')).toBe('ATL');
    expect(aorForCourt('KRO')).toBe('MIA');
    expect(COURTS.flatMap((court) => (court.aor === null ? [] : [court.aor])).filter((aor) => !(AORS as readonly string[]).includes(aor))).toEqual([]);
  });

  it('has no AOR for codes that are not hearing courts, or unknown codes', () => {
    expect(aorForCourt('BIA')).toBeNull();
    expect(aorForCourt('ZZZ')).toBeNull();
    expect(aorForCourt(null)).toBeNull();
    expect(findCourt('HOU')?.city).toBe('HOUSTON');
    expect(aorForState('NJ')).toBe('NEW');
    expect(aorForState('TX')).toBeNull();
  });
});

describe('addBusinessDays', () => {
  it('skips weekends', () => {
    expect(addBusinessDays('2026-11-27', 1)).toBe('2026-11-30'); // Friday -> Monday
    expect(addBusinessDays('2026-11-28', 10)).toBe('2026-12-11'); // Saturday + 10
    expect(addBusinessDays('2026-11-30', 0)).toBe('2026-11-30');
  });
});

describe('program metrics', () => {
  it('publishes totals and per-AOR counts, and hours since the last drop, every hour', () => {
    const points = buildProgramMetrics(
      {
        ...emptyProgramState(),
        ftasOpenByAor: new Map([['HOU', 3], ['NONE', 1], ['ATL', 2]]),
        tasksOpenByAor: new Map([['HOU', 1]]),
        lastDropAt: '2026-11-28T00:00:00.000Z',
      },
      new Date('2026-11-28T06:30:00.000Z'),
      'hourly',
    );
    expect(points).toEqual([
      { name: 'FtasOpen', unit: 'Count', value: 6 },
      { name: 'FtasOpen', unit: 'Count', value: 2, aor: 'ATL' },
      { name: 'FtasOpen', unit: 'Count', value: 3, aor: 'HOU' },
      { name: 'FtasOpen', unit: 'Count', value: 1, aor: 'UNKNOWN' },
      { name: 'FtasAwaitingNoticeOver24h', unit: 'Count', value: 0 },
      { name: 'ReverificationTasksOpen', unit: 'Count', value: 1 },
      { name: 'ReverificationTasksOpen', unit: 'Count', value: 1, aor: 'HOU' },
      { name: 'ReverificationTasksOverdue', unit: 'Count', value: 0 },
      { name: 'HoursSinceLastDrop', unit: 'Hours', value: 6.5 },
    ]);
  });
});
