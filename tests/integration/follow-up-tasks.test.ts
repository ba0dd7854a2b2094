import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulators } from '../../infra/local/emulators';
import { localClientConfig, provisionLocalResources } from '../../infra/local/provision';
import { createDynamoRosterStore } from '../../shared/adapters/cases-table/dynamo-roster-store';
import { createDynamoTaskStore } from '../../shared/adapters/cases-table/dynamo-task-store';
import { DEFAULT_PRIORITY } from '../../shared/domain/nta-plan';
import type { ObjectSink } from '../../shared/ports/object-sink';
import { recordFollowUp } from '../../shared/use-cases/steps/record-follow-up';
import { reportOverdueTasks } from '../../shared/use-cases/steps/report-overdue-tasks';
import { fixedClock, silentLog } from '../helpers/in-memory-ports';
import { connectEmulators, uniqueSuffix } from '../helpers/local-stack';

/**
 * Re-verification tasks through DynamoDB Local, on a table of each test's own, with the
 * clock injected: an I-830 filed closes a case's open tasks (once), and the morning's
 * overdue-reverification.csv lists exactly the open tasks due before today, per AOR.
 */
describe('re-verification tasks: I-830 follow-ups and the overdue list, through DynamoDB Local', () => {
  let emulators: Emulators;
  let client: DynamoDBDocumentClient;

  beforeAll(async () => {
    emulators = await connectEmulators();
    client = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(emulators.endpoints.dynamodb)), {
      marshallOptions: { removeUndefinedValues: true },
    });
  });
  afterAll(async () => {
    client?.destroy();
    await emulators?.stop();
  });

  /** A fresh table with four open tasks: two in HOU (one due later), one in NYC, one with no AOR. */
  const tableWithTasks = async () => {
    const { casesTable } = await provisionLocalResources(emulators.endpoints, { suffix: uniqueSuffix() });
    const tasks = createDynamoTaskStore({ client, tableName: casesTable });
    const open = async (ftaId: string, caseId: string, aor: string | null, dueDate: string) =>
      expect(await tasks.openReverificationTask({ ftaId, caseId, aor: aor as 'HOU' | null, openedAt: '2026-11-02T10:00:00.000Z', dueDate })).toBe('opened');
    await open('IA-7001', '8001', 'HOU', '2026-11-16');
    await open('NS-7002', '8002', 'HOU', '2026-12-15');
    await open('IA-7003', '8003', 'NYC', '2026-11-20');
    await open('IA-7004', '8004', null, '2026-11-10');
    return { casesTable, tasks };
  };
  const files = () => {
    const written = new Map<string, string>();
    const sink: ObjectSink = { putObject: async (key, body) => void written.set(key, typeof body === 'string' ? body : Buffer.from(body).toString('utf8')) };
    return { written, sink };
  };

  it('writes overdue-reverification.csv with exactly the open tasks due before today, per AOR', async () => {
    const { tasks } = await tableWithTasks();
    const { written, sink } = files();
    const counts = await reportOverdueTasks({ tasks, files: sink, clock: fixedClock('2026-11-30T10:00:00Z'), log: silentLog });
    expect(counts).toMatchObject({ HOU: 1, NYC: 1, NONE: 1, MIA: 0 });
    expect(written.get('worklists/HOU/overdue-reverification.csv')).toBe('DUE_DATE,FTA_ID,EOIR_CASE_ID\r\n2026-11-16,IA-7001,8001\r\n');
    expect(written.get('worklists/NYC/overdue-reverification.csv')).toBe('DUE_DATE,FTA_ID,EOIR_CASE_ID\r\n2026-11-20,IA-7003,8003\r\n');
    expect(written.get('worklists/NONE/overdue-reverification.csv')).toBe('DUE_DATE,FTA_ID,EOIR_CASE_ID\r\n2026-11-10,IA-7004,8004\r\n');
    // An AOR with nothing overdue gets its file too, header only: yesterday's list is replaced.
    expect(written.get('worklists/MIA/overdue-reverification.csv')).toBe('DUE_DATE,FTA_ID,EOIR_CASE_ID\r\n');
    // A task due today is not overdue yet.
    const { written: onDueDay, sink: dueSink } = files();
    await reportOverdueTasks({ tasks, files: dueSink, clock: fixedClock('2026-11-16T10:00:00Z'), log: silentLog });
    expect(onDueDay.get('worklists/HOU/overdue-reverification.csv')).toBe('DUE_DATE,FTA_ID,EOIR_CASE_ID\r\n');
  });

  it('closes the open tasks of a case when an I-830 is filed, once, and drops them from the overdue list', async () => {
    const { casesTable, tasks } = await tableWithTasks();
    const deps = {
      tasks,
      roster: createDynamoRosterStore({ client, tableName: casesTable }),
      clock: fixedClock('2026-11-30T10:00:00Z'),
      log: silentLog,
      // An I-830 closes tasks only: nothing is re-planned, so no work list is written.
      files: { putObject: async () => expect.unreachable('an I-830 writes no work list') },
      capacity: { defaultSlotsPerDay: 20, slotsPerDayByAor: {} },
      priority: DEFAULT_PRIORITY,
      workListDays: 10,
    };
    const message = { type: 'I830_FILED', version: 1, caseId: '8001', filedOn: '2026-11-27' } as const;
    expect(await recordFollowUp(message, deps)).toMatchObject({ closed: 1, disagreements: 0 });
    // A redelivered follow-up closes nothing more.
    expect(await recordFollowUp(message, deps)).toMatchObject({ closed: 0, disagreements: 0 });
    const { written, sink } = files();
    const counts = await reportOverdueTasks({ tasks, files: sink, clock: fixedClock('2026-11-30T10:00:00Z'), log: silentLog });
    expect(counts).toMatchObject({ HOU: 0, NYC: 1, NONE: 1 });
    expect(written.get('worklists/HOU/overdue-reverification.csv')).toBe('DUE_DATE,FTA_ID,EOIR_CASE_ID\r\n');
    // The other HOU case's task is still open: due later, overdue once its day has passed.
    expect(await tasks.listOverdueTasks('HOU', '2026-12-16')).toEqual([expect.objectContaining({ ftaId: 'NS-7002', caseId: '8002' })]);
  });
});
