import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { captureLambdaOutput } from '../../infra/local/capture-output';
import type { Emulators } from '../../infra/local/emulators';
import { localClientConfig } from '../../infra/local/provision';
import { runLocalPipeline, type LocalRunResult } from '../../infra/local/run';
import { connectEmulators, pipelineTestOptions, uniqueSuffix } from '../helpers/local-stack';

const c01 = (folder: string): string => join(import.meta.dirname, '../fixtures/cases/c01-duplicate-lines', folder);

/** The ORR emails of a run, by FTA reference: notices and corrections. */
async function mailsOf(run: LocalRunResult): Promise<{ notices: string[]; corrections: string[] }> {
  const notices: string[] = [];
  const corrections: string[] = [];
  for (const e of run.emails) {
    const subject = (await simpleParser(e.eml)).subject ?? '';
    const ref = /ref ((?:IA|NS)-\d+)/.exec(subject)?.[1] ?? subject;
    (/correct/i.test(subject) ? corrections : notices).push(ref);
  }
  return { notices: notices.sort(), corrections: corrections.sort() };
}

const statuses = (run: LocalRunResult): Record<string, string> => Object.fromEntries(run.ftas.map((f) => [f.ftaId, f.status]));

/**
 * The finish-step notes of every run of a drop that the ingest left in the drop ledger
 * (DynamoDB): the keys of UC cases' rows (`#KEY#<table>#<key>`) and the cases to settle
 * (`#SETTLE#<caseId>`), as "KEY <table>#<key>" and "SETTLE <caseId>".
 */
async function ledgerNotes(emulators: Emulators, run: LocalRunResult, dropId: string): Promise<string[]> {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(emulators.endpoints.dynamodb)));
  try {
    const notes: string[] = [];
    const pages = paginateQuery(
      { client },
      { TableName: run.pipeline.resources.casesTable, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `DROP#${dropId}` } },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const m = /#(KEY|SETTLE)#(.+)$/.exec(String(item.sk));
        if (m) notes.push(`${m[1]} ${m[2]}`);
      }
    }
    return notes.sort();
  } finally {
    client.destroy();
  }
}

// A drop read inside one invocation keeps its finish-step notes in memory up to a bound
// (25,000 keys and cases deployed) and the rest in the drop ledger. With the bound set to
// one, nearly every note goes through DynamoDB Local, so the spill path runs on the real
// adapters within seconds, and its calls reach the suite's IAM check (tests/global-setup.ts).
describe('finish-step notes past the in-memory bound, through the drop ledger on DynamoDB Local', () => {
  let emulators: Emulators;
  let restore: () => void;

  const run = async (drops: string[], finishNotesInMemory?: number): Promise<LocalRunResult> => {
    // Tables of their own: the handlers read their resource names and settings when loaded.
    vi.resetModules();
    const result = await runLocalPipeline(emulators, pipelineTestOptions(uniqueSuffix(), { drops, ...(finishNotesInMemory === undefined ? {} : { finishNotesInMemory }) }));
    await result.pipeline.stop();
    return result;
  };

  beforeAll(async () => {
    restore = captureLambdaOutput({ onLog: () => undefined, onMetrics: () => undefined });
    emulators = await connectEmulators();
  });

  afterAll(async () => {
    restore();
    await emulators?.stop();
  });

  it('c01 drop-fc06 with one note in memory: the rest in DynamoDB, and the same FTAs, emails and duplicate counts as all in memory', async () => {
    const result = await run([c01('drop-fc06')], 1);
    const [report] = result.summary.drops;
    expect(result.summary.ingestFailures).toEqual([]);
    expect(statuses(result)).toEqual({ 'IA-8100001': 'OPEN', 'NS-9100002': 'OPEN' });
    expect(await mailsOf(result)).toEqual({ notices: ['IA-8100001', 'NS-9100002'], corrections: [] });
    expect(result.summary.ntaTasksScheduled).toBe(2);
    expect(report?.fanOut).toBeUndefined();
    // Each repeated line is a duplicate whichever registry holds its key.
    expect(report?.tables.A_TblCase).toMatchObject({ read: 5, accepted: 5, rejected: 0, duplicates: 2 });
    expect(report?.tables.B_TblProceeding).toMatchObject({ read: 4, accepted: 4, rejected: 0, duplicates: 1 });
    expect(report?.tables.tbl_schedule).toMatchObject({ read: 4, accepted: 4, rejected: 0, duplicates: 1 });
    expect(report?.tables.tbl_JuvenileHistory).toMatchObject({ read: 3, accepted: 3, rejected: 0, duplicates: 1 });
    expect(report?.ftas).toEqual({ new: 2, repeated: 0, rescinded: 0 });
    const keys = (await ledgerNotes(emulators, result, 'drop-fc06')).filter((n) => n.startsWith('KEY '));
    expect(keys.length, 'keys past the first are noted in the drop ledger').toBeGreaterThan(0);
  });

  it('c01 drop-fc06 with the default bound: no finish-step note reaches DynamoDB', async () => {
    const result = await run([c01('drop-fc06')]);
    expect(statuses(result)).toEqual({ 'IA-8100001': 'OPEN', 'NS-9100002': 'OPEN' });
    expect(await ledgerNotes(emulators, result, 'drop-fc06')).toEqual([]);
  });

  it('c01 rescind pair with one note in memory: the withdrawn order rescinded once, with one correction, its keys past the first noted in DynamoDB', async () => {
    const result = await run([c01('rescind-drop-1'), c01('rescind-drop-2-dup-withdrawn')], 1);
    expect(result.summary.ingestFailures).toEqual([]);
    expect(statuses(result)).toEqual({ 'IA-8100001': 'RESCINDED', 'NS-9100002': 'OPEN' });
    expect(await mailsOf(result)).toEqual({ notices: ['IA-8100001', 'NS-9100002'], corrections: ['IA-8100001'] });
    expect(result.summary.drops[1]?.ftas).toEqual({ new: 0, repeated: 1, rescinded: 1 });
    expect(result.summary.drops[1]?.tables.B_TblProceeding).toMatchObject({ read: 4, duplicates: 1 });
    const notes = await ledgerNotes(emulators, result, 'rescind-drop-2-dup-withdrawn');
    expect(notes.some((n) => n.startsWith('KEY ')), 'keys past the first are noted in the drop ledger').toBe(true);
  });
});
