import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDrop } from '../../bench/gen-drop';
import { createDynamoCaseStore } from '../../shared/adapters/cases-table/dynamo-case-store';
import { createS3DocketSource } from '../../shared/adapters/s3-docket-source';
import { createS3Quarantine } from '../../shared/adapters/s3-quarantine';
import { ingestDocketDrop } from '../../shared/use-cases/steps/ingest/ingest-docket-drop';
import { captureLambdaOutput } from '../../infra/local/capture-output';
import type { Emulators } from '../../infra/local/emulators';
import { localClientConfig, provisionLocalResources } from '../../infra/local/provision';
import { runLocalPipeline, type LocalRunResult } from '../../infra/local/run';
import { connectEmulators, pipelineTestOptions, SAMPLE_DROP, tempDir, uniqueSuffix } from '../helpers/local-stack';
import { fixedClock, memoryPublisher, silentLog } from '../helpers/in-memory-ports';
import { makeZip } from '../helpers/zip';

describe('EOIR drops through the local AWS stack', () => {
  let emulators: Emulators;
  let restore: () => void;
  const suffix = uniqueSuffix();
  let zipRun: LocalRunResult;
  const logs: string[] = [];

  const run = async (drops: string[]): Promise<LocalRunResult> => {
    const result = await runLocalPipeline(emulators, pipelineTestOptions(suffix, { drops, scheduledRuns: false }));
    await result.pipeline.stop();
    return result;
  };

  beforeAll(async () => {
    restore = captureLambdaOutput({ onLog: (l) => logs.push(l), onMetrics: () => undefined });
    emulators = await connectEmulators();
    // The sample drop (stray tab, NUL, CRLF, cp1252, ADJ_RSN 11) as EOIR ships it: a zip with a data folder.
    const dir = tempDir('zip');
    const zip = makeZip(
      readdirSync(SAMPLE_DROP).map((f) => ({ name: `EOIR Case Data/${f}`, data: readFileSync(join(SAMPLE_DROP, f)) })),
    );
    writeFileSync(join(dir, 'release-2026-11.zip'), zip);
    zipRun = await run([join(dir, 'release-2026-11.zip')]);
  });

  afterAll(async () => {
    restore();
    await emulators?.stop();
  });

  it('ingests a zip drop with every quirk, every row accounted for', () => {
    const [drop] = zipRun.summary.drops;
    expect(drop?.dropId).toBe('release-2026-11');
    for (const counts of Object.values(drop?.tables ?? {})) expect(counts.read).toBe(counts.accepted + counts.rejected);
    expect(drop?.tables.B_TblProceeding).toMatchObject({ read: 23, rejected: 1, rejectedByReason: { ROW_EXTRA_FIELDS: 1 } });
    expect(Object.keys(drop?.tables ?? {}).sort()).toEqual(['A_TblCase', 'B_TblProceeding', 'tbl_JuvenileHistory', 'tbl_schedule']);
    expect(zipRun.summary.total.ftas.new).toBe(9);
    expect(zipRun.emails).toHaveLength(9);
  });

  it('keeps the rejected rows in the quarantine prefix with their reason', async () => {
    const key = zipRun.summary.drops[0]?.quarantine?.[0] ?? '';
    expect(key).toMatch(/^quarantine\/release-2026-11\/B_TblProceeding\//);
    const s3 = new S3Client({ ...localClientConfig(emulators.endpoints.s3), forcePathStyle: true });
    const out = await s3.send(new GetObjectCommand({ Bucket: zipRun.pipeline.resources.dropBucket, Key: key }));
    const text = await out.Body?.transformToString('latin1');
    expect(text?.split('\n')[1]).toMatch(/^\d+\t\d+\tROW_EXTRA_FIELDS\t9329999\t/);
    s3.destroy();
  });

  it('rescinds an order a later drop withdraws, and ORR receives a correction email', async () => {
    const dir = join(tempDir('later'), 'later-drop');
    mkdirSync(dir);
    const lines = readFileSync(join(SAMPLE_DROP, 'B_TblProceeding.csv'), 'latin1').split('\r\n');
    const header = lines[0] ?? '';
    const row = (lines.find((l) => l.startsWith('9329341\t')) ?? '').replace('2025-01-03 00:00:00.000\tY\t', '2025-01-03 00:00:00.000\tN\t');
    writeFileSync(join(dir, 'B_TblProceeding.csv'), Buffer.from(`${header}\r\n${row}\r\n`, 'latin1'));
    const later = await run([dir]);
    expect(later.summary.total.ftas).toEqual({ new: 0, repeated: 0, rescinded: 1 });
    const fta = later.ftas.find((f) => f.ftaId === 'IA-9329341');
    expect(fta?.status).toBe('RESCINDED');
    // The zip drop's FTAs (beforeAll), whatever other tests of this file stored beside them.
    const fromZip = new Set(zipRun.ftas.map((f) => f.ftaId));
    expect(later.ftas.filter((f) => f.status === 'OPEN' && fromZip.has(f.ftaId))).toHaveLength(8);
    expect(later.emails).toHaveLength(1);
    const mail = await simpleParser(later.emails[0]?.eml ?? '');
    expect(mail.subject).toMatch(/^CORRECTION: .* ref IA-9329341$/);
    expect(mail.text).toContain('has been rescinded');
  });

  it('sends nothing when the same tables land again (as a folder drop this time)', async () => {
    // The zip's tables are already stored on the file's resources (beforeAll).
    const again = await run([join(SAMPLE_DROP)]);
    expect(again.summary.total.ftas.new).toBe(0);
    expect(again.emails).toHaveLength(0);
  });

  it('keeps the A-number of a DOJ-to-DHS drop on the case, exports it, and never logs it', async () => {
    const dir = join(tempDir('ident'), 'dhs-feed');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'A_TblCase.csv'),
      'IDNCASE\tALIEN_NBR\tALIEN_LAST_NAME\tALIEN_FIRST_NAME\tALIEN_STREET\tALIEN_CITY\tALIEN_STATE\tALIEN_ZIPCODE\tCASEPRIORITY_CODE\r\n' +
        '7770001\t20812345\tPEREZLOPEZ\tMARIAJOSE\t12 ELM STREETNAME\tHOUSTON\tTX\t77002\tUC\r\n',
    );
    writeFileSync(
      join(dir, 'B_TblProceeding.csv'),
      'IDNPROCEEDING\tIDNCASE\tOSC_DATE\tBASE_CITY_CODE\tCASE_TYPE\tDEC_CODE\tABSENTIA\tHEARING_DATE\tCOMP_DATE\r\n' +
        '7660001\t7770001\t2023-01-01 00:00:00.000\tHOU\tRMV\tX\tY\t2025-05-05 00:00:00.000\t2025-05-05 00:00:00.000\r\n',
    );
    const result = await run([dir]);
    expect(result.ftas.find((f) => f.ftaId === 'IA-7660001')).toMatchObject({ aNumber: '020812345', status: 'OPEN', aor: 'HOU' });
    const text = logs.join('\n');
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toMatch(/020812345|20812345|PEREZLOPEZ|MARIAJOSE|STREETNAME/);
  });

  it('reads a big table in small byte-range chunks in parallel and counts each row exactly once', async () => {
    // 600 cases in 8 KiB chunks: every table but the juvenile codes spans several chunks
    // (tbl_schedule about 90 KB, over 10), so rows straddle many chunk boundaries, as 4,000
    // cases in 64 KiB chunks did, for a seventh of the DynamoDB writes.
    const dir = tempDir('gen');
    await generateDrop(600, dir, 7);
    const resources = await provisionLocalResources(emulators.endpoints, { suffix: `${suffix}c` });
    const s3 = new S3Client({ ...localClientConfig(emulators.endpoints.s3), forcePathStyle: true });
    const { PutObjectCommand } = await import('@aws-sdk/client-s3');
    for (const f of readdirSync(dir)) {
      await s3.send(new PutObjectCommand({ Bucket: resources.dropBucket, Key: `drops/gen/${f}`, Body: readFileSync(join(dir, f)) }));
    }
    const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(emulators.endpoints.dynamodb)));
    const base = {
      source: createS3DocketSource({ client: s3, bucket: resources.dropBucket }),
      quarantine: createS3Quarantine({ client: s3, bucket: resources.dropBucket }),
      publisher: memoryPublisher(),
      clock: fixedClock('2026-11-28T00:00:00Z'),
      log: silentLog,
    };
    const drop = { dropId: 'gen', location: 'drops/gen/', kind: 'folder' as const };
    const chunked = await ingestDocketDrop(drop, {
      ...base,
      store: createDynamoCaseStore({ client: dynamo, tableName: resources.casesTable }),
      chunks: { chunkBytes: 8 * 1024, parallelChunks: 4 },
    });
    const { casesTable: wholeTable } = await provisionLocalResources(emulators.endpoints, { suffix: `${suffix}w` });
    const whole = await ingestDocketDrop(drop, { ...base, store: createDynamoCaseStore({ client: dynamo, tableName: wholeTable }) });
    expect(chunked.tables.tbl_schedule?.chunks).toBeGreaterThan(5);
    for (const t of ['A_TblCase', 'B_TblProceeding', 'tbl_schedule', 'tbl_JuvenileHistory'] as const) {
      const { chunks: _c, ...counts } = chunked.tables[t] ?? {};
      expect(counts).toEqual(whole.tables[t]);
      expect(chunked.countCheck?.[t]?.matches).toBe(true);
    }
    expect(chunked.ftas).toEqual(whole.ftas);
    expect(chunked.ftas.new).toBeGreaterThan(0);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: resources.dropBucket, Prefix: 'quarantine/gen/' }));
    expect(listed.KeyCount ?? 0).toBe(0);
    s3.destroy();
    dynamo.destroy();
  });
});
