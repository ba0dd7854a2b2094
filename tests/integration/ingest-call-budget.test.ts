import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateDrop } from '../../bench/gen-drop';
import type { Emulators } from '../../infra/local/emulators';
import { captureLambdaOutput } from '../../infra/local/capture-output';
import { runningFunction } from '../../infra/local/aws-calls';
import { LocalPipeline } from '../../infra/local/pipeline';
import { provisionLocalResources } from '../../infra/local/provision';
import { onAwsClientCreated } from '../../shared/runtime/aws-clients';
import { connectEmulators, tempDir, uniqueSuffix } from '../helpers/local-stack';

/*
 * How many AWS calls the docket ingest makes for a generated drop (bench/gen-drop.ts: EOIR's
 * layout and shares), counted two ways: the calls the local stack records per IAM action
 * (a transaction counts once per item, as IAM checks it), and the DynamoDB requests that
 * write FTA-signal items, by the kind of item they write (an SDK middleware on every client).
 * The FTA signals of every case (ABSENTIA `Y`, ADJ_RSN `11`) are counted from the files
 * themselves, as the oracle: the ingest once spent two UpdateItems on each of them.
 */

/** FTA signals and the cases holding them, read from the drop's files with a plain split. */
function signalsInFiles(folder: string): { signals: number; cases: number } {
  const rowsOf = (file: string): Record<string, string>[] => {
    const [head = '', ...lines] = readFileSync(join(folder, file), 'latin1').split(/\r?\n/).filter((l) => l.length > 0);
    const names = head.split('\t');
    return lines.map((l) => Object.fromEntries(l.split('\t').map((v, i) => [names[i] ?? '', v.trim()])));
  };
  const cases = new Set<string>();
  let signals = 0;
  for (const r of rowsOf('B_TblProceeding.csv')) {
    if (r.ABSENTIA?.toUpperCase() === 'Y') {
      signals += 1;
      cases.add(r.IDNCASE ?? '');
    }
  }
  for (const r of rowsOf('tbl_schedule.csv')) {
    if (r.ADJ_RSN === '11') {
      signals += 1;
      cases.add(r.IDNCASE ?? '');
    }
  }
  return { signals, cases: cases.size };
}

/** UC cases the drop's files mark (idnJuvenile 3 or 4, CASEPRIORITY_CODE `UC`), read with a plain split. */
function ucCasesInFiles(folder: string): number {
  const cases = new Set<string>();
  const rows = (file: string): string[][] => readFileSync(join(folder, file), 'latin1').split(/\r?\n/).filter((l) => l.length > 0).map((l) => l.split('\t'));
  const [juvenileHead = [], ...juvenile] = rows('tbl_JuvenileHistory.csv');
  for (const r of juvenile) if (['3', '4'].includes(r[juvenileHead.indexOf('idnJuvenile')]?.trim() ?? '')) cases.add(r[juvenileHead.indexOf('idnCase')]?.trim() ?? '');
  const [caseHead = [], ...caseRows] = rows('A_TblCase.csv');
  for (const r of caseRows) if (r[caseHead.indexOf('CASEPRIORITY_CODE')]?.trim().toUpperCase() === 'UC') cases.add(r[caseHead.indexOf('IDNCASE')]?.trim() ?? '');
  return cases.size;
}

/** DynamoDB requests by operation and the kind of item they name (`UpdateItem SIG`, `BatchWriteItem`). */
function countDynamoRequests(): { counts: Map<string, number>; stop: () => void } {
  const counts = new Map<string, number>();
  const stop = onAwsClientCreated((client) => {
    if (String((client.config as { serviceId?: string }).serviceId ?? '').toLowerCase() !== 'dynamodb') return;
    const stack = client.middlewareStack as unknown as {
      add: (mw: (next: (args: unknown) => Promise<unknown>) => (args: unknown) => Promise<unknown>, options: Record<string, unknown>) => void;
    };
    stack.add(
      (next) => async (args) => {
        const request = (args as { request?: { headers?: Record<string, string>; body?: unknown } }).request;
        const target = request?.headers?.['x-amz-target'] ?? '';
        const op = target.slice(target.lastIndexOf('.') + 1);
        let kind = '';
        if (op === 'UpdateItem' || op === 'PutItem') {
          const body = JSON.parse(typeof request?.body === 'string' ? request.body : Buffer.from(request?.body as Uint8Array).toString('utf8')) as {
            Key?: { sk?: { S?: string } };
            Item?: { sk?: { S?: string } };
          };
          const sk = body.Key?.sk?.S ?? body.Item?.sk?.S ?? '';
          kind = sk === 'SIGS' ? ' SIGS' : sk.startsWith('SIG#') ? ' SIG' : sk === 'UC' ? ' UC' : '';
        }
        counts.set(`${op}${kind}`, (counts.get(`${op}${kind}`) ?? 0) + 1);
        if (runningFunction() === 'ingestDocket') counts.set('ingest requests', (counts.get('ingest requests') ?? 0) + 1);
        return next(args);
      },
      { step: 'build', name: 'ingestCallBudgetCount', priority: 'low' },
    );
  });
  return { counts, stop };
}

describe('the docket ingest\'s AWS calls for a generated drop, on the local stack', () => {
  let emulators: Emulators;
  let restore: () => void;
  let folder: string;
  let oracle: { signals: number; cases: number };

  beforeAll(async () => {
    restore = captureLambdaOutput({ onLog: () => undefined, onMetrics: () => undefined });
    emulators = await connectEmulators();
    folder = join(tempDir('call-budget'), 'drop');
    await generateDrop(3_000, folder, 7);
    oracle = signalsInFiles(folder);
  });

  afterAll(async () => {
    restore?.();
    await emulators?.stop();
  });

  it('writes FTA signals in batches: no UpdateItem per signal, a marker write for few cases, and under 1.5 calls per signal; a re-run the same', async () => {
    // Enough signals of cases that are not UC cases for the per-signal pattern to show.
    expect(oracle.signals).toBeGreaterThan(300);
    vi.resetModules();
    const requests = countDynamoRequests();
    const resources = await provisionLocalResources(emulators.endpoints, { suffix: uniqueSuffix(), visibilityTimeoutSeconds: 2 });
    const pipeline = await LocalPipeline.start(emulators, resources, { orrInbox: 'orr-budget@example.gov', mailFrom: 'docket-watch@example.gov' });
    try {
      const ingestCalls = (): number => pipeline.recordedCalls().filter((c) => c.fn === 'ingestDocket').length;
      await pipeline.uploadDrop(folder, 'budget-2026-01-01');
      await pipeline.drain();
      expect(pipeline.ingestFailures).toEqual([]);
      const first = pipeline.ingestReports[0];
      expect(first?.ftas.new).toBeGreaterThan(0);
      const firstCalls = ingestCalls();
      const firstRequests = new Map(requests.counts);

      expect(firstRequests.get('UpdateItem SIG') ?? 0, 'UpdateItems on signal items').toBe(0);
      // A marker is created by a batched put; an UpdateItem only adds to a case's marker
      // that an earlier batch of the drop created.
      expect(firstRequests.get('UpdateItem SIGS') ?? 0, 'UpdateItems on signal markers').toBeLessThan(oracle.cases / 5);
      // UC marks and case sightings go up to 100 to a transaction: once 2-3 UpdateItems per
      // UC case (a juvenile mark, a CASEPRIORITY mark, a sighting), now only the odd one
      // whose transaction was cancelled is sent alone.
      const ucCases = ucCasesInFiles(folder);
      expect(ucCases).toBeGreaterThan(30);
      expect(firstRequests.get('UpdateItem UC') ?? 0, `UpdateItems on UC marks for ${ucCases} UC cases`).toBeLessThan(ucCases / 10);
      // Before: two UpdateItems per signal alone, everything else besides (about 3 DynamoDB
      // requests per signal in all); what is left is mostly per UC case and per FTA. Counted
      // as requests (round trips): a transaction of 100 conditional marker puts is one.
      expect(firstRequests.get('ingest requests'), `ingest requests for ${oracle.signals} signals (${firstCalls} calls as IAM counts them): ${JSON.stringify([...firstRequests])}`).toBeLessThan(1.5 * oracle.signals);

      // The same drop again: nothing new, and no per-signal writes either.
      await pipeline.uploadDrop(folder, 'budget-2026-01-01');
      await pipeline.drain();
      expect(pipeline.ingestFailures).toEqual([]);
      expect(pipeline.ingestReports[1]?.ftas).toEqual({ new: 0, repeated: first?.ftas.new, rescinded: 0 });
      const again = (key: string): number => (requests.counts.get(key) ?? 0) - (firstRequests.get(key) ?? 0);
      expect(again('UpdateItem SIG')).toBe(0);
      // Every marker lists its signals already: none is written again.
      expect(again('UpdateItem SIGS')).toBe(0);
      expect(again('UpdateItem UC'), 're-run UpdateItems on UC marks').toBeLessThan(ucCases / 10);
      expect(again('ingest requests'), 're-run ingest requests').toBeLessThan(1.5 * oracle.signals);
    } finally {
      requests.stop();
      await pipeline.stop();
    }
  }, 600_000);
});
