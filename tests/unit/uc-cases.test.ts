import { describe, expect, it } from 'vitest';
import type { CaseEvidence } from '../../shared/ports/fta-signals';
import { stageCacheCasesForHeap } from '../../shared/runtime/heap';
import { UcCases } from '../../shared/use-cases/steps/ingest/uc-cases';

/*
 * The ingest's view of which cases are UC cases, and its stage cache of their evidence: the
 * cache saves lookups of a case read again within a stage, and its memory stays bounded.
 */

/** A store port answering every case as not UC and without signals, counting the cases asked. */
function countingStore(uc: ReadonlySet<string> = new Set()) {
  const asked: string[] = [];
  const store = {
    async markUcCases() { return 0; },
    async findUcCases(ids: readonly string[]) { return new Set(ids.filter((id) => uc.has(id))); },
    async recordCaseSightings() {},
    async flagUcCasesNotSeen() { return 0; },
    signals: {
      async lookupCases(ids: readonly string[]) {
        asked.push(...ids);
        return new Map(ids.map((id): [string, CaseEvidence] => [id, { uc: uc.has(id), signals: null, settled: false }]));
      },
      async recordSightings() { return []; },
      async recordWithdrawals() { return []; },
      async signalsOfCases() { return []; },
      async markSettled() {},
    },
  };
  return { store: store as unknown as ConstructorParameters<typeof UcCases>[0], asked };
}
const ids = (from: number, n: number) => Array.from({ length: n }, (_, i) => String(from + i));

describe('the stage cache of case evidence', () => {
  it('asks the store once for a case read again within the stage, while it is among the last `cacheCases` cases', async () => {
    const { store, asked } = countingStore(new Set(['2']));
    const uc = new UcCases(store, 3);
    const first = await uc.evidence(ids(1, 3), (id) => id);
    expect(first.get('2')).toEqual({ uc: true, signals: null, settled: false });
    expect(first.get('1')).toEqual({ uc: false, signals: null, settled: false });
    asked.length = 0;
    const again = await uc.evidence(['3', '2'], (id) => id);
    expect(asked).toEqual([]);
    expect(again.get('2')?.uc).toBe(true);
  });

  it('keeps no more than `cacheCases` cases: the oldest is asked again', async () => {
    const { store, asked } = countingStore();
    const uc = new UcCases(store, 3);
    await uc.evidence(ids(1, 3), (id) => id);
    await uc.evidence(['4'], (id) => id);
    asked.length = 0;
    await uc.evidence(['1', '4'], (id) => id);
    expect(asked).toEqual(['1']);
  });

  it('forgets the stage at its end', async () => {
    const { store, asked } = countingStore();
    const uc = new UcCases(store, 10);
    await uc.evidence(ids(1, 2), (id) => id);
    uc.endStage();
    asked.length = 0;
    await uc.evidence(ids(1, 2), (id) => id);
    expect(asked).toEqual(['1', '2']);
  });
});

describe('UC cases known to the run', () => {
  it('a case whose mark this invocation wrote stays marked in the run when it is seen again as a UC case', async () => {
    const { store } = countingStore(new Set(['7']));
    const uc = new UcCases(store, 10);
    uc.noteMarkedInRun('7');
    uc.add('7');
    await uc.evidence(['7'], (id) => id);
    expect(uc.has('7')).toBe(true);
    expect(uc.markedInRun('7')).toBe(true);
  });

  it('a UC case found in the store is known, and not one this invocation marked', async () => {
    const { store } = countingStore(new Set(['8']));
    const uc = new UcCases(store);
    expect(await uc.filter(['8', '9'], (id) => id)).toEqual(['8']);
    expect(uc.has('8')).toBe(true);
    expect(uc.markedInRun('8')).toBe(false);
  });
});

describe('stageCacheCasesForHeap', () => {
  const MiB = 1024 * 1024;
  it('gives one case per 16 KiB of heap limit, at most 200,000', () => {
    // A 48 MB old space and 4 MB semi-spaces: V8's limit is 60 MiB (the growth bench's tight cap).
    expect(stageCacheCasesForHeap(60 * MiB)).toBe(3_840);
    // The deployed --max-old-space-size=768: limit 816 MiB.
    expect(stageCacheCasesForHeap(816 * MiB)).toBe(52_224);
    expect(stageCacheCasesForHeap(4144 * MiB)).toBe(200_000);
  });
});
