import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLambdaOutput } from '../../infra/local/capture-output';
import type { Emulators } from '../../infra/local/emulators';
import { localClientConfig } from '../../infra/local/provision';
import { runLocalPipeline, type LocalRunResult } from '../../infra/local/run';
import { createDynamoRosterStore } from '../../shared/adapters/cases-table/dynamo-roster-store';
import { createAwsClients, type AwsClients } from '../../shared/runtime/aws-clients';
import { connectEmulators, pipelineTestOptions, tempDir, uniqueSuffix } from '../helpers/local-stack';

const CASES = join(import.meta.dirname, '../fixtures/cases');
const caseRoster = (name: string): string => join(CASES, name, 'roster.csv');

/** Rosters as Excel and field offices make them, through S3, the roster ingest and DynamoDB Local. */
describe('roster files as spreadsheets write them, on the local AWS stack', () => {
  let emulators: Emulators;
  let restore: () => void;
  let run: LocalRunResult;
  let clients: AwsClients;
  const logs: string[] = [];

  const store = () => createDynamoRosterStore({ client: clients.dynamo, tableName: run.pipeline.resources.casesTable });
  const ingest = async (file: string, id: string) => {
    const before = run.pipeline.rosterReports.length;
    await run.pipeline.uploadRoster(file, id);
    await run.pipeline.drain();
    const reports = run.pipeline.rosterReports.slice(before);
    expect(reports).toHaveLength(1);
    return reports[0]!;
  };
  /** Puts `body` at `key` (any name, as a person would) and returns the roster reports its S3 notification produced. */
  const putUnderRosters = async (key: string, body: Buffer) => {
    const before = run.pipeline.rosterReports.length;
    await run.pipeline.putObject(key, body);
    await run.pipeline.drain();
    return run.pipeline.rosterReports.slice(before);
  };
  const backlogOf = async (aor: 'HOU' | 'NYC' | 'MIA') => store().loadBacklog(aor);

  beforeAll(async () => {
    restore = captureLambdaOutput({ onLog: (l) => logs.push(l), onMetrics: () => undefined });
    emulators = await connectEmulators();
    run = await runLocalPipeline(emulators, pipelineTestOptions(uniqueSuffix(), { drops: [], outDir: tempDir('roster-files') }));
    clients = createAwsClients();
  });

  afterAll(async () => {
    await run?.pipeline.stop();
    clients?.dynamo.destroy();
    restore();
    await emulators?.stop();
  });

  it('c10: a quoted street with a line break is one UC, the street keeps its second line', async () => {
    const report = await ingest(caseRoster('c10-roster-line-break-in-quotes'), 'c10');
    expect(report.rows).toMatchObject({ read: 3, accepted: 3, rejected: 0 });
    expect(report.ucs.BACKLOG).toBe(3);
    const nyc = await backlogOf('NYC');
    expect(nyc.map((u) => [u.aNumber, u.workList.SPONSOR_STREET])).toEqual([['201000102', '12 Example Ave\nApt 3']]);
    expect((await backlogOf('HOU')).map((u) => u.aNumber)).toEqual(['201000101']);
    expect((await backlogOf('MIA')).map((u) => u.aNumber)).toEqual(['201000103']);
  });

  it('c11: CR-only line ends (Excel for Mac) read 3 rows, 3 accepted', async () => {
    const report = await ingest(caseRoster('c11-roster-cr-line-ends'), 'c11');
    expect(report.rows).toMatchObject({ read: 3, accepted: 3, rejected: 0 });
    expect(report.ucs.BACKLOG).toBe(3);
    expect((await backlogOf('NYC')).map((u) => u.workList.SPONSOR_STREET)).toEqual(['12 Example Ave Apt 3']);
  });

  it('c12: rows without their trailing empty fields are accepted', async () => {
    const report = await ingest(caseRoster('c12-roster-short-rows'), 'c12');
    expect(report.rows).toEqual({ read: 3, accepted: 3, rejected: 0, rejectedByReason: {} });
    expect(report.ucs.BACKLOG).toBe(3);
  });

  it('c13: a Windows-1252 roster is decoded, said in the report, and Muñoz and Peña stored as such', async () => {
    const report = await ingest(caseRoster('c13-roster-windows-1252'), 'c13');
    expect(report.rows).toMatchObject({ read: 3, accepted: 3, rejected: 0 });
    expect(report.encoding).toBe('WINDOWS-1252');
    expect((await backlogOf('HOU')).map((u) => u.workList.LAST_NAME)).toEqual(['Muñoz']);
    expect((await backlogOf('MIA')).map((u) => u.workList.SPONSOR_NAME)).toEqual(['Eva Peña']);
    expect(logs.some((l) => l.includes('decoded as Windows-1252'))).toBe(true);
  });

  it('ingests ROSTER.CSV (upper-case extension, as Excel saves it): the notification filters on the prefix only', async () => {
    const reports = await putUnderRosters('rosters/upper/ROSTER.CSV', await readFile(caseRoster('c12-roster-short-rows')));
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ rosterId: 'upper', objectKey: 'rosters/upper/ROSTER.CSV', rows: { read: 3, accepted: 3, rejected: 0 } });
    expect(reports[0]?.rows.tableRejection).toBeUndefined();
  });

  it('refuses notes.txt under rosters/ by its name, unread, with the reason in its roster report', async () => {
    const reports = await putUnderRosters('rosters/notes/notes.txt', Buffer.from('A_NUMBER\r\n201000999\r\n'));
    expect(reports).toHaveLength(1);
    expect(reports[0]?.rows).toMatchObject({ read: 0, accepted: 0, rejected: 0, tableRejection: { reason: 'NOT_A_ROSTER_FILE', detail: expect.stringContaining('notes.txt') } });
    expect(reports[0]?.encoding).toBeUndefined();
    expect(logs.some((l) => l.includes('roster refused') && l.includes('NOT_A_ROSTER_FILE'))).toBe(true);
  });

  it('refuses a file that is not a roster with its reason, never as zero rows read', async () => {
    const dir = tempDir('not-roster');
    writeFileSync(join(dir, 'people.csv'), 'NAME,ZIP\r\nAna,02134\r\n');
    writeFileSync(join(dir, 'empty.csv'), '');
    writeFileSync(join(dir, 'book.csv'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00]));
    expect((await ingest(join(dir, 'people.csv'), 'people')).rows.tableRejection).toMatchObject({ reason: 'HEADER_MISSING_COLUMNS', detail: expect.stringContaining('A_NUMBER') });
    expect((await ingest(join(dir, 'empty.csv'), 'empty')).rows.tableRejection).toMatchObject({ reason: 'TABLE_EMPTY' });
    expect((await ingest(join(dir, 'book.csv'), 'book')).rows.tableRejection).toMatchObject({ reason: 'TABLE_NOT_TEXT' });
  });

  it('accounts for every row of a broken file: line numbers right after a quoted line break, reasons in the quarantine', async () => {
    const dir = tempDir('broken-roster');
    const header = 'A_NUMBER,FIRST_NAME,LAST_NAME,BIRTH_DATE,COUNTRY,ORR_TRANSFER_DATE,ORR_RELEASE_DATE,RELEASE_TYPE,SPONSOR_NAME,SPONSOR_RELATIONSHIP,SPONSOR_STREET,SPONSOR_CITY,SPONSOR_STATE,SPONSOR_ZIP,AOR,NTA_SERVED_DATE,EOIR_CASE_ID';
    const lines = [
      header,
      '201000201,Ana,Uno,2008-01-15,GT,2022-03-01,2022-04-15,SPONSOR,S,AUNT,"1 A St\r\nUnit 2",Houston,TX,77002,HOU,,',
      '201000202,Bo,Dos,2008-01-15,GT,2022-03-01,2022-04-15,SPONSOR,S,AUNT,1 B St,Houston,TX,77002,XXX,,',
      '12,Cy,Tres,2008-01-15,GT,2022-03-01,2022-04-15,SPONSOR,S,AUNT,1 C St,Houston,TX,77002,HOU,,',
      '201000204,Di,Cuatro,2008-01-15,GT,2022-03-01,2022-04-15,SPONSOR,S,AUNT,1 D St,Houston,TX,77002,HOU,,,9431127',
    ];
    writeFileSync(join(dir, 'broken.csv'), `${lines.join('\r\n')}\r\n`);
    const report = await ingest(join(dir, 'broken.csv'), 'broken');
    expect(report.rows).toEqual({ read: 4, accepted: 1, rejected: 3, rejectedByReason: { AOR_INVALID: 1, A_NUMBER_INVALID: 1, ROW_EXTRA_FIELDS: 1 } });
    const s3 = new S3Client({ ...localClientConfig(emulators.endpoints.s3), forcePathStyle: true });
    const body = (await (await s3.send(new GetObjectCommand({ Bucket: run.pipeline.resources.dropBucket, Key: report.quarantineKey! }))).Body?.transformToString()) ?? '';
    s3.destroy();
    expect(body.split('\r\n').slice(0, 4).map((l) => l.split(',').slice(0, 2).join(','))).toEqual(['LINE,REASON', '4,AOR_INVALID', '5,A_NUMBER_INVALID', '6,ROW_EXTRA_FIELDS']);
  });
});
