import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { simpleParser } from 'mailparser';
import { describe, expect, it, vi } from 'vitest';
import { exportFtas, fetchReceivedEmails } from '../../infra/local/outputs';
import { localClientConfig } from '../../infra/local/provision';
import { runLocalPipeline } from '../../infra/local/run';
import { createDynamoCaseStore } from '../../shared/adapters/cases-table/dynamo-case-store';
import { ledgerModel, type ModelDrop, type ModelInput } from '../helpers/ledger-model';
import { pipelineTestOptions, uniqueSuffix, useLocalStack } from '../helpers/local-stack';

/**
 * The handed cases c07, c08 and c09 end to end on the emulators (S3 notifications, the
 * ingest and roster functions, the queues, SES), compared with the reference model of the
 * same inputs: FTA ids and statuses from the store, notices and corrections counted from
 * the raw MIME of the emails SES received.
 */
const CASES = join(import.meta.dirname, '../fixtures/cases');

/** The base drop of the cases, as model rows (see tests/fixtures/cases). */
function baseDrop(dropId: string, asOf: string, absentia8100002: string): ModelDrop {
  const p = (proceedingId: string, caseId: string, date: string, absentia: string) => ({ proceedingId, caseId, osc: '2022-06-01', absentia, compDate: date, hearingDate: date });
  const s = (scheduleId: string, proceedingId: string, caseId: string, date: string, adjRsn: string) => ({ scheduleId, proceedingId, caseId, adjDate: date, adjRsn });
  return {
    kind: 'drop', dropId, asOf,
    juvenile: [{ caseId: '7100001', idnJuvenile: 4 }, { caseId: '7100003', idnJuvenile: 6 }],
    cases: [{ caseId: '7100001', priority: 'N/A', alienNbr: null }, { caseId: '7100002', priority: 'UC', alienNbr: null }, { caseId: '7100003', priority: 'N/A', alienNbr: null }],
    proceedings: [p('8100001', '7100001', '2025-01-03', 'Y'), p('8100002', '7100002', '2024-09-10', absentia8100002), p('8100003', '7100003', '2025-02-04', 'Y')],
    schedules: [s('9100001', '8100001', '7100001', '2025-01-03', '8B'), s('9100002', '8100002', '7100002', '2024-09-10', '11'), s('9100003', '8100003', '7100003', '2025-02-04', '8B')],
  };
}

interface Outcome {
  statuses: Record<string, string>;
  notices: string[];
  /** The text of each notice, by FTA id. */
  noticeTexts: Record<string, string>;
  corrections: string[];
  aNumbers: Record<string, string | null>;
  /** Every key (pk, sk) of the cases table. */
  keys: string[];
}

function expected(inputs: ModelInput[]): Omit<Outcome, 'aNumbers' | 'keys' | 'noticeTexts'> {
  const model = ledgerModel(inputs);
  return {
    statuses: Object.fromEntries(model.map((f) => [f.ftaId, f.status])),
    notices: model.filter((f) => f.notice).map((f) => f.ftaId),
    corrections: model.filter((f) => f.correction).map((f) => f.ftaId),
  };
}

describe('the FTA ledger end to end on the local AWS stack', () => {
  const stack = useLocalStack();


  /** Runs drops (and a roster before or after them) and reads back the store and the inbox. */
  async function run(drops: string[], roster?: { file: string; after: boolean }): Promise<Outcome> {
    // The function modules read their configuration when loaded: a fresh load per run, so
    // each case gets resources of its own.
    vi.resetModules();
    const suffix = uniqueSuffix();
    const options = pipelineTestOptions(suffix, { scheduledRuns: false, drops: drops.map((d) => join(CASES, d)), ...(roster && !roster.after ? { roster: join(CASES, roster.file) } : {}) });
    const result = await runLocalPipeline(stack.emulators, options);
    try {
      expect(result.summary.ingestFailures ?? []).toEqual([]);
      if (roster?.after) {
        await result.pipeline.uploadRoster(join(CASES, roster.file), 'roster-after');
        await result.pipeline.drain();
      }
      const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(stack.emulators.endpoints.dynamodb)));
      const ftas = await exportFtas(createDynamoCaseStore({ client: dynamo, tableName: result.pipeline.resources.casesTable }));
      const keys: string[] = [];
      for await (const page of paginateScan({ client: dynamo }, { TableName: result.pipeline.resources.casesTable, ProjectionExpression: 'pk, sk' })) {
        for (const item of page.Items ?? []) keys.push(`${String(item.pk)} ${String(item.sk)}`);
      }
      dynamo.destroy();
      const mails = await Promise.all(
        (await fetchReceivedEmails(stack.emulators.endpoints.ses)).filter((e) => e.to.some((t) => t.includes(options.orrInbox))).map((e) => simpleParser(e.eml)),
      );
      const idOf = (subject: string | undefined) => /(IA|NS)-\d+/.exec(subject ?? '')?.[0] ?? '?';
      const corrections = mails.filter((m) => /correct/i.test(m.subject ?? '')).map((m) => idOf(m.subject)).sort();
      const notices = mails.filter((m) => !/correct|update|identity|follow-up|remind|upcoming|digest/i.test(m.subject ?? '')).map((m) => idOf(m.subject)).sort();
      const noticeTexts = Object.fromEntries(
        mails.filter((m) => !/correct|update|identity|follow-up|remind|upcoming|digest/i.test(m.subject ?? '')).map((m) => [idOf(m.subject), m.text ?? '']),
      );
      return {
        statuses: Object.fromEntries(ftas.map((f) => [f.ftaId, f.status])),
        notices,
        noticeTexts,
        corrections,
        aNumbers: Object.fromEntries(ftas.map((f) => [f.ftaId, f.aNumber])),
        keys,
      };
    } finally {
      await result.pipeline.stop();
    }
  }

  it('c07: a re-run of the older drop after the newer one changes no status and sends nothing', async () => {
    const got = await run(['c07-replay-older-drop/drop-jan', 'c07-replay-older-drop/drop-feb', 'c07-replay-older-drop/drop-jan']);
    const jan = baseDrop('drop-jan', '2026-01-01', 'N');
    const want = expected([jan, baseDrop('drop-feb', '2026-02-01', 'Y'), jan]);
    expect(want.statuses).toEqual({ 'IA-8100001': 'OPEN', 'IA-8100002': 'OPEN', 'NS-9100002': 'OPEN' });
    expect(got.statuses).toEqual(want.statuses);
    expect(got.notices).toEqual(want.notices);
    expect(got.corrections).toEqual([]);
  }, 300_000);

  it('c07 with the operator\'s as-of on the markers (x-amz-meta-as-of): the older drop landing last rescinds nothing', async () => {
    vi.resetModules();
    const suffix = uniqueSuffix();
    const options = pipelineTestOptions(suffix, { drops: [], scheduledRuns: false });
    const result = await runLocalPipeline(stack.emulators, options);
    try {
      await result.pipeline.uploadDrop(join(CASES, 'c07-replay-older-drop/drop-feb'), 'drop-feb', { 'as-of': '2026-02-01' });
      await result.pipeline.drain();
      await result.pipeline.uploadDrop(join(CASES, 'c07-replay-older-drop/drop-jan'), 'drop-jan', { 'as-of': '2026-01-01' });
      await result.pipeline.drain();
      expect(result.pipeline.ingestFailures).toEqual([]);
      expect(result.pipeline.ingestReports.map((r) => [r.dropId, r.asOf])).toEqual([
        ['drop-feb', { asOf: '2026-02-01T00:00:00.000Z', source: 'OPERATOR_METADATA' }],
        ['drop-jan', { asOf: '2026-01-01T00:00:00.000Z', source: 'OPERATOR_METADATA' }],
      ]);
      const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(stack.emulators.endpoints.dynamodb)));
      const ftas = await exportFtas(createDynamoCaseStore({ client: dynamo, tableName: result.pipeline.resources.casesTable }));
      dynamo.destroy();
      const want = expected([baseDrop('drop-feb', '2026-02-01', 'Y'), baseDrop('drop-jan', '2026-01-01', 'N')]);
      expect(Object.fromEntries(ftas.map((f) => [f.ftaId, f.status]))).toEqual(want.statuses);
      expect(want.statuses['IA-8100002']).toBe('OPEN');
    } finally {
      await result.pipeline.stop();
    }
  }, 300_000);

  it('c08: a UJ mark in a later partial drop records the earlier order, notice sent', async () => {
    const got = await run(['c08-late-juvenile-mark/drop-1', 'c08-late-juvenile-mark/drop-2']);
    const want = expected([baseDrop('drop-1', '2026-01-01', 'N'), { kind: 'drop', dropId: 'drop-2', asOf: '2026-01-02', juvenile: [{ caseId: '7100003', idnJuvenile: 4 }] }]);
    expect(want.statuses).toEqual({ 'IA-8100001': 'OPEN', 'IA-8100003': 'OPEN', 'NS-9100002': 'OPEN' });
    expect(got.statuses).toEqual(want.statuses);
    expect(got.notices).toEqual(want.notices);
    expect(got.corrections).toEqual([]);
  }, 300_000);

  it('c09: a roster landing after the drop finds the child by A-number (8 digits in the drop) and sends the FTA', async () => {
    const got = await run(['c09-roster-by-a-number/drop'], { file: 'c09-roster-by-a-number/roster.csv', after: true });
    const drop = baseDrop('drop', '2026-01-01', 'N');
    const withNumbers: ModelDrop = { ...drop, cases: drop.cases?.map((c, i) => ({ ...c, alienNbr: ['301234567', '302345678', '21234567'][i] ?? null })) };
    const want = expected([withNumbers, { kind: 'roster', rosterId: 'roster', rows: [{ aNumber: '021234567', eoirCaseId: null }] }]);
    expect(want.statuses).toEqual({ 'IA-8100001': 'OPEN', 'IA-8100003': 'OPEN', 'NS-9100002': 'OPEN' });
    expect(got.statuses).toEqual(want.statuses);
    expect(got.notices).toEqual(want.notices);
    expect(got.aNumbers['IA-8100003']).toBe('021234567');
    // The notice names the child and the sponsor from the roster row found by A-number.
    for (const words of ['Ejemplo', '021234567', 'Sponsor Ejemplo', '45 Sample Rd']) expect(got.noticeTexts['IA-8100003']).toContain(words);
    // The A-number index keys by aNumberKey: no key the FTA ledger writes holds an A-number.
    expect(got.keys.some((k) => k.startsWith('AN#'))).toBe(true);
    // (The roster store's own items, `UC#<A-number>` and `ROSTER#<A-number>`, are left out: not the ledger's.)
    const ledgerKeys = got.keys.filter((k) => !k.startsWith('UC#') && !k.includes(' ROSTER#'));
    expect(ledgerKeys.filter((k) => /21234567|01234567|02345678/.test(k))).toEqual([]);
  }, 300_000);

  it('c09: a roster landing before the drop: the same FTAs, and the notice names the child and the sponsor', async () => {
    const got = await run(['c09-roster-by-a-number/drop'], { file: 'c09-roster-by-a-number/roster.csv', after: false });
    expect(got.statuses).toEqual({ 'IA-8100001': 'OPEN', 'IA-8100003': 'OPEN', 'NS-9100002': 'OPEN' });
    expect(got.notices).toEqual(['IA-8100001', 'IA-8100003', 'NS-9100002']);
    expect(got.aNumbers['IA-8100003']).toBe('021234567');
    for (const words of ['Testa', 'Ejemplo', '021234567', 'Sponsor Ejemplo', '45 Sample Rd', 'DALLAS']) expect(got.noticeTexts['IA-8100003']).toContain(words);
  }, 300_000);
});
