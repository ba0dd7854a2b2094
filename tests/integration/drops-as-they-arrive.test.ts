import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDynamoCaseStore } from '../../shared/adapters/cases-table/dynamo-case-store';
import { createS3DocketSource } from '../../shared/adapters/s3-docket-source';
import type { DropReport } from '../../shared/domain/drop-report';
import { fetchReceivedEmails } from '../../infra/local/outputs';
import { localClientConfig, provisionLocalResources } from '../../infra/local/provision';
import { runLocalPipeline, type LocalRunResult } from '../../infra/local/run';
import { pipelineTestOptions, tempDir, uniqueSuffix, useLocalStack } from '../helpers/local-stack';
import { makeZip } from '../helpers/zip';

const CASES = join(import.meta.dirname, '../fixtures/cases');
/** The base drop's two FTAs (README of the cases: UC cases 7100001 and 7100002). */
const BASE_FTAS = { 'IA-8100001': 'OPEN', 'NS-9100002': 'OPEN' };

const ftasOf = (run: LocalRunResult): Record<string, string> => Object.fromEntries(run.ftas.map((f) => [f.ftaId, f.status]));
/**
 * The handlers read their resource names once per process, so every run here shares one
 * set of resources: the store keeps the FTAs of earlier tests. Each test checks its own
 * drop's report (new + repeated) and that its FTAs are in the store and OPEN.
 */
const found = (report: DropReport | undefined): number => (report?.ftas.new ?? 0) + (report?.ftas.repeated ?? 0);

describe('drops as they really arrive, through the local AWS stack', () => {
  const stack = useLocalStack();
  const suffix = uniqueSuffix();
  const run = async (drops: string[]): Promise<LocalRunResult> => {
    const result = await runLocalPipeline(stack.emulators, pipelineTestOptions(suffix, { drops, scheduledRuns: false }));
    await result.pipeline.stop();
    return result;
  };


  it('ingests a folder drop whose marker is COUNT.TXT (upper case): the trigger is not case-sensitive', async () => {
    const result = await run([join(CASES, 'c05-marker-upper-case/drop-upper')]);
    expect(result.summary.ingestFailures).toEqual([]);
    expect(ftasOf(result)).toMatchObject(BASE_FTAS);
    expect(found(result.summary.drops[0])).toBe(2);
    expect(result.emails).toHaveLength(result.summary.drops[0]?.ftas.new ?? -1);
    expect(result.summary.drops[0]?.countCheck?.tbl_schedule).toMatchObject({ matches: true });
  });

  it('reads both files of tbl_schedule (.csv and .txt), names each in the report, and finds the no-show only the .txt holds', async () => {
    const result = await run([join(CASES, 'c06-two-files-one-table/drop-two-files')]);
    expect(ftasOf(result)).toMatchObject({ ...BASE_FTAS, 'NS-9100009': 'OPEN' });
    expect(found(result.summary.drops[0])).toBe(3);
    expect(result.emails).toHaveLength(result.summary.drops[0]?.ftas.new ?? -1);
    const schedule = result.summary.drops[0]?.tables.tbl_schedule;
    expect(schedule?.files?.map((f) => f.key.replace(/^.*\//, ''))).toEqual(['tbl_schedule.csv', 'tbl_schedule.txt']);
    expect(schedule?.files?.reduce((n, f) => n + f.read, 0)).toBe(schedule?.read);
    expect(schedule?.files?.every((f) => f.read > 0)).toBe(true);
  });

  it('reads a release copied as a folder (tables one level down, Lookup/ beside them) like the zip', async () => {
    const result = await run([join(CASES, 'c03-unzipped-release-folder/EOIR Case Data 2026-0401')]);
    expect(ftasOf(result)).toMatchObject(BASE_FTAS);
    expect(found(result.summary.drops[0])).toBe(2);
    const [drop] = result.summary.drops;
    expect(Object.keys(drop?.tables ?? {}).sort()).toEqual(['A_TblCase', 'B_TblProceeding', 'tbl_JuvenileHistory', 'tbl_schedule']);
    expect(drop?.ignoredFiles).toEqual([{ file: 'drops/EOIR Case Data 2026-0401/Lookup/tblLookup_Juvenile.csv', reason: 'EOIR_LOOKUP_TABLE' }]);
    expect(drop?.failure).toBeUndefined();
  });

  it('decodes a zip whose entries are Deflate64 (method 9, as Windows writes large archives)', async () => {
    const result = await run([join(CASES, 'c02-deflate64-zip/EOIR Case Data deflate64.zip')]);
    expect(result.summary.ingestFailures).toEqual([]);
    expect(ftasOf(result)).toMatchObject(BASE_FTAS);
    expect(found(result.summary.drops[0])).toBe(2);
    for (const c of Object.values(result.summary.drops[0]?.tables ?? {})) expect(c.read).toBeGreaterThan(0);
  });

  it('fails a drop with nothing readable out loud: a report saying why, no FTA, and the run counts it failed', async () => {
    const dir = tempDir('nothing');
    writeFileSync(join(dir, 'tblLookup_Juvenile.csv'), 'code\tdesc\r\n4\tUJ\r\n');
    writeFileSync(join(dir, 'notes.txt'), 'nothing here\r\n');
    const result = await run([dir]);
    const [drop] = result.summary.drops;
    expect(drop?.failure?.reason).toBe('NOTHING_READABLE');
    expect(drop?.failure?.detail).toMatch(/1 EOIR_LOOKUP_TABLE/);
    expect(drop?.failure?.detail).toMatch(/1 UNKNOWN_TABLE/);
    expect(found(drop)).toBe(0);
    expect(result.summary.ingestFailures).toEqual([]);
  });

  it('reads a zip with 3,000 stray entries of long names: the two FTAs, the list in S3, the report item small', async () => {
    const base = join(CASES, 'c05-marker-upper-case/drop-upper');
    const stray = Array.from({ length: 3000 }, (_, i) => ({
      name: `EOIR Case Data/attachments/${'scanned-correspondence-archive-'.repeat(4)}${String(i).padStart(5, '0')}.txt`,
      data: Buffer.from(`note ${i}\r\n`),
    }));
    expect(stray[0]?.name.length).toBeGreaterThan(150);
    const dir = tempDir('stray');
    const tables = readdirSync(base).map((f) => ({ name: `EOIR Case Data/${f === 'COUNT.TXT' ? 'Count.txt' : f}`, data: readFileSync(join(base, f)) }));
    writeFileSync(join(dir, 'release-stray.zip'), makeZip([...tables, ...stray]));
    const result = await run([join(dir, 'release-stray.zip')]);
    expect(result.summary.ingestFailures).toEqual([]);
    expect(ftasOf(result)).toMatchObject(BASE_FTAS);
    expect(found(result.summary.drops[0])).toBe(2);
    const [drop] = result.summary.drops as (DropReport & { source: string })[];
    expect(drop?.ignoredByReason).toEqual({ UNKNOWN_TABLE: 3000 });
    expect(drop?.ignoredFiles).toBeUndefined();
    expect(drop?.lists?.ignoredFiles?.count).toBe(3000);
    const key = drop?.lists?.ignoredFiles?.key ?? '';
    expect(key).toMatch(/^reports\/drops\/release-stray\/[^/]+\/ignored-files\.json$/);
    const s3 = new S3Client({ ...localClientConfig(stack.emulators.endpoints.s3), forcePathStyle: true });
    const { resources } = result.pipeline;
    try {
      const listed = JSON.parse((await (await s3.send(new GetObjectCommand({ Bucket: resources.dropBucket, Key: key }))).Body?.transformToString()) ?? '[]') as { file: string }[];
      expect(listed).toHaveLength(3000);
      expect(listed.map((f) => f.file)).toContain(stray[2999]?.name);
    } finally {
      s3.destroy();
    }
    // The report item, as stored: far below DynamoDB's 400 KB.
    const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(stack.emulators.endpoints.dynamodb)));
    try {
      const stored = await dynamo.send(new GetCommand({ TableName: resources.casesTable, Key: { pk: 'DROP#release-stray', sk: `REPORT#${drop?.startedAt}` } }));
      expect(Buffer.byteLength(JSON.stringify(stored.Item))).toBeLessThan(20_000);
    } finally {
      dynamo.destroy();
    }
  });

  it('opens a zip once: the tables and chunks read after the listing do not read its central directory again', async () => {
    const base = join(CASES, 'c05-marker-upper-case/drop-upper');
    const entries = [
      ...readdirSync(base).map((f) => ({ name: `EOIR Case Data/${f}`, data: readFileSync(join(base, f)) })),
      ...Array.from({ length: 2500 }, (_, i) => ({ name: `Lookup/tblLookup_${i}.csv`, data: Buffer.from('code\r\n') })),
    ];
    const resources = await provisionLocalResources(stack.emulators.endpoints, { suffix: uniqueSuffix() });
    const s3 = new S3Client({ ...localClientConfig(stack.emulators.endpoints.s3), forcePathStyle: true });
    let gets = 0;
    s3.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'GetObjectCommand') gets += 1;
        return next(args);
      },
      { step: 'initialize' },
    );
    try {
      const { PutObjectCommand } = await import('@aws-sdk/client-s3');
      await s3.send(new PutObjectCommand({ Bucket: resources.dropBucket, Key: 'drops/once.zip', Body: makeZip(entries) }));
      const source = createS3DocketSource({ client: s3, bucket: resources.dropBucket });
      const drop = { dropId: 'once', location: 'drops/once.zip', kind: 'zip' as const };
      const listing = await source.listDrop(drop);
      const afterListing = gets;
      const files = [...listing.tables.values()].flat();
      expect(files).toHaveLength(4);
      // A header read and a whole read of every table, as the ingest does.
      for (const f of files) {
        for await (const _ of source.openTable(drop, f.key)) break;
        for await (const _ of source.openTable(drop, f.key)) void _;
      }
      // One ranged read per entry read at most (its local header and data); re-reading the
      // directory of 2,500 entries would cost at least one more read per open.
      expect(gets - afterListing).toBeLessThanOrEqual(2 * 2 * files.length);
    } finally {
      s3.destroy();
    }
  });

  it('sends a stored FTA that was never queued from the scheduled outbox sweep, with no drop coming', async () => {
    const result = await runLocalPipeline(stack.emulators, pipelineTestOptions(suffix, { drops: [], scheduledRuns: false }));
    const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(stack.emulators.endpoints.dynamodb)));
    try {
      const store = createDynamoCaseStore({ client: dynamo, tableName: result.pipeline.resources.casesTable });
      await store.markUcCases([{ caseId: '7199999', basis: 'JUVENILE_HISTORY', dropId: 'earlier' }]);
      const fta = {
        ftaId: 'IA-8199999', kind: 'IN_ABSENTIA_ORDER' as const, caseId: '7199999', proceedingId: '8199999', scheduleId: null,
        date: '2025-01-03', court: 'HOU', aor: 'HOU' as const, provenance: { dropId: 'earlier', table: 'B_TblProceeding' as const, lineNumber: 2, byteOffset: 100 },
      };
      // Stored by a run whose queues were down: in the outbox, never sent.
      await store.recordFtas([fta], '2026-11-28T00:00:00.000Z');
      expect(await result.pipeline.runScheduledOutboxSweep()).toEqual({ ftas: 1, rescissions: 0 });
      await result.pipeline.drain();
      for await (const page of store.unpublishedFtas(100)) expect(page).toEqual([]);
      const emails = (await fetchReceivedEmails(stack.emulators.endpoints.ses)).filter((e) => e.to.some((t) => t.includes(`orr${suffix}@`)));
      expect(emails.map((e) => e.subject).filter((subject) => subject.includes('IA-8199999'))).toHaveLength(1);
      // Swept again: nothing left to send.
      expect(await result.pipeline.runScheduledOutboxSweep()).toEqual({ ftas: 0, rescissions: 0 });
    } finally {
      dynamo.destroy();
      await result.pipeline.stop();
    }
  });
});
