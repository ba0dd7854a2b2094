import { describe, expect, it } from 'vitest';
import { createInProcessDropLedger } from '../../shared/use-cases/steps/ingest/in-process-drop-ledger';
import { createSpillingFinishNotes } from '../../shared/use-cases/steps/ingest/spilling-finish-notes';
import type { DropChunk } from '../../shared/domain/drop-plan';
import type { KeyNote } from '../../shared/ports/drop-keys';
import type { DropRun, FinishNotes } from '../../shared/ports/drop-ledger';

// The notes read only the run's drop id and run id.
const run = { drop: { dropId: 'd1', location: 'drops/d1/' }, runId: 'r1' } as unknown as DropRun;
const chunk = (start: number): DropChunk => ({ table: 'tbl_schedule', key: 'drops/d1/tbl_schedule.csv', start, end: null, stage: 2 });
const note = (key: string, value: string, fta = false): KeyNote => ({ table: 'tbl_schedule', key, values: [value], fta });

/** The same notes, chunk by chunk, through a registry; every verdict given, in order. */
async function replay(notes: FinishNotes): Promise<string[]> {
  const seen: string[] = [];
  const steps: [number, KeyNote[]][] = [
    [0, [note('1', 'ADJ_RSN=11', true), note('2', 'ADJ_RSN=')]],
    [100, [note('3', 'ADJ_RSN=11', true), note('1', 'ADJ_RSN=')]],
    [200, [note('4', 'ADJ_RSN=11', true), note('3', 'ADJ_RSN=11', true), note('5', 'ADJ_RSN=')]],
    [300, [note('5', 'ADJ_RSN=09'), note('4', 'ADJ_RSN=11', true), note('6', 'ADJ_RSN=11', true)]],
  ];
  for (const [start, list] of steps) {
    const verdicts = await notes.noteKeys(run, chunk(start), list);
    for (const n of list) {
      const v = verdicts.get(`tbl_schedule#${n.key}`);
      seen.push(`${start} ${n.key} first=${v?.first} fta=${v?.recordsFta}`);
    }
  }
  return seen;
}

async function settled(notes: FinishNotes): Promise<string[]> {
  const out: string[] = [];
  for await (const page of notes.settledKeys(run)) for (const c of page.conflicts) out.push(`${c.key}: ${c.values.join(' | ')}`);
  return out.sort();
}

describe('finish-step notes kept in memory up to a bound, the rest in the durable ledger', () => {
  it('gives the verdicts and conflicts of one registry, with the keys past the bound in the durable ledger', async () => {
    const durable = createInProcessDropLedger();
    const spilling = createSpillingFinishNotes(durable, { keys: 2, cases: 1 });
    const verdicts = await replay(spilling);
    // Chunk 0's keys 1 and 2 fill memory; 3, 4, 5 and 6 go to the durable ledger.
    expect(verdicts).toEqual([
      '0 1 first=true fta=true', '0 2 first=true fta=false',
      '100 3 first=true fta=true', '100 1 first=false fta=false',
      '200 4 first=true fta=true', '200 3 first=false fta=false', '200 5 first=true fta=false',
      '300 5 first=false fta=false', '300 4 first=false fta=false', '300 6 first=true fta=true',
    ]);
    expect(await settled(spilling)).toEqual(['1: ADJ_RSN= | ADJ_RSN=11', '5: ADJ_RSN= | ADJ_RSN=09']);
    // What the durable ledger holds: only the keys past the bound (its conflicts are 5's alone).
    expect(await settled(durable)).toEqual(['5: ADJ_RSN= | ADJ_RSN=09']);
  });

  it('lists every case to settle once, those past the bound from the durable ledger', async () => {
    const durable = createInProcessDropLedger();
    const spilling = createSpillingFinishNotes(durable, { keys: 2, cases: 2 });
    await spilling.noteToSettle(run, ['c1', 'c2']);
    await spilling.noteToSettle(run, ['c3', 'c1']);
    await spilling.noteToSettle(run, ['c2', 'c4', 'c3']);
    const all: string[] = [];
    for await (const page of spilling.toSettle(run)) all.push(...page);
    const inDurable: string[] = [];
    for await (const page of durable.toSettle(run)) inDurable.push(...page);
    expect(all.sort()).toEqual(['c1', 'c2', 'c3', 'c4']);
    expect(inDurable.sort()).toEqual(['c3', 'c4']);
  });
});
