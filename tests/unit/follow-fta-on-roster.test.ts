import { describe, expect, it } from 'vitest';
import type { Aor } from '../../shared/domain/aor';
import type { FtaRecordedMessage } from '../../shared/messages/fta-recorded';
import type { PlanChange, RosterStore, StoredBacklogUc } from '../../shared/ports/roster-store';
import { followFtaOnRoster } from '../../shared/use-cases/steps/follow-fta-on-roster';
import { replanNtaBacklog } from '../../shared/use-cases/steps/replan-nta-backlog';
import { fixedClock, silentLog } from '../helpers/in-memory-ports';

/** Just the roster-store calls the re-planning use cases make, in memory. */
function memoryRoster(backlog: StoredBacklogUc[], links: Record<string, string>) {
  const items = new Map(backlog.map((u) => [u.aNumber, { ...u }]));
  const saved: PlanChange[] = [];
  const store: Partial<RosterStore> = {
    async recordFtaForCase(caseId) {
      const aNumber = links[caseId];
      if (aNumber === undefined) return undefined;
      const uc = items.get(aNumber);
      if (!uc) return { aNumber, previous: { aor: 'HOU', status: 'EOIR_CASE' }, aor: 'HOU', status: 'EOIR_CASE' };
      items.delete(aNumber);
      return { aNumber, previous: { aor: uc.aor, status: 'BACKLOG' }, aor: uc.aor, status: 'EOIR_CASE' };
    },
    async loadBacklog(aor: Aor) {
      return [...items.values()].filter((u) => u.aor === aor);
    },
    async acquirePlanLease(aor) {
      return { aor, token: 't' };
    },
    async releasePlanLease() {},
    async savePlan(_lease, changed) {
      saved.push(...changed);
      for (const p of changed) {
        const uc = items.get(p.aNumber);
        if (uc) items.set(p.aNumber, { ...uc, plannedDate: p.plannedDate });
      }
      return { written: changed.length, skipped: 0 };
    },
  };
  return { store: store as RosterStore, items, saved };
}

const uc = (aNumber: string, releaseDate: string): StoredBacklogUc => ({
  aNumber, aor: 'HOU', releaseDate, birthDate: '2010-01-01', priorFta: false, safetyFlag: false, plannedDate: null, workList: {},
});
const files: string[] = [];
const deps = (store: RosterStore) => ({
  roster: store,
  files: { putObject: async (key: string) => void files.push(key) },
  clock: fixedClock('2026-11-27T12:00:00Z'), // a Friday: the plan starts Monday 2026-11-30
  log: silentLog,
  capacity: { defaultSlotsPerDay: 1, slotsPerDayByAor: {} },
  priority: ['PRIOR_FTA', 'SAFETY_FLAG', 'LONGEST_SINCE_RELEASE', 'NEAREST_18TH_BIRTHDAY'] as const,
  workListDays: 2,
});
const fta = (caseId: string): FtaRecordedMessage => ({
  type: 'FTA_RECORDED', version: 1, ftaId: 'IA-1', kind: 'IN_ABSENTIA_ORDER', caseId, proceedingId: '1', scheduleId: null,
  date: '2026-11-20', court: null, aor: 'HOU', dropId: 'd', recordedAt: '2026-11-27T12:00:00.000Z',
});

describe('re-planning when an FTA arrives', () => {
  it('takes the UC out of the backlog and moves the others up, writing only what changed', async () => {
    const m = memoryRoster([uc('000000001', '2020-01-01'), uc('000000002', '2021-01-01'), uc('000000003', '2022-01-01')], { '77': '000000001' });
    await replanNtaBacklog(['HOU'], deps(m.store));
    expect([...m.items.values()].map((u) => u.plannedDate)).toEqual(['2026-11-30', '2026-12-01', '2026-12-02']);
    m.saved.length = 0;
    files.length = 0;

    expect(await followFtaOnRoster(fta('77'), deps(m.store))).toBe('replanned');
    expect(m.items.has('000000001')).toBe(false);
    expect(m.saved.map((p) => [p.aNumber, p.previousDate, p.plannedDate])).toEqual([
      ['000000002', '2026-12-01', '2026-11-30'],
      ['000000003', '2026-12-02', '2026-12-01'],
    ]);
    expect(files).toEqual(['worklists/HOU/2026-11-30.xlsx', 'worklists/HOU/2026-11-30.csv', 'worklists/HOU/2026-12-01.xlsx', 'worklists/HOU/2026-12-01.csv']);
  });

  it('changes no plan for a case no roster UC is linked to, or one already out of the backlog', async () => {
    const m = memoryRoster([uc('000000002', '2021-01-01')], { '88': '000000009' });
    expect(await followFtaOnRoster(fta('99'), deps(m.store))).toBe('no-roster-uc');
    expect(await followFtaOnRoster(fta('88'), deps(m.store))).toBe('flagged');
    expect(m.saved).toEqual([]);
  });
});
