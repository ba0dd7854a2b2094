import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLambdaOutput } from '../../infra/local/capture-output';
import type { Emulators } from '../../infra/local/emulators';
import { localClientConfig } from '../../infra/local/provision';
import { runLocalPipeline, type LocalRunResult } from '../../infra/local/run';
import { createDynamoRosterStore } from '../../shared/adapters/cases-table/dynamo-roster-store';
import { createDynamoTaskStore } from '../../shared/adapters/cases-table/dynamo-task-store';
import { WORK_LIST_COLUMNS } from '../../shared/domain/work-list';
import { createAwsClients, type AwsClients } from '../../shared/runtime/aws-clients';
import { connectEmulators, pipelineTestOptions, SAMPLE_DROP, tempDir, uniqueSuffix } from '../helpers/local-stack';
import { columnLetter, readXlsxSheet } from '../helpers/xlsx-xml';

const HEADER = 'A_NUMBER,FIRST_NAME,LAST_NAME,BIRTH_DATE,COUNTRY,ORR_TRANSFER_DATE,ORR_RELEASE_DATE,RELEASE_TYPE,SPONSOR_NAME,SPONSOR_RELATIONSHIP,SPONSOR_STREET,SPONSOR_CITY,SPONSOR_STATE,SPONSOR_ZIP,AOR,NTA_SERVED_DATE,EOIR_CASE_ID';
const HYPERLINK = '=HYPERLINK("http://evil.example/x","click")';
const ROSTER = [
  HEADER,
  `012345678,Ana,Cero,2010-02-03,GT,2023-01-05,2023-02-01,SPONSOR,"${HYPERLINK.replace(/"/g, '""')}",AUNT,1 Beacon St,Boston,MA,02134,BOS,,`,
  '201000302,Bo,Dos,2009-04-05,HN,2023-01-05,2023-02-02,SPONSOR,Eva Dos,MOTHER,2 Beacon St,Boston,MA,02135,BOS,,',
].join('\r\n');
const col = (name: (typeof WORK_LIST_COLUMNS)[number]): string => columnLetter(WORK_LIST_COLUMNS.indexOf(name) + 1);

/** Work lists out (xlsx + csv) and back (returns/<AOR>/), through S3, the functions and DynamoDB Local. */
describe('work lists people can open, and the outcomes they send back, on the local AWS stack', () => {
  let emulators: Emulators;
  let restore: () => void;
  let run: LocalRunResult;
  let clients: AwsClients;
  const logs: string[] = [];
  const outDir = tempDir('returns');
  const work = tempDir('returns-work');

  const store = () => createDynamoRosterStore({ client: clients.dynamo, tableName: run.pipeline.resources.casesTable });
  const tasks = () => createDynamoTaskStore({ client: clients.dynamo, tableName: run.pipeline.resources.casesTable });
  const bosList = (ext: 'xlsx' | 'csv'): string => {
    const file = run.summary.ntaPlan!.workListFiles.find((f) => new RegExp(`^worklists/BOS/\\d{4}-\\d{2}-\\d{2}\\.${ext}$`).test(f));
    expect(file).toBeDefined();
    return join(outDir, file!);
  };
  const sendBack = async (file: string, aor: string) => {
    const before = run.pipeline.returnReports.length;
    await run.pipeline.uploadReturn(file, aor);
    await run.pipeline.drain();
    const reports = run.pipeline.returnReports.slice(before);
    expect(reports).toHaveLength(1);
    return reports[0]!;
  };
  const readObject = async (key: string): Promise<string> => {
    const s3 = new S3Client({ ...localClientConfig(emulators.endpoints.s3), forcePathStyle: true });
    try {
      return (await (await s3.send(new GetObjectCommand({ Bucket: run.pipeline.resources.dropBucket, Key: key }))).Body?.transformToString()) ?? '';
    } finally {
      s3.destroy();
    }
  };

  beforeAll(async () => {
    restore = captureLambdaOutput({ onLog: (l) => logs.push(l), onMetrics: () => undefined });
    emulators = await connectEmulators();
    const roster = join(work, 'roster.csv');
    writeFileSync(roster, ROSTER);
    run = await runLocalPipeline(emulators, pipelineTestOptions(uniqueSuffix(), { drops: [SAMPLE_DROP], roster, outDir, visibilityTimeoutSeconds: 1 }));
    clients = createAwsClients();
  });

  afterAll(async () => {
    await run?.pipeline.stop();
    clients?.dynamo.destroy();
    restore();
    await emulators?.stop();
  });

  it('writes the xlsx beside the CSV in out/worklists/, and the A-number, ZIP and a formula-like sponsor name survive as text', async () => {
    const sheet = await readXlsxSheet(readFileSync(bosList('xlsx')));
    const row = [...sheet.cells.values()].find((c) => c.ref.startsWith(col('A_NUMBER')) && c.value === '012345678');
    expect(row).toMatchObject({ type: 's', numFmt: '@' });
    const r = row!.ref.slice(col('A_NUMBER').length);
    expect(sheet.cells.get(`${col('SPONSOR_ZIP')}${r}`)).toMatchObject({ type: 's', value: '02134', numFmt: '@' });
    expect(sheet.cells.get(`${col('SPONSOR_NAME')}${r}`)).toMatchObject({ type: 's', value: HYPERLINK, formula: undefined });
    expect(sheet.frozenRows).toBe(1);
    const csv = readFileSync(bosList('csv'), 'utf8');
    expect(csv).toContain(',012345678,');
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example/x"",""click"")"`);
  });

  it('an xlsx returned with an NTA served takes the UC out of the backlog and off the next work list; sent again, nothing changes', async () => {
    expect((await store().loadBacklog('BOS')).map((u) => u.aNumber).sort()).toEqual(['012345678', '201000302']);
    // The officer opens the list, types the date into NTA_SERVED_DATE of one row, saves.
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(bosList('xlsx'));
    const sheet = book.worksheets[0]!;
    const aCol = WORK_LIST_COLUMNS.indexOf('A_NUMBER') + 1;
    const served = WORK_LIST_COLUMNS.indexOf('NTA_SERVED_DATE') + 1;
    sheet.eachRow((row, n) => {
      if (n > 1 && row.getCell(aCol).value === '012345678') row.getCell(served).value = new Date('2026-03-02T00:00:00Z');
    });
    mkdirSync(join(work, 'BOS'), { recursive: true });
    const returned = join(work, 'BOS', 'served.xlsx');
    await book.xlsx.writeFile(returned);

    const first = await sendBack(returned, 'BOS');
    expect(first).toMatchObject({ format: 'xlsx', rows: { read: 1, accepted: 1, rejected: 0 }, rowsWithoutOutcome: 1, ntaServed: 1, leftBacklog: 1, aorsReplanned: 1 });
    expect((await store().loadBacklog('BOS')).map((u) => u.aNumber)).toEqual(['201000302']);
    const next = await readObject(`worklists/BOS/${(await store().loadBacklog('BOS'))[0]!.plannedDate}.csv`);
    expect(next).not.toContain('012345678');

    const again = await sendBack(returned, 'BOS');
    expect(again).toMatchObject({ rows: { read: 1, accepted: 1, rejected: 0 }, ntaServed: 1, leftBacklog: 0 });
    expect((await store().loadBacklog('BOS')).map((u) => u.aNumber)).toEqual(['201000302']);
  });

  it('a later roster that does not know the NTA was served does not put the UC back in the backlog', async () => {
    mkdirSync(join(work, 'BOS'), { recursive: true });
    const served = join(work, 'BOS', 'served.csv');
    writeFileSync(served, 'A_NUMBER,NTA_SERVED_DATE\r\n012345678,2026-03-02\r\n');
    expect((await sendBack(served, 'BOS')).rows.accepted).toBe(1);
    expect((await store().loadBacklog('BOS')).map((u) => u.aNumber)).toEqual(['201000302']);
    const roster = join(work, 'roster-again.csv');
    writeFileSync(roster, ROSTER);
    await run.pipeline.uploadRoster(roster, 'again');
    await run.pipeline.drain();
    expect((await store().loadBacklog('BOS')).map((u) => u.aNumber)).toEqual(['201000302']);
  });

  it('a CSV returned with an address verified and an I-830 filed closes those cases\' tasks; bad rows are quarantined with their line and reason', async () => {
    const [a, b] = run.ftas.filter((f, i, all) => all.findIndex((g) => g.caseId === f.caseId) === i);
    expect(a && b).toBeTruthy();
    const open = async (caseId: string) => (await tasks().listOverdueTasks(run.ftas.find((f) => f.caseId === caseId)!.aor, '2099-01-01')).filter((t) => t.caseId === caseId).length;
    expect(await open(a!.caseId)).toBeGreaterThan(0);
    expect(await open(b!.caseId)).toBeGreaterThan(0);
    const csv = [
      'EOIR_CASE_ID,A_NUMBER,NTA_SERVED_DATE,ADDRESS_VERIFIED_DATE,VERIFIED_STREET,VERIFIED_CITY,VERIFIED_STATE,VERIFIED_ZIP,I830_FILED_DATE,OUTCOME_NOTE',
      `${a!.caseId},,,3/2/2026,"500 Other St\nUnit 4",El Paso,tx,07901,,seen at sponsor`,
      `${b!.caseId},,,,,,,,2026-03-03,`,
      ',999999999,2026-03-02,,,,,,,',
      `${a!.caseId},,,2026-02-30,1 X St,,,,,`,
      `${a!.caseId},,,,1 X St,,,,,`,
      ',201000302,,,,,,,,just a note',
      ',,,,,,,,,',
    ].join('\r\n');
    mkdirSync(join(work, 'HOU'), { recursive: true });
    const file = join(work, 'HOU', 'followups.csv');
    writeFileSync(file, csv);
    const report = await sendBack(file, 'HOU');
    expect(report.rows).toEqual({ read: 5, accepted: 2, rejected: 3, rejectedByReason: { NOT_ON_ROSTER: 1, DATE_INVALID: 1, OUTCOME_INCOMPLETE: 1 } });
    // The note-only row and the empty one: not worked yet, nothing recorded.
    expect(report).toMatchObject({ rowsWithoutOutcome: 2, addressesVerified: 1, i830Filed: 1 });
    expect(report.tasksClosed).toBeGreaterThanOrEqual(2);
    expect(await open(a!.caseId)).toBe(0);
    expect(await open(b!.caseId)).toBe(0);
    const quarantine = await readObject(report.quarantineKey!);
    expect(quarantine.split('\r\n').slice(0, 4).map((l) => l.split(',').slice(0, 2).join(','))).toEqual([
      'LINE,REASON', '5,NOT_ON_ROSTER', '6,DATE_INVALID', '7,OUTCOME_INCOMPLETE',
    ]);
  });

  it('refuses a file under a folder that is not an AOR, and a sheet that is not a work list', async () => {
    const backlog = (await store().loadBacklog('BOS')).map((u) => u.aNumber);
    mkdirSync(join(work, 'BOS'), { recursive: true });
    mkdirSync(join(work, 'XYZ'), { recursive: true });
    const stray = join(work, 'XYZ', 'list.csv');
    writeFileSync(stray, 'A_NUMBER,NTA_SERVED_DATE\r\n201000302,2026-03-02\r\n');
    expect((await sendBack(stray, 'XYZ')).rows.tableRejection).toMatchObject({ reason: 'AOR_UNKNOWN' });
    const other = join(work, 'BOS', 'budget.csv');
    writeFileSync(other, 'ITEM,COST\r\nfuel,12\r\n');
    expect((await sendBack(other, 'BOS')).rows.tableRejection).toMatchObject({ reason: 'HEADER_MISSING_COLUMNS' });
    const broken = join(work, 'BOS', 'broken.xlsx');
    writeFileSync(broken, 'not a zip at all');
    expect((await sendBack(broken, 'BOS')).rows.tableRejection).toMatchObject({ reason: 'WORKBOOK_UNREADABLE' });
    expect((await store().loadBacklog('BOS')).map((u) => u.aNumber)).toEqual(backlog);
  });

  it('keeps A-numbers, names and addresses out of the function logs', () => {
    const text = logs.join('\n');
    expect(text).toContain('work-list return recorded');
    expect(text).not.toMatch(/012345678|201000302|Other St|El Paso|Beacon/);
  });
});
