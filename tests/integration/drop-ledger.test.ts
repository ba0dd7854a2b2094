import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulators } from '../../infra/local/emulators';
import { localClientConfig, provisionLocalResources } from '../../infra/local/provision';
import { createDynamoCaseStore } from '../../shared/adapters/cases-table/dynamo-case-store';
import { createDynamoDropLedger } from '../../shared/adapters/cases-table/dynamo-drop-ledger';
import type { DropReport } from '../../shared/domain/drop-report';
import type { CaseStore } from '../../shared/ports/case-store';
import { ingestChunkMessage, startDocketDrop, type FanOutDeps } from '../../shared/use-cases/start-docket-drop';
import { ingestDocketDrop } from '../../shared/use-cases/steps/ingest/ingest-docket-drop';
import { bigDrop, CASES, JUV, PROC } from '../helpers/big-drop';
import { fixedClock, memoryCaseStore, memoryChunkQueue, memoryDocketSource, memoryPublisher, memoryQuarantine, silentLog } from '../helpers/in-memory-ports';
import { connectEmulators, uniqueSuffix } from '../helpers/local-stack';
import { reportCounts } from '../helpers/whole-read';

const CHUNK = 1024;
const drop = { dropId: 'big', location: 'drops/big/' };
const CRASH = 'injected: Lambda timed out';

/**
 * The fan-out's drop ledger and case store on DynamoDB Local (conditional writes and
 * transactions as DynamoDB runs them, not the in-process ledger): the chunks of a stage
 * finishing at once move the run on exactly once, and a worker that dies in the middle of
 * the finish step is finished by the redelivery with the same counts and no FTA twice.
 */
/**
 * An earlier drop (as-of 2026-01-01, from its name) that showed case 1000's order: the big
 * drop's proceeding opened after it then rescinds it (a drop never rescinds what only it shows).
 */
const seedPriorDrop = (store: CaseStore): Promise<DropReport> =>
  ingestDocketDrop({ dropId: 'prior-2026-01-01', location: 'drops/prior-2026-01-01/' }, {
    source: memoryDocketSource({
      tbl_JuvenileHistory: `${JUV}1\t1000\t5000\t4\r\n`,
      B_TblProceeding: `${PROC}5000\t1000\t2022-01-01 00:00:00.000\tHOU\tRMV\tX\tY\t2025-03-01 00:00:00.000\t2025-03-04 00:00:00.000\r\n`,
    }),
    store, publisher: memoryPublisher(), quarantine: memoryQuarantine(), clock: fixedClock('2026-11-28T00:00:00Z'), log: silentLog,
  });

describe('the drop ledger on DynamoDB Local', () => {
  let emulators: Emulators;
  let client: DynamoDBDocumentClient;
  let baseline: DropReport;
  let baselineFtas: string[];

  beforeAll(async () => {
    emulators = await connectEmulators();
    client = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(emulators.endpoints.dynamodb)), { marshallOptions: { removeUndefinedValues: true } });
    const store = memoryCaseStore();
    await seedPriorDrop(store);
    baseline = await ingestDocketDrop(drop, {
      source: memoryDocketSource(bigDrop() as never), store, publisher: memoryPublisher(), quarantine: memoryQuarantine(),
      clock: fixedClock('2026-11-28T00:00:00Z'), log: silentLog,
    });
    baselineFtas = [...store.ftas.keys()].map((k) => k.replace(/^.*#/, '')).sort();
  });
  afterAll(async () => {
    client?.destroy();
    await emulators?.stop();
  });

  /** Fan-out deps on a fresh table: the DynamoDB ledger and case store, the rest in memory. */
  const onDynamo = async (wrap: (store: CaseStore) => CaseStore = (s) => s) => {
    const { casesTable } = await provisionLocalResources(emulators.endpoints, { suffix: uniqueSuffix() });
    const inner = createDynamoCaseStore({ client, tableName: casesTable });
    await seedPriorDrop(inner);
    const queue = memoryChunkQueue();
    const deps: FanOutDeps = {
      source: memoryDocketSource(bigDrop() as never, { chunkSize: 97 }),
      store: wrap(inner),
      publisher: memoryPublisher(),
      quarantine: memoryQuarantine(),
      clock: fixedClock('2026-11-28T00:00:00Z'),
      log: silentLog,
      ledger: createDynamoDropLedger({ client, tableName: casesTable }),
      queue,
      fanOutBytes: CHUNK,
      chunks: { chunkBytes: CHUNK, parallelChunks: 2 },
    };
    const storedFtas = async () => {
      const ids: string[] = [];
      for await (const f of inner.listFtas()) ids.push(f.ftaId);
      return ids.sort();
    };
    return { deps, queue, storedFtas };
  };

  it('moves a stage on exactly once when all its chunks finish at the same time, and a late copy changes nothing', async () => {
    const { deps, queue, storedFtas } = await onDynamo();
    await startDocketDrop(drop, 'seq-1', deps);
    let report: DropReport | null = null;
    // Stage by stage: every chunk of the stage at once, then each again (SQS's at-least-once).
    for (let delivered = 0, round = 0; delivered < queue.sent.length; round++) {
      const stage = queue.sent.slice(delivered);
      delivered = queue.sent.length;
      const outcomes = await Promise.all(stage.map((m, i) => ingestChunkMessage(m, deps, `r${round}-${i}`)));
      report = outcomes.find((o) => o.report)?.report ?? report;
      const sentByStage = queue.sent.length;
      for (const [i, m] of stage.entries()) report = (await ingestChunkMessage(m, deps, `r${round}-copy-${i}`)).report ?? report;
      // The next stage was sent once: no chunk of it twice, and the copies sent nothing more.
      expect(queue.sent.length).toBe(sentByStage);
      const next = queue.sent.slice(delivered);
      expect(new Set(next.map((m) => `${m.table}#${m.start}`)).size).toBe(next.length);
    }
    expect(new Set(queue.sent.map((m) => m.stage)).size).toBeGreaterThanOrEqual(3);
    expect(reportCounts(report)).toEqual(reportCounts(baseline));
    expect(report?.tables.B_TblProceeding).toMatchObject({ read: CASES + 2, rejected: 1 });
    expect(await storedFtas()).toEqual(baselineFtas);
  });

  it('finishes a run whose worker died mid-finish (after the rescission): same counts, no FTA twice', async () => {
    let crashes = 0;
    const { deps, queue, storedFtas } = await onDynamo((inner) => ({
      ...inner,
      async rescindFtas(list, at, by) {
        const out = await inner.rescindFtas(list, at, by);
        if (crashes === 0 && by?.includes('FINISH')) {
          crashes += 1;
          throw new Error(CRASH);
        }
        return out;
      },
    }));
    await startDocketDrop(drop, 'seq-1', deps);
    let report: DropReport | null = null;
    for (let delivered = 0; delivered < queue.sent.length; ) {
      const m = queue.sent[delivered]!;
      delivered += 1;
      // SQS redelivers a message whose worker died; only the injected crash may fail one.
      for (let delivery = 1; ; delivery++) {
        try {
          report = (await ingestChunkMessage(m, deps, `${m.table}-${m.start}`)).report ?? report;
          break;
        } catch (err) {
          if (!(err instanceof Error && err.message === CRASH) || delivery >= 2) throw err;
        }
      }
    }
    expect(crashes).toBe(1);
    expect(report?.ftas.rescinded).toBe(1);
    expect(reportCounts(report)).toEqual(reportCounts(baseline));
    expect(await storedFtas()).toEqual(baselineFtas);
  });
});
