import { describe, expect, it } from 'vitest';
import { createInProcessDropLedger } from '../../shared/use-cases/steps/ingest/in-process-drop-ledger';
import type { DropReport } from '../../shared/domain/drop-report';
import type { DropChunkMessage } from '../../shared/messages/drop-chunk';
import type { CaseStore } from '../../shared/ports/case-store';
import { ingestChunkMessage, startDocketDrop, type FanOutDeps } from '../../shared/use-cases/start-docket-drop';
import { ingestDocketDrop } from '../../shared/use-cases/steps/ingest/ingest-docket-drop';
import {
  fixedClock,
  memoryCaseStore,
  memoryChunkQueue,
  memoryDocketSource,
  memoryPublisher,
  memoryQuarantine,
  silentLog,
} from '../helpers/in-memory-ports';
import { bigDrop, CASES, JUV, PROC } from '../helpers/big-drop';

/**
 * The store after an earlier drop (as-of 2026-01-01, from its name) showed case 1000's
 * order: the big drop's proceeding opened after it then rescinds it (a drop never
 * rescinds what only it shows).
 */
async function priorStore() {
  const store = memoryCaseStore();
  await ingestDocketDrop({ dropId: 'prior-2026-01-01', location: 'drops/prior-2026-01-01/' }, {
    source: memoryDocketSource({
      tbl_JuvenileHistory: `${JUV}1\t1000\t5000\t4\r\n`,
      B_TblProceeding: `${PROC}5000\t1000\t2022-01-01 00:00:00.000\tHOU\tRMV\tX\tY\t2025-03-01 00:00:00.000\t2025-03-04 00:00:00.000\r\n`,
    }),
    store, publisher: memoryPublisher(), quarantine: memoryQuarantine(), clock: fixedClock('2026-11-28T00:00:00Z'), log: silentLog,
  });
  return store;
}

const CHUNK = 1024;
const drop = { dropId: 'big', location: 'drops/big/' };
/** The error of the worker crash the tests inject. */
const CRASH = 'injected: Lambda timed out';

function fanOutDeps(store: CaseStore = memoryCaseStore()) {
  const queue = memoryChunkQueue();
  const publisher = memoryPublisher();
  const deps: FanOutDeps = {
    source: memoryDocketSource(bigDrop() as never, { chunkSize: 97 }),
    store,
    publisher,
    quarantine: memoryQuarantine(),
    clock: fixedClock('2026-11-28T00:00:00Z'),
    log: silentLog,
    ledger: createInProcessDropLedger(),
    queue,
    fanOutBytes: CHUNK,
    chunks: { chunkBytes: CHUNK, parallelChunks: 2 },
  };
  return { deps, queue, publisher };
}

/** Delivers every message sent so far and since, as SQS would; `each` picks the deliveries of one message. */
async function deliverAll(
  queue: { sent: DropChunkMessage[] },
  deliver: (m: DropChunkMessage) => Promise<DropReport | null>,
  order: 'fifo' | 'reverse' = 'fifo',
): Promise<DropReport | null> {
  let delivered = 0;
  let report: DropReport | null = null;
  while (delivered < queue.sent.length) {
    const batch = queue.sent.slice(delivered);
    delivered = queue.sent.length;
    for (const m of order === 'reverse' ? batch.reverse() : batch) report = (await deliver(m)) ?? report;
  }
  return report;
}

/** The counts of a report, without what differs by construction (times, chunking, run id). */
function counts(report: DropReport | null) {
  const { startedAt: _s, finishedAt: _f, fanOut: _o, quarantine: _q, ...rest } = report ?? ({} as DropReport);
  const tables = Object.fromEntries(Object.entries(rest.tables ?? {}).map(([t, c]) => {
    const { chunks: _c, ...plain } = c;
    return [t, plain];
  }));
  return { ...rest, tables };
}

async function inlineBaseline() {
  const store = await priorStore();
  const report = await ingestDocketDrop(drop, {
    source: memoryDocketSource(bigDrop() as never), store, publisher: memoryPublisher(), quarantine: memoryQuarantine(),
    clock: fixedClock('2026-11-28T00:00:00Z'), log: silentLog,
  });
  return { report, store };
}

describe('a big drop fanned out over the chunk queue', () => {
  it('counts every row once and gives the same report as the drop read whole in one invocation', async () => {
    const baseline = await inlineBaseline();
    const { deps, queue } = fanOutDeps(await priorStore());
    const started = await startDocketDrop(drop, 'seq-1', deps);
    expect(started).toMatchObject({ kind: 'fanned-out', created: true });
    // Only the first stage goes out at first: juvenile history before cases before the rest.
    expect(new Set(queue.sent.map((m) => m.table))).toEqual(new Set(['tbl_JuvenileHistory']));
    const report = await deliverAll(queue, async (m) => (await ingestChunkMessage(m, deps)).report);
    expect(counts(report)).toEqual(counts(baseline.report));
    expect(report?.tables.tbl_schedule?.chunks).toBeGreaterThan(3);
    expect(report?.tables.B_TblProceeding).toMatchObject({ read: CASES + 2, rejected: 1, rejectedByReason: { ROW_EXTRA_FIELDS: 1 } });
    expect(report?.ftas.rescinded).toBe(1);
    expect(report?.fanOut?.chunks).toBe(queue.sent.length);
    expect(baseline.report.ucCasesMarked).toBe(new Set([...Array(CASES).keys()].filter((i) => i % 3 === 0 || i % 5 === 0)).size);
  });

  it('delivers every chunk twice, in reverse order, and still reports the same counts and advances each stage once', async () => {
    const baseline = await inlineBaseline();
    const { deps, queue, publisher } = fanOutDeps(await priorStore());
    await startDocketDrop(drop, 'seq-1', deps);
    const outcomes: string[] = [];
    const report = await deliverAll(
      queue,
      async (m) => {
        const first = await ingestChunkMessage(m, deps);
        const second = await ingestChunkMessage(m, deps);
        outcomes.push(second.outcome);
        return first.report ?? second.report;
      },
      'reverse',
    );
    expect(counts(report)).toEqual(counts(baseline.report));
    expect(outcomes.every((o) => o === 'duplicate' || o === 'run-finished')).toBe(true);
    // Each chunk was sent exactly once: no stage was started twice.
    const ids = queue.sent.map((m) => `${m.table}#${m.start}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(publisher.sent.filter((m) => m.type === 'FTA_RECORDED')).toHaveLength(report?.ftas.new ?? -1);
  });

  it('resumes a chunk that crashed after some writes: same counts, no FTA twice', async () => {
    const baseline = await inlineBaseline();
    const inner = await priorStore();
    let crashes = 0;
    // The worker dies right after writing the FTAs of a proceeding chunk (before recording
    // the chunk), and again in the finish step right after the CASE_REOPENED rescission.
    const crashOnce = async <T>(step: string | undefined, what: string, write: () => Promise<T>): Promise<T> => {
      const out = await write();
      if (step?.includes(what) && !seen.has(what)) {
        seen.add(what);
        crashes += 1;
        throw new Error(CRASH);
      }
      return out;
    };
    const seen = new Set<string>();
    const store: CaseStore = {
      ...inner,
      recordFtas: (list, at, by) => crashOnce(by, 'B_TblProceeding', () => inner.recordFtas(list, at, by)),
      rescindFtas: (list, at, by) => crashOnce(by, 'FINISH', () => inner.rescindFtas(list, at, by)),
    };
    const { deps, queue } = fanOutDeps(store);
    await startDocketDrop(drop, 'seq-1', deps);
    const report = await deliverAll(queue, async (m) => {
      const messageId = `${m.table}-${m.start}`;
      // SQS redelivers the same message after its visibility timeout; only the injected crash
      // may fail a delivery, and each crash happens once, so a third delivery is a fault.
      for (let delivery = 1; ; delivery++) {
        try {
          return (await ingestChunkMessage(m, deps, messageId)).report;
        } catch (err) {
          if (!(err instanceof Error && err.message === CRASH) || delivery >= 3) throw err;
        }
      }
    });
    expect(crashes).toBe(2);
    expect(report?.ftas.rescinded).toBe(1);
    expect(counts(report)).toEqual(counts(baseline.report));
    expect([...inner.ftas.keys()].sort()).toEqual([...baseline.store.ftas.keys()].sort());
  });

  it('a duplicate S3 event resends the current stage without counting anything twice, and returns the finished report afterwards', async () => {
    const baseline = await inlineBaseline();
    const { deps, queue } = fanOutDeps(await priorStore());
    await startDocketDrop(drop, 'seq-1', deps);
    const again = await startDocketDrop(drop, 'seq-1', deps);
    expect(again).toMatchObject({ kind: 'fanned-out', created: false, report: null });
    const report = await deliverAll(queue, async (m) => (await ingestChunkMessage(m, deps)).report);
    expect(counts(report)).toEqual(counts(baseline.report));
    const sent = queue.sent.length;
    const after = await startDocketDrop(drop, 'seq-1', deps);
    expect(after).toMatchObject({ kind: 'fanned-out', created: false });
    expect(after.kind === 'fanned-out' && counts(after.report)).toEqual(counts(report));
    expect(queue.sent.length).toBe(sent);
  });

  it('moves a stage on exactly once when its last chunks finish at the same time', async () => {
    const { deps, queue } = fanOutDeps(await priorStore());
    await startDocketDrop(drop, 'seq-1', deps);
    const stage0 = [...queue.sent];
    await Promise.all(stage0.map((m, i) => ingestChunkMessage(m, deps, `a${i}`)));
    expect(queue.sent.filter((m) => m.table === 'A_TblCase')).toHaveLength(queue.sent.length - stage0.length);
    const stage1 = queue.sent.slice(stage0.length);
    // Every chunk at once, each also as a second SQS message (a duplicate S3 event sent the stage again).
    await Promise.all([...stage1, ...stage1].map((m, i) => ingestChunkMessage(m, deps, `b${i}`)));
    const stage2 = queue.sent.slice(stage0.length + stage1.length);
    expect(new Set(stage2.map((m) => m.table))).toEqual(new Set(['B_TblProceeding', 'tbl_schedule']));
    expect(new Set(stage2.map((m) => `${m.table}#${m.start}`)).size).toBe(stage2.length);
  });

  it('reads a drop below the fan-out threshold inside the invocation, and a duplicate event reads nothing again', async () => {
    const { deps, queue } = fanOutDeps(await priorStore());
    const small = { ...deps, fanOutBytes: 10 * 1024 * 1024 };
    const first = await startDocketDrop(drop, 'seq-2', small);
    expect(first).toMatchObject({ kind: 'ingested', duplicate: false });
    const again = await startDocketDrop(drop, 'seq-2', small);
    expect(again).toMatchObject({ kind: 'ingested', duplicate: true });
    expect(queue.sent).toHaveLength(0);
  });

  it('skips stages without chunks: a proceedings-only update drop starts at the third stage', async () => {
    const { deps, queue } = fanOutDeps(await priorStore());
    const only = { ...deps, source: memoryDocketSource({ B_TblProceeding: bigDrop().B_TblProceeding }) };
    await startDocketDrop(drop, 'seq-3', only);
    expect(new Set(queue.sent.map((m) => m.stage))).toEqual(new Set([2]));
    const report = await deliverAll(queue, async (m) => (await ingestChunkMessage(m, only)).report);
    expect(report?.tables.B_TblProceeding?.read).toBe(CASES + 2);
    expect(report?.ucCasesOmitted).toBe(0);
  });
});
