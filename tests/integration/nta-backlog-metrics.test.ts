import { aNumberKey } from '../../shared/adapters/cases-table/pii-keys';
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLambdaOutput } from '../../infra/local/capture-output';
import type { Emulators } from '../../infra/local/emulators';
import { localClientConfig, provisionLocalResources } from '../../infra/local/provision';
import { runLocalPipeline, type LocalRunResult } from '../../infra/local/run';
import { createDynamoProgramState } from '../../shared/adapters/cases-table/dynamo-program-state';
import { createDynamoRosterStore } from '../../shared/adapters/cases-table/dynamo-roster-store';
import { AORS, type Aor } from '../../shared/domain/aor';
import { addBusinessDays } from '../../shared/domain/business-days';
import { planBacklog } from '../../shared/domain/nta-plan';
import { addDays, buildProgramMetrics, utcDay, type MetricPoint } from '../../shared/domain/program-metrics';
import type { RosterUc } from '../../shared/domain/roster';
import type { RosterStore } from '../../shared/ports/roster-store';
import { ENV } from '../../shared/runtime/resources';
import { replanNtaBacklog } from '../../shared/use-cases/steps/replan-nta-backlog';
import { fixedClock, silentLog } from '../helpers/in-memory-ports';
import { connectEmulators, pipelineTestOptions, SAMPLE_DROP, SAMPLE_ROSTER, tempDir, uniqueSuffix } from '../helpers/local-stack';

let emulators: Emulators;
beforeAll(async () => {
  emulators = await connectEmulators();
});
afterAll(async () => {
  await emulators?.stop();
});

const DAY_MS = 86_400_000;

/**
 * The sample drop with EOIR's A-number column (ALIEN_NBR, from the DOJ-to-DHS feed) filled
 * for one UC case only: 9431183 (BOS) carries 201000018.
 */
async function dropWithANumber(): Promise<string> {
  const dir = join(tempDir('anumber-drop'), 'sample-drop-anumber');
  await mkdir(dir, { recursive: true });
  for (const f of await readdir(SAMPLE_DROP)) await copyFile(join(SAMPLE_DROP, f), join(dir, f));
  const lines = (await readFile(join(SAMPLE_DROP, 'A_TblCase.csv'), 'latin1')).split('\r\n');
  const out = lines.map((line, i) => {
    if (line === '') return line;
    if (i === 0) return `${line}\tALIEN_NBR`;
    return `${line}\t${line.startsWith('9431183\t') ? '201000018' : ''}`;
  });
  await writeFile(join(dir, 'A_TblCase.csv'), out.join('\r\n'), 'latin1');
  return dir;
}

/**
 * The sample roster, changed: 201000018 no longer names its EOIR case (only its A-number
 * can match case 9431183); 201000020 (case 9431197, HOU) is missing, so that UC case is
 * unmatched; one UC released by ORR 30 days ago joins the PHO backlog.
 */
function rosterR1(sample: string, today: string): string {
  const recent = `204000001,Recent1,Sample,2012-01-01,GT,${addDays(today, -40)},${addDays(today, -30)},SPONSOR,Sample Ny,PARENT,13 Demo Ct,Phoenix,AZ,85009,PHO,,`;
  const lines = sample
    .split(/\r?\n/)
    .filter((l) => !l.startsWith('201000020,'))
    .map((l) => (l.startsWith('201000018,') ? l.replace(/,BOS,,9431183$/, ',BOS,,') : l));
  expect(lines.some((l) => l.startsWith('201000018,') && l.endsWith(',BOS,,'))).toBe(true);
  return [...lines.filter((l) => l !== ''), recent].join('\n') + '\n';
}

describe('from roster and drop to the NTA backlog metrics, through the emulators', () => {
  let run: LocalRunResult;
  let client: DynamoDBDocumentClient;
  let restore: () => void;
  const logs: string[] = [];
  const outDir = tempDir('nta-metrics');
  const rosterDir = tempDir('nta-metrics-roster');
  const today = utcDay(new Date());
  let sample: string;
  let r1: string;
  let metricsRanAt: number;

  const table = () => run.pipeline.resources.casesTable;
  const store = () => createDynamoRosterStore({ client, tableName: table() });
  const value = (points: readonly MetricPoint[], name: string, aor?: string) =>
    points.find((p) => p.name === name && p.aor === aor)?.value;
  const perAor = (points: readonly MetricPoint[], name: string) =>
    Object.fromEntries(points.filter((p) => p.name === name && p.aor !== undefined && p.value !== 0).map((p) => [p.aor, p.value]));
  /** Metrics as the job would compute them a week from now: this week's flows are then in its 4-week window. */
  const nextWeek = async () => {
    const later = new Date(Date.now() + 7 * DAY_MS);
    return buildProgramMetrics(await createDynamoProgramState({ client, tableName: table() }).readProgramState(later), later);
  };
  const dropRoster = async (content: string, id: string) => {
    const file = join(rosterDir, `${id}.csv`);
    await writeFile(file, content);
    const before = run.pipeline.rosterReports.length;
    await run.pipeline.uploadRoster(file, id);
    await run.pipeline.drain();
    return run.pipeline.rosterReports.slice(before);
  };
  /** The backlog and the 30-day plan counted from the backlog items themselves. */
  const recount = async () => {
    const backlog: Record<string, number> = {};
    const planned: Record<string, number> = {};
    for (const aor of AORS) {
      for (const uc of await store().loadBacklog(aor)) {
        backlog[aor] = (backlog[aor] ?? 0) + 1;
        if (uc.plannedDate !== null && uc.plannedDate >= today && uc.plannedDate <= addDays(today, 29)) planned[aor] = (planned[aor] ?? 0) + 1;
      }
    }
    return { backlog, planned };
  };

  beforeAll(async () => {
    restore = captureLambdaOutput({ onLog: (l) => logs.push(l), onMetrics: () => undefined });
    sample = await readFile(SAMPLE_ROSTER, 'utf8');
    r1 = rosterR1(sample, today);
    const rosterFile = join(rosterDir, 'roster.csv');
    await writeFile(rosterFile, r1);
    const suffix = uniqueSuffix();
    run = await runLocalPipeline(emulators, pipelineTestOptions(suffix, {
      drops: [await dropWithANumber()],
      roster: rosterFile,
      planEnvironment: { [ENV.ntaSlotsPerDay]: '2', [ENV.ntaSlotsByAor]: '{"CHI":0}' },
      outDir,
      visibilityTimeoutSeconds: 1,
    }));
    metricsRanAt = Date.now(); // the run ends with the metrics job, on the system clock
    client = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(emulators.endpoints.dynamodb)));
  });

  afterAll(async () => {
    await run?.pipeline.stop();
    client?.destroy();
    restore?.();
  });

  it('matches a roster UC to its EOIR case by A-number alone, and takes it out of the backlog', async () => {
    // 9 UCs name their case; 201000018 matches case 9431183 only through ALIEN_NBR.
    expect(run.summary.ntaPlan?.matching).toEqual({ matched: 10, casesWithoutRosterUc: 1, rosterUcsWithoutCase: 11, leftBacklog: 1 });
    const uc = await client.send(new GetCommand({ TableName: table(), Key: { pk: aNumberKey('201000018'), sk: 'ROSTER' } }));
    expect(uc.Item).toMatchObject({ status: 'EOIR_CASE', matchedCaseId: '9431183', eoirCaseId: null });
    expect(await store().loadBacklog('BOS')).toEqual([]);
    const list = await readFile(join(outDir, 'reports/roster-matching/juvenile-cases-without-roster-uc.csv'), 'utf8');
    expect(list.trim().split('\r\n')).toEqual(['EOIR_CASE_ID,UC_BASIS,AOR', '9431197,JUVENILE_HISTORY,HOU']);
  });

  it('publishes the backlog per AOR and by age, the NTAs planned in 30 days and the unmatched UC cases', async () => {
    const m = run.metrics;
    // Sample backlog: HOU 3, NYC 2, LOS, MIA, CHI; plus the PHO UC released 30 days ago.
    expect(value(m, 'NtaBacklog')).toBe(9);
    expect(perAor(m, 'NtaBacklog')).toEqual({ HOU: 3, NYC: 2, LOS: 1, MIA: 1, CHI: 1, PHO: 1 });
    expect(value(m, 'NtaBacklogAge0To90Days')).toBe(1);
    // The sample UCs were released 2020-2024, the age counted from the month of release to
    // the run's clock: worked out here from the stored release dates, so it holds on any date.
    const releases = (await Promise.all(AORS.map((aor) => store().loadBacklog(aor)))).flat().map((u) => u.releaseDate);
    expect(releases).toHaveLength(9);
    const overTwoYears = releases.filter((d) => (metricsRanAt - Date.parse(`${d?.slice(0, 7)}-01T00:00:00Z`)) / DAY_MS > 730);
    expect(value(m, 'NtaBacklogAgeOver2Years')).toBe(overTwoYears.length);
    expect(overTwoYears.length).toBeGreaterThan(0);
    // 2 slots a day from the next business day: all but CHI (no capacity) within 30 days.
    expect(value(m, 'NtasPlannedNext30Days')).toBe(8);
    expect(perAor(m, 'NtasPlannedNext30Days')).toEqual({ HOU: 3, NYC: 2, LOS: 1, MIA: 1, PHO: 1 });
    expect(value(m, 'UcCasesUnmatchedToRoster')).toBe(1);
    expect(perAor(m, 'UcCasesUnmatchedToRoster')).toEqual({ HOU: 1 });
    // The aggregates agree with the items they count, and with the morning re-plan.
    const counted = await recount();
    expect(perAor(m, 'NtaBacklog')).toEqual(counted.backlog);
    expect(perAor(m, 'NtasPlannedNext30Days')).toEqual(counted.planned);
    expect(Object.fromEntries(run.summary.ntaPlan!.byAor.map((a) => [a.aor, a.plannedNext30Days]).filter(([, n]) => n !== 0))).toEqual(counted.planned);
  });

  it('counts the week\'s backlog flow: 10 entered with the roster, 1 left on its A-number match', async () => {
    const m = await nextWeek();
    expect(value(m, 'NtaBacklogEnteredLast4Weeks')).toBe(10);
    expect(value(m, 'NtaBacklogLeftLast4Weeks')).toBe(1);
    expect(value(m, 'NtaBacklogWeeksToClear')).toBeUndefined(); // growing: no burn-down yet
  });

  it('shows the backlog by AOR in the report', async () => {
    const html = await readFile(run.reportPath, 'utf8');
    expect(html).toContain('NTA backlog by AOR');
    expect(html).not.toContain('No backlog data yet');
  });

  it('counts nothing twice when the same roster lands again and the morning run repeats', async () => {
    const flowBefore = await nextWeek();
    const [again] = await dropRoster(r1, 'roster-again');
    expect(again?.leftBacklog).toEqual({});
    await run.pipeline.runScheduledPlan();
    await run.pipeline.runScheduledPlan();
    const m = await run.pipeline.runScheduledMetrics();
    expect(perAor(m, 'NtaBacklog')).toEqual({ HOU: 3, NYC: 2, LOS: 1, MIA: 1, CHI: 1, PHO: 1 });
    expect(value(m, 'NtasPlannedNext30Days')).toBe(8);
    expect(perAor(m, 'UcCasesUnmatchedToRoster')).toEqual({ HOU: 1 });
    const flow = await nextWeek();
    expect(value(flow, 'NtaBacklogEnteredLast4Weeks')).toBe(value(flowBefore, 'NtaBacklogEnteredLast4Weeks'));
    expect(value(flow, 'NtaBacklogLeftLast4Weeks')).toBe(value(flowBefore, 'NtaBacklogLeftLast4Weeks'));
  });

  it('moves the counts once when an NTA is served, and again only on a real change', async () => {
    const served = r1.replace(/^(202000001,Backlog1,.*,HOU,)(,)$/m, '$12026-11-20$2');
    expect(served).not.toBe(r1);
    const [report] = await dropRoster(served, 'served');
    expect(report?.leftBacklog).toEqual({ NTA_SERVED: 1 });
    await dropRoster(served, 'served-again');
    const m = await run.pipeline.runScheduledMetrics();
    expect(value(m, 'NtaBacklog')).toBe(8);
    expect(perAor(m, 'NtaBacklog')).toEqual({ HOU: 2, NYC: 2, LOS: 1, MIA: 1, CHI: 1, PHO: 1 });
    expect(value(m, 'NtasPlannedNext30Days')).toBe(7);
    expect(perAor(m, 'NtasPlannedNext30Days')).toEqual((await recount()).planned);
    expect(value(await nextWeek(), 'NtaBacklogLeftLast4Weeks')).toBe(2);

    // The missing UC is back on the roster: its EOIR case is matched, nothing unmatched.
    const restored = `${served}${sample.split(/\r?\n/).find((l) => l.startsWith('201000020,'))}\n`;
    await dropRoster(restored, 'restored');
    await run.pipeline.runScheduledPlan();
    const after = await run.pipeline.runScheduledMetrics();
    expect(value(after, 'UcCasesUnmatchedToRoster')).toBe(0);
    expect(value(after, 'NtaBacklog')).toBe(8);
    expect((await recount()).backlog).toEqual(perAor(after, 'NtaBacklog'));
  });

  it('keeps names, A-numbers and addresses out of the function logs', () => {
    const text = logs.join('\n');
    expect(text).toContain('roster matching');
    expect(text).not.toMatch(/Recent1|Backlog1|Sample|Demo C|20[1234]0000\d\d/);
  });
});

describe('two re-plans of one AOR at the same time', () => {
  let client: DynamoDBDocumentClient;
  let tableName: string;
  const NOW = '2026-11-27T12:00:00.000Z'; // a Friday: plans start Monday 2026-11-30
  const uc = (n: number): RosterUc => ({
    aNumber: String(300000000 + n),
    firstName: null,
    lastName: null,
    birthDate: `20${String(10 + (n % 5))}-0${1 + (n % 9)}-15`,
    country: null,
    orrTransferDate: null,
    orrReleaseDate: `202${n % 4}-0${1 + (n % 8)}-1${n % 10}`,
    releaseType: 'SPONSOR',
    sponsorName: null,
    sponsorRelationship: null,
    sponsorAddress: { street: null, city: null, state: null, zip: null },
    aor: 'HOU',
    ntaServedDate: null,
    eoirCaseId: null,
    safetyFlag: n % 7 === 0,
  });
  const deps = (roster: RosterStore, slots: number) => ({
    roster,
    files: { putObject: async () => undefined },
    clock: fixedClock(NOW),
    log: silentLog,
    capacity: { defaultSlotsPerDay: slots, slotsPerDayByAor: {} },
    priority: ['PRIOR_FTA', 'SAFETY_FLAG', 'LONGEST_SINCE_RELEASE', 'NEAREST_18TH_BIRTHDAY'] as const,
    workListDays: 2,
  });
  const plannedCounts = async (): Promise<Record<string, number>> => {
    const state = await createDynamoProgramState({ client, tableName }).readProgramState(new Date(NOW));
    return Object.fromEntries(state.planned.filter((p) => p.planned !== 0).map((p) => [p.day, p.planned]));
  };
  const storedDays = async (store: RosterStore, aor: Aor = 'HOU') => {
    const counts: Record<string, number> = {};
    for (const u of await store.loadBacklog(aor)) if (u.plannedDate !== null) counts[u.plannedDate] = (counts[u.plannedDate] ?? 0) + 1;
    return counts;
  };

  beforeAll(async () => {
    tableName = (await provisionLocalResources(emulators.endpoints, { suffix: uniqueSuffix() })).casesTable;
    client = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(emulators.endpoints.dynamodb)));
  });
  afterAll(() => client?.destroy());

  it('never interleave: the second waits for the lease and the stored plan is exactly one of the two', async () => {
    const base = createDynamoRosterStore({ client, tableName });
    await base.saveRosterUcs(Array.from({ length: 45 }, (_, i) => uc(i + 1)), 'r1', NOW);
    const events: string[] = [];
    const traced = (name: string): RosterStore => ({
      ...base,
      acquirePlanLease: async (aor) => {
        const lease = await base.acquirePlanLease(aor);
        events.push(`${name} acquired`);
        return lease;
      },
      savePlan: async (lease, changes) => {
        events.push(`${name} saving`);
        return base.savePlan(lease, changes);
      },
      releasePlanLease: async (lease) => {
        events.push(`${name} released`);
        return base.releasePlanLease(lease);
      },
    });
    await Promise.all([replanNtaBacklog(['HOU'], deps(traced('a'), 4)), replanNtaBacklog(['HOU'], deps(traced('b'), 7))]);
    const first = events[0]!.split(' ')[0]!;
    const second = first === 'a' ? 'b' : 'a';
    expect(events).toEqual([`${first} acquired`, `${first} saving`, `${first} released`, `${second} acquired`, `${second} saving`, `${second} released`]);

    const backlog = await base.loadBacklog('HOU');
    const expected = planBacklog(backlog, {
      startDate: addBusinessDays('2026-11-27', 1),
      capacity: { defaultSlotsPerDay: second === 'a' ? 4 : 7, slotsPerDayByAor: {} },
    }).get('HOU')!;
    const want = new Map(expected.planned.map((p) => [p.aNumber, p.plannedDate]));
    expect(backlog.map((u) => [u.aNumber, u.plannedDate])).toEqual(backlog.map((u) => [u.aNumber, want.get(u.aNumber)]));
    // The planned-NTA counters hold exactly the stored plan: no count from the first plan left over.
    expect(await plannedCounts()).toEqual(await storedDays(base));
  });

  it('makes a re-plan wait, then fail with NTA_PLAN_LOCKED, while another holds the lease', async () => {
    const store = createDynamoRosterStore({ client, tableName, leaseWaitMs: 300 });
    const held = await store.acquirePlanLease('MIA');
    await expect(store.acquirePlanLease('MIA')).rejects.toThrow(/NTA_PLAN_LOCKED/);
    await store.releasePlanLease(held);
    const next = await store.acquirePlanLease('MIA');
    await store.releasePlanLease(next);
  });

  it('writes nothing for a re-plan whose lease was taken over (a holder past its term)', async () => {
    // A UC in the HOU backlog to re-plan (the same input as the first test's: no change when it ran).
    await createDynamoRosterStore({ client, tableName }).saveRosterUcs([uc(1)], 'r1', NOW);
    // The holder took its lease a term ago and has not finished (a stalled Lambda): by the
    // other re-plan's clock the lease has expired. Two clocks, no waiting.
    const leaseSeconds = 60;
    const takenAt = '2026-11-27T09:00:00.000Z';
    const shortLease = createDynamoRosterStore({ client, tableName, leaseSeconds, clock: fixedClock(takenAt) });
    const stale = await shortLease.acquirePlanLease('HOU');
    const pastTerm = new Date(Date.parse(takenAt) + (leaseSeconds + 1) * 1000).toISOString();
    const other = createDynamoRosterStore({ client, tableName, leaseSeconds, clock: fixedClock(pastTerm) });
    const current = await other.acquirePlanLease('HOU'); // the old lease expired: taken over
    const before = await storedDays(other);
    const counters = await plannedCounts();
    const [victim] = await other.loadBacklog('HOU');
    await expect(
      shortLease.savePlan(stale, [{ aNumber: victim!.aNumber, aor: 'HOU', rank: 1, plannedDate: '2027-01-04', previousDate: victim!.plannedDate }]),
    ).rejects.toThrow(/NTA_PLAN_LEASE_LOST/);
    expect(await storedDays(other)).toEqual(before);
    expect(await plannedCounts()).toEqual(counters);
    await other.releasePlanLease(current);
  });
});
