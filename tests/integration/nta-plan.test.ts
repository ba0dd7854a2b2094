import { aNumberKey } from '../../shared/adapters/cases-table/pii-keys';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLambdaOutput } from '../../infra/local/capture-output';
import type { Emulators } from '../../infra/local/emulators';
import { localClientConfig } from '../../infra/local/provision';
import { runLocalPipeline, type LocalRunResult } from '../../infra/local/run';
import { createDynamoProgramState } from '../../shared/adapters/cases-table/dynamo-program-state';
import { createDynamoRosterStore } from '../../shared/adapters/cases-table/dynamo-roster-store';
import { createDynamoTaskStore } from '../../shared/adapters/cases-table/dynamo-task-store';
import { createAwsClients, type AwsClients } from '../../shared/runtime/aws-clients';
import { ENV } from '../../shared/runtime/resources';
import { connectEmulators, pipelineTestOptions, SAMPLE_DROP, SAMPLE_ROSTER, tempDir, uniqueSuffix } from '../helpers/local-stack';

/** From a roster and a drop, through the emulators, to work lists, plan and tasks. */
describe('roster, NTA backlog plan and follow-up on the local AWS stack', () => {
  let emulators: Emulators;
  let restore: () => void;
  let run: LocalRunResult;
  let clients: AwsClients;
  const logs: string[] = [];
  const suffix = uniqueSuffix();
  const outDir = tempDir('nta');

  const store = () => createDynamoRosterStore({ client: clients.dynamo, tableName: run.pipeline.resources.casesTable });
  const tasksOpen = async (): Promise<number> => {
    const state = await createDynamoProgramState({ client: clients.dynamo, tableName: run.pipeline.resources.casesTable }).readProgramState(new Date());
    return [...state.tasksOpenByAor.values()].reduce((a, b) => a + b, 0);
  };
  const rosterAgain = async (file: string, id: string) => {
    const before = run.pipeline.rosterReports.length;
    await run.pipeline.uploadRoster(file, id);
    await run.pipeline.drain();
    return run.pipeline.rosterReports.slice(before);
  };

  beforeAll(async () => {
    restore = captureLambdaOutput({ onLog: (l) => logs.push(l), onMetrics: () => undefined });
    emulators = await connectEmulators();
    run = await runLocalPipeline(emulators, pipelineTestOptions(suffix, {
      drops: [SAMPLE_DROP],
      roster: SAMPLE_ROSTER,
      planEnvironment: { [ENV.ntaSlotsPerDay]: '2', [ENV.ntaSlotsByAor]: '{"CHI":0}' },
      outDir,
      visibilityTimeoutSeconds: 1,
    }));
    clients = createAwsClients();
  });

  afterAll(async () => {
    await run?.pipeline.stop();
    clients?.dynamo.destroy();
    restore();
    await emulators?.stop();
  });

  it('accounts for every roster row and quarantines the rejected ones with their reason', async () => {
    const [roster] = run.summary.rosters ?? [];
    expect(roster?.rows).toEqual({
      read: 25,
      accepted: 21,
      rejected: 4,
      rejectedByReason: { A_NUMBER_INVALID: 1, AOR_INVALID: 1, DATE_INVALID: 1, A_NUMBER_DUPLICATE: 1 },
    });
    expect(roster?.ucs).toEqual({ BACKLOG: 8, IN_ORR_CARE: 1, NTA_SERVED: 1, EOIR_CASE: 11 });
    const quarantine = await readFile(join(outDir, 'quarantine/rosters/roster/rejected.csv'), 'utf8');
    expect(quarantine.trim().split('\r\n').map((l) => l.split(',').slice(0, 2).join(','))).toEqual([
      'LINE,REASON', '23,A_NUMBER_INVALID', '24,AOR_INVALID', '25,DATE_INVALID', '26,A_NUMBER_DUPLICATE',
    ]);
  });

  it('plans every backlog UC into its AOR capacity and writes the work lists as CSV', async () => {
    const plan = run.summary.ntaPlan!;
    expect(plan.backlog).toBe(8);
    expect(plan.unscheduled).toBe(1); // CHI has no capacity: listed, not dropped
    const hou = plan.byAor.find((a) => a.aor === 'HOU')!;
    expect(hou.backlog).toBe(3);
    const houLists = plan.workListFiles.filter((f) => /^worklists\/HOU\/\d{4}-\d{2}-\d{2}\.csv$/.test(f));
    expect(houLists).toHaveLength(2); // 3 UCs, 2 slots a day
    const first = (await readFile(join(outDir, houLists[0]!), 'utf8')).trim().split('\r\n');
    expect(first[0]).toMatch(/^PLANNED_DATE,AOR,RANK,A_NUMBER,LAST_NAME,FIRST_NAME,/);
    // Longest since ORR release first; the sponsor name with a comma stays one field.
    expect(first[1]).toContain(',HOU,1,202000001,Sample,Backlog1,');
    expect(first[1]).toContain('"Sample, Ana"');
    expect(plan.workListFiles.some((f) => /^worklists\/CHI\/\d{4}/.test(f))).toBe(false);
    expect((await store().loadBacklog('CHI'))[0]?.plannedDate ?? null).toBeNull();
  });

  it('matches roster UCs to the EOIR UC cases and lists the roster UCs DOJ has no case for', async () => {
    expect(run.summary.ntaPlan?.matching).toEqual({ matched: 11, casesWithoutRosterUc: 0, rosterUcsWithoutCase: 10, leftBacklog: 0 });
    const list = await readFile(join(outDir, 'reports/roster-matching/roster-ucs-without-eoir-case.csv'), 'utf8');
    expect(list.trim().split('\r\n')).toHaveLength(11);
    expect(run.summary.ntaPlan?.overdueTasks.HOU).toBe(0);
  });

  it('marks the EOIR cases the roster names as UC cases and opens one task per FTA', async () => {
    // 8 in-absentia orders and 1 no-show adjournment (ADJ_RSN 11) on UC cases.
    expect(run.summary.total.ftas.new).toBe(9);
    expect(run.summary.ntaTasksScheduled).toBe(9);
    const mark = await clients.dynamo.send(
      new GetCommand({ TableName: run.pipeline.resources.casesTable, Key: { pk: 'CASE#9431127', sk: 'UC' } }),
    );
    // The roster landed first; EOIR's basis joins it, and matching counts the case as EOIR's.
    expect([...(mark.Item?.bases as Set<string>)].sort()).toEqual(['JUVENILE_HISTORY', 'ROSTER']);
    const uc = await clients.dynamo.send(
      new GetCommand({ TableName: run.pipeline.resources.casesTable, Key: { pk: aNumberKey('201000010'), sk: 'ROSTER' } }),
    );
    expect(uc.Item?.priorFta).toBe(true); // case 9431127 has an FTA
  });

  it('opens no second task when the same FTA message is delivered again', async () => {
    const before = await tasksOpen();
    const deadBefore = await run.pipeline.deadLetterCounts();
    const errorsBefore = logs.filter((l) => l.includes('"level":"ERROR"')).length;
    const fta = run.ftas[0]!;
    const sqs = new SQSClient(localClientConfig(emulators.endpoints.sqs));
    const body = JSON.stringify({
      type: 'FTA_RECORDED', version: 1, ftaId: fta.ftaId, kind: fta.kind, caseId: fta.caseId, proceedingId: fta.proceedingId,
      scheduleId: fta.scheduleId, date: fta.date, court: null, aor: fta.aor, dropId: 'sample-drop', recordedAt: new Date().toISOString(),
    });
    await sqs.send(new SendMessageCommand({ QueueUrl: run.pipeline.resources.queues.ntaSchedule.url, MessageBody: body }));
    await sqs.send(new SendMessageCommand({ QueueUrl: run.pipeline.resources.queues.ntaSchedule.url, MessageBody: body }));
    await run.pipeline.drain();
    sqs.destroy();
    expect(await tasksOpen()).toBe(before);
    // Both deliveries handled, not failed: a scheduler that throws would leave the count
    // unchanged too, but its messages would end in the DLQ and its errors in the log.
    expect(await run.pipeline.deadLetterCounts()).toEqual(deadBefore);
    expect(logs.filter((l) => l.includes('"level":"ERROR"'))).toHaveLength(errorsBefore);
  });

  it('stores nothing twice when the same roster lands again', async () => {
    const before = await Promise.all(['HOU', 'NYC', 'LOS', 'MIA', 'CHI'].map((a) => store().loadBacklog(a as 'HOU')));
    const [again] = await rosterAgain(SAMPLE_ROSTER, 'roster-again');
    expect(again?.ucs).toEqual({ BACKLOG: 8, IN_ORR_CARE: 1, NTA_SERVED: 1, EOIR_CASE: 11 });
    expect(again?.leftBacklog).toEqual({});
    const after = await Promise.all(['HOU', 'NYC', 'LOS', 'MIA', 'CHI'].map((a) => store().loadBacklog(a as 'HOU')));
    expect(after.map((l) => l.map((u) => [u.aNumber, u.plannedDate]))).toEqual(before.map((l) => l.map((u) => [u.aNumber, u.plannedDate])));
  });

  it('re-plans the AOR when a roster records an NTA served, and says who left the backlog', async () => {
    const original = await readFile(SAMPLE_ROSTER, 'utf8');
    const served = original.replace(/^(202000001,Backlog1,.*,HOU,)(,)$/m, '$12026-11-20$2');
    expect(served).not.toBe(original);
    const file = join(tempDir('roster'), 'served.csv');
    await writeFile(file, served);
    const [report] = await rosterAgain(file, 'served');
    expect(report?.leftBacklog).toEqual({ NTA_SERVED: 1 });
    const hou = await store().loadBacklog('HOU');
    expect(hou.map((u) => u.aNumber).sort()).toEqual(['202000002', '202000003']);
    const s3 = new S3Client({ ...localClientConfig(emulators.endpoints.s3), forcePathStyle: true });
    const list = hou.find((u) => u.aNumber === '202000002')!;
    const csv = await (await s3.send(new GetObjectCommand({ Bucket: run.pipeline.resources.dropBucket, Key: `worklists/HOU/${list.plannedDate}.csv` }))).Body?.transformToString();
    s3.destroy();
    expect(csv).toContain(',HOU,1,202000002,');
    expect(csv).not.toContain('202000001');
  });

  it('closes the re-verification task when a verified address arrives, once, and flags disagreeing sources', async () => {
    const tasks = createDynamoTaskStore({ client: clients.dynamo, tableName: run.pipeline.resources.casesTable });
    const fta = run.ftas.find((f) => f.caseId === '9431197') ?? run.ftas[0]!;
    expect(await tasks.listOverdueTasks(fta.aor, '2099-01-01')).toContainEqual(expect.objectContaining({ caseId: fta.caseId }));
    expect(await tasks.listOverdueTasks(fta.aor, '2000-01-01')).toEqual([]);
    const before = await tasksOpen();
    const sqs = new SQSClient(localClientConfig(emulators.endpoints.sqs));
    const body = JSON.stringify({
      type: 'ADDRESS_VERIFIED', version: 1, caseId: fta.caseId, verifiedOn: '2026-11-27',
      address: { street: '500 Other St', city: 'El Paso', state: 'TX', zip: '79901' },
    });
    for (let i = 0; i < 2; i++) {
      await sqs.send(new SendMessageCommand({ QueueUrl: run.pipeline.resources.queues.ntaSchedule.url, MessageBody: body }));
      await run.pipeline.drain();
    }
    sqs.destroy();
    expect(await tasksOpen()).toBe(before - 1);
    expect(await tasks.listOverdueTasks(fta.aor, '2099-01-01')).not.toContainEqual(expect.objectContaining({ caseId: fta.caseId }));
    const flag = await clients.dynamo.send(
      new GetCommand({ TableName: run.pipeline.resources.casesTable, Key: { pk: `CASE#${fta.caseId}`, sk: 'ADDRFLAG' } }),
    );
    // The EOIR address of record (A_TblCase) is a third source, and it disagrees too.
    expect(flag.Item?.pairs).toEqual(['EOIR_ADDRESS_OF_RECORD|ERO_VERIFIED', 'ERO_VERIFIED|ORR_SPONSOR']);
  });

  it('closes the re-verification task when an I-830 filed arrives through the queue, once', async () => {
    const tasks = createDynamoTaskStore({ client: clients.dynamo, tableName: run.pipeline.resources.casesTable });
    // A case with an open task, not the one the verified-address test closes.
    const open = new Set<string>();
    for (const aor of new Set(run.ftas.map((f) => f.aor))) for (const t of await tasks.listOverdueTasks(aor, '2099-01-01')) open.add(t.caseId);
    const fta = run.ftas.find((f) => f.caseId !== '9431197' && open.has(f.caseId))!;
    expect(fta).toBeDefined();
    const before = await tasksOpen();
    const deadBefore = await run.pipeline.deadLetterCounts();
    const sqs = new SQSClient(localClientConfig(emulators.endpoints.sqs));
    const body = JSON.stringify({ type: 'I830_FILED', version: 1, caseId: fta.caseId, filedOn: '2026-11-27' });
    for (let i = 0; i < 2; i++) {
      await sqs.send(new SendMessageCommand({ QueueUrl: run.pipeline.resources.queues.ntaSchedule.url, MessageBody: body }));
      await run.pipeline.drain();
    }
    sqs.destroy();
    expect(await tasksOpen()).toBe(before - 1);
    expect(await tasks.listOverdueTasks(fta.aor, '2099-01-01')).not.toContainEqual(expect.objectContaining({ caseId: fta.caseId }));
    expect(await run.pipeline.deadLetterCounts()).toEqual(deadBefore);
  });

  it('keeps names, A-numbers, addresses and birth dates out of the function logs', () => {
    const text = logs.join('\n');
    expect(text).toContain('roster ingested');
    expect(text).not.toMatch(/Backlog1|Sample|Demo R|20[123]0000\d\d|2009-05-01|Other St|El Paso/);
  });
});
