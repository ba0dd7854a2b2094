import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLambdaOutput } from '../../infra/local/capture-output';
import type { Emulators } from '../../infra/local/emulators';
import { localClientConfig } from '../../infra/local/provision';
import { runLocalPipeline, type LocalRunResult } from '../../infra/local/run';
import { connectEmulators, pipelineTestOptions, SAMPLE_DROP, tempDir, uniqueSuffix } from '../helpers/local-stack';

describe('the whole pipeline on the local AWS stack', () => {
  let emulators: Emulators;
  let restore: () => void;
  const logs: string[] = [];
  const suffix = uniqueSuffix();
  const inbox = `orr${suffix}@example.gov`;
  const outDir = tempDir('out');
  let first: LocalRunResult;

  const run = async (out: string): Promise<LocalRunResult> => {
    const result = await runLocalPipeline(emulators, pipelineTestOptions(suffix, { drops: [SAMPLE_DROP], outDir: out, orrInbox: inbox }));
    await result.pipeline.stop();
    return result;
  };

  beforeAll(async () => {
    restore = captureLambdaOutput({ onLog: (l) => logs.push(l), onMetrics: () => undefined });
    emulators = await connectEmulators();
    first = await run(outDir);
  });

  afterAll(async () => {
    restore();
    await emulators?.stop();
  });

  it('accounts for every row of the sample drop, accepted or rejected with a reason', () => {
    const [drop] = first.summary.drops;
    const proceedings = drop?.tables.B_TblProceeding;
    // Proceeding 9329451's ABSENTIA is `X`: neither an order nor none, counted, not rejected.
    expect(proceedings).toEqual({ read: 23, accepted: 22, rejected: 1, rejectedByReason: { ROW_EXTRA_FIELDS: 1 }, valueNotes: { ABSENTIA_VALUE_UNKNOWN: 1 } });
    expect(drop?.tables.tbl_JuvenileHistory).toMatchObject({ read: 18, accepted: 18, rejected: 0 });
    expect(drop?.ucCasesMarked).toBe(11);
  });

  it('records the in-absentia orders of UC cases, and only those, as open FTAs', () => {
    expect(first.summary.total.ftas).toEqual({ new: 9, repeated: 0, rescinded: 0 });
    expect(first.ftas).toHaveLength(9);
    for (const fta of first.ftas.filter((f) => f.kind === 'IN_ABSENTIA_ORDER')) {
      expect(fta).toMatchObject({ kind: 'IN_ABSENTIA_ORDER', status: 'OPEN', scheduleId: null, aNumber: null });
      expect(fta.ftaId).toBe(`IA-${fta.proceedingId}`);
    }
    // The accompanied (AJ), not-applicable (NA) and legacy J cases also have orders: not UC cases.
    const ids = new Set(first.ftas.map((f) => f.caseId));
    expect(ids.has('9431211')).toBe(false);
  });

  it('records the ADJ_RSN 11 no-show of a UC case as a NO_SHOW_ADJOURNMENT FTA', () => {
    const noShows = first.ftas.filter((f) => f.kind === 'NO_SHOW_ADJOURNMENT');
    expect(noShows).toHaveLength(1);
    expect(noShows[0]?.ftaId).toBe(`NS-${noShows[0]?.scheduleId}`);
    expect(noShows[0]?.status).toBe('OPEN');
  });

  it('emails the ORR inbox once per new FTA, with the case, court and reference', async () => {
    expect(first.emails).toHaveLength(9);
    const files = await readdir(join(outDir, 'emails'));
    expect(files.filter((f) => f.endsWith('.eml'))).toHaveLength(9);
    const houston = first.ftas.find((f) => f.aor === 'HOU');
    expect(houston).toBeDefined();
    const raw = first.emails.find((e) => e.subject.includes(`ref ${houston?.ftaId}`));
    const mail = await simpleParser(raw?.eml ?? '');
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe(inbox);
    expect(mail.subject).toBe(`[Docket Watch] ${houston?.date} FTA in-absentia order - EOIR case ${houston?.caseId} - HOU - ref ${houston?.ftaId}`);
    expect(mail.text).toContain('In-absentia removal order');
    expect(mail.text).toContain('IMMIGRATION COURT, HOUSTON, TX (HOU)');
    expect(mail.text).toContain(`EOIR case id:       ${houston?.caseId}`);
    expect(mail.text).toContain('carries no name or A-number');
    // Both MIME parts. (The SES emulator re-creates the .eml from what it parsed and drops
    // our own headers; tests/integration/orr-notices.test.ts checks those on the raw MIME.)
    expect(mail.html).toContain('IMMIGRATION COURT, HOUSTON, TX (HOU)');
    expect(mail.html).toContain('Identity not in the data');
  });

  it('opens one address re-verification task per FTA and publishes metrics from the store', () => {
    expect(first.summary.ntaTasksScheduled).toBe(9);
    const open = first.metrics.find((m) => m.name === 'FtasOpen' && m.aor === undefined);
    expect(open?.value).toBe(9);
    expect(first.summary.metricsPublished).toBe(first.metrics.length);
    expect(first.summary.deadLetters).toEqual({ orrNotices: 0, ntaSchedule: 0, dropChunks: 0 });
  });

  it('writes summary.json and ftas.jsonl as the spec lays them out', async () => {
    const summary = JSON.parse(await readFile(join(outDir, 'summary.json'), 'utf8'));
    expect(summary.total.tables.B_TblProceeding.rejectedByReason).toEqual({ ROW_EXTRA_FIELDS: 1 });
    expect(summary.emailsSent).toBe(9);
    const lines = (await readFile(join(outDir, 'ftas.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(Object.keys(lines[0]).sort()).toEqual(
      ['aNumber', 'aor', 'caseId', 'date', 'ftaId', 'kind', 'proceedingId', 'scheduleId', 'status'].sort(),
    );
  });

  it('sends no second email and records nothing new when the same drop lands again', async () => {
    const again = await run(tempDir('out2'));
    expect(again.summary.total.ftas).toEqual({ new: 0, repeated: 9, rescinded: 0 });
    expect(again.emails).toHaveLength(0);
    expect(again.summary.ntaTasksScheduled).toBe(0);
    expect(again.ftas).toHaveLength(9);
    // Each FTA's email is counted once in the notice aggregates, whatever the re-runs.
    const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(emulators.endpoints.dynamodb)));
    const notices = await dynamo.send(
      new QueryCommand({
        TableName: again.pipeline.resources.casesTable,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'AGG#NOTICE' },
      }),
    );
    dynamo.destroy();
    const sum = (field: string) => (notices.Items ?? []).reduce((n, i) => n + Number(i[field] ?? 0), 0);
    expect(sum('ftas')).toBe(9);
    expect(sum('notified')).toBe(9);
  });

  it('keeps names, A-numbers and addresses out of the function logs', () => {
    expect(logs.length).toBeGreaterThan(0);
    const text = logs.join('\n');
    expect(text).not.toMatch(/HOUSTON|MAYAG|\bA\d{8,9}\b/);
  });
});
