import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulators } from '../../infra/local/emulators';
import { localClientConfig, provisionLocalResources } from '../../infra/local/provision';
import { createDynamoCaseStore } from '../../shared/adapters/cases-table/dynamo-case-store';
import { createDynamoProgramState } from '../../shared/adapters/cases-table/dynamo-program-state';
import {
  backlogAggregateUpdates,
  noticeSentAggregateUpdate,
  ntaPlanAggregateUpdate,
  rescindedFtaAggregateUpdates,
  taskAggregateUpdates,
  unmatchedAggregateUpdate,
  type AggregateUpdate,
} from '../../shared/adapters/cases-table/program-aggregates';
import type { Fta } from '../../shared/domain/fta';
import { buildProgramMetrics, type MetricPoint } from '../../shared/domain/program-metrics';
import { connectEmulators, uniqueSuffix } from '../helpers/local-stack';

/**
 * The aggregates other parts of the pipeline will write (EOIR rescissions, the ORR
 * notifier's send times, the UC roster and NTA planning), written here through the same
 * builders, in transactions as the contract asks, and read back by the metrics job.
 */
describe('aggregate contracts, written as the other writers will and read by the metrics job', () => {
  let emulators: Emulators;
  let client: DynamoDBDocumentClient;
  let tableName: string;
  const NOW = new Date('2026-11-28T12:00:00.000Z');
  const write = (updates: readonly AggregateUpdate[]) =>
    client.send(new TransactWriteCommand({ TransactItems: updates.map((Update) => ({ Update })) }));
  const fta = (id: number, aor: Fta['aor']): Fta => ({
    ftaId: `IA-${id}`,
    kind: 'IN_ABSENTIA_ORDER',
    caseId: String(id),
    proceedingId: String(id),
    scheduleId: null,
    date: '2026-11-02',
    court: null,
    aor,
    provenance: { dropId: 'drop-20261126', table: 'B_TblProceeding', lineNumber: id },
  });
  let points: MetricPoint[];
  const value = (name: string, aor?: string) => points.find((p) => p.name === name && p.aor === aor)?.value;

  beforeAll(async () => {
    emulators = await connectEmulators();
    tableName = (await provisionLocalResources(emulators.endpoints, { suffix: uniqueSuffix() })).casesTable;
    client = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(emulators.endpoints.dynamodb)));
    const store = createDynamoCaseStore({ client, tableName });

    // A drop landed two days ago with four FTAs (the ingest writes AGG#NOTICE.ftas itself).
    const recordedAt = '2026-11-26T06:00:00.000Z';
    const ftas = [fta(1, 'HOU'), fta(2, 'HOU'), fta(3, 'MIA'), fta(4, 'MIA')];
    await store.recordFtas(ftas, recordedAt);
    // Issue 4, the notifier: three emails sent, at 10 min, 50 min and 30 h after the drop landed.
    for (const [f, minutes] of [[ftas[0]!, 10], [ftas[1]!, 50], [ftas[2]!, 30 * 60]] as const) {
      await write([
        noticeSentAggregateUpdate(tableName, {
          ftaId: f.ftaId,
          dropId: f.provenance.dropId,
          recordedAt,
          landedAt: recordedAt,
          sentAt: new Date(Date.parse(recordedAt) + minutes * 60_000).toISOString(),
        }),
      ]);
    }
    // Issue 3, the ingest: one FTA rescinded today.
    await write(rescindedFtaAggregateUpdates(tableName, { ...ftas[3]!, dropId: 'drop-20261128' }, '2026-11-28T07:00:00.000Z'));
    // Issue 5, the roster and scheduler: 3 UCs in the HOU backlog (one since 2024), one left
    // last week; two NTAs planned; one UC case unmatched to the roster.
    await write(backlogAggregateUpdates(tableName, { aor: 'HOU', releasedOn: '2026-10-15', at: '2026-11-17T09:00:00Z', delta: 1 }));
    await write(backlogAggregateUpdates(tableName, { aor: 'HOU', releasedOn: '2026-10-20', at: '2026-11-17T09:00:00Z', delta: 1 }));
    await write(backlogAggregateUpdates(tableName, { aor: 'HOU', releasedOn: '2024-05-01', at: '2026-11-17T09:00:00Z', delta: 1 }));
    await write(backlogAggregateUpdates(tableName, { aor: 'HOU', releasedOn: '2026-10-20', at: '2026-11-18T09:00:00Z', delta: 1 }));
    await write(backlogAggregateUpdates(tableName, { aor: 'HOU', releasedOn: '2026-10-20', at: '2026-11-19T09:00:00Z', delta: -1 }));
    await write([ntaPlanAggregateUpdate(tableName, { aor: 'HOU', day: '2026-12-03', delta: 1 })]);
    await write([ntaPlanAggregateUpdate(tableName, { aor: 'MIA', day: '2026-12-10', delta: 1 })]);
    await write([unmatchedAggregateUpdate(tableName, { aor: 'PHO', delta: 1 })]);
    // Tasks: two opened (one overdue), then a third opened and closed.
    await write(taskAggregateUpdates(tableName, { aor: 'HOU', dueDate: '2026-11-20', delta: 1, at: '2026-11-19T09:00:00Z' }));
    await write(taskAggregateUpdates(tableName, { aor: 'MIA', dueDate: '2026-12-05', delta: 1, at: '2026-11-19T09:00:00Z' }));
    await write(taskAggregateUpdates(tableName, { aor: 'MIA', dueDate: '2026-11-21', delta: 1, at: '2026-11-19T09:00:00Z' }));
    await write(taskAggregateUpdates(tableName, { aor: 'MIA', dueDate: '2026-11-21', delta: -1, at: '2026-11-19T09:00:00Z' }));

    const state = await createDynamoProgramState({ client, tableName }).readProgramState(NOW);
    points = buildProgramMetrics(state, NOW);
  });

  afterAll(async () => {
    client?.destroy();
    await emulators?.stop();
  });

  it('counts rescinded FTAs out of the open ones', () => {
    expect(value('FtasOpen')).toBe(3);
    expect(value('FtasOpen', 'MIA')).toBe(1);
    expect(value('FtasRescinded')).toBe(1);
    expect(value('FtasRescindedLast7Days')).toBe(1);
    expect(value('FtasNewLast7Days')).toBe(4);
  });

  it('measures notices against the drop landing: share within 24 h, median latency, FTAs still waiting', () => {
    expect(value('NotifiedWithin24hShare')).toBe(50); // 2 of 4
    expect(value('FtasAwaitingNoticeOver24h')).toBe(1); // the rescinded one was never sent
    // 10 min, 50 min, 30 h: the median is 50 min, read from the log-scale histogram
    // within its 10% resolution.
    expect(value('NoticeLatencyMedian')).toBeGreaterThanOrEqual(3000 * 0.9);
    expect(value('NoticeLatencyMedian')).toBeLessThanOrEqual(3000 * 1.1);
  });

  it('sizes, ages and burns down the NTA backlog, and counts planned NTAs', () => {
    expect(value('NtaBacklog')).toBe(3);
    expect(value('NtaBacklog', 'HOU')).toBe(3);
    expect(value('NtaBacklogAge0To90Days')).toBe(2);
    expect(value('NtaBacklogAgeOver2Years')).toBe(1);
    expect(value('NtaBacklogEnteredLast4Weeks')).toBe(4);
    expect(value('NtaBacklogLeftLast4Weeks')).toBe(1);
    expect(value('NtasPlannedNext30Days')).toBe(2);
  });

  it('counts open and overdue tasks and unmatched UC cases', () => {
    expect(value('ReverificationTasksOpen')).toBe(2);
    expect(value('ReverificationTasksOverdue')).toBe(1);
    expect(value('ReverificationTasksOverdue', 'HOU')).toBe(1);
    expect(value('UcCasesUnmatchedToRoster', 'PHO')).toBe(1);
  });
});
