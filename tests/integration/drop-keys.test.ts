import { describe, expect, it } from 'vitest';
import { createDynamoDropKeys } from '../../shared/adapters/cases-table/dynamo-drop-keys';
import { createInProcessDropKeys } from '../../shared/use-cases/steps/ingest/in-process-drop-keys';
import type { DropChunk } from '../../shared/domain/drop-plan';
import type { DropKeys, SettledKeys } from '../../shared/ports/drop-keys';
import { useCasesTable } from '../helpers/local-stack';

const chunk = (start: number): DropChunk => ({ table: 'B_TblProceeding', key: 'B_TblProceeding.csv', start, end: start + 1024, stage: 2 });

async function settle(keys: DropKeys, run: { drop: { dropId: string; location: string }; runId: string }) {
  const pages: SettledKeys[] = [];
  for await (const page of keys.settledKeys(run)) pages.push(page);
  return { conflicts: pages.flatMap((p) => p.conflicts).sort((a, b) => a.key.localeCompare(b.key)) };
}

/** The same scenario on both implementations of the drop's key registry. */
async function scenario(keys: DropKeys, runId: string) {
  const run = { drop: { dropId: 'd2', location: 'drops/d2/' }, runId };
  // Chunk 2048 notes first: 10, 11 and 12 without the order (N).
  const a = await keys.noteKeys(run, chunk(2048), [
    { table: 'B_TblProceeding', key: '10', values: ['ABSENTIA=N'], fta: false },
    { table: 'B_TblProceeding', key: '11', values: ['ABSENTIA=N'], fta: false },
    { table: 'B_TblProceeding', key: '12', values: ['ABSENTIA=N'], fta: false },
  ]);
  // Chunk 0 notes later: 10 with the order (Y), 12 again the same.
  const b = await keys.noteKeys(run, chunk(0), [
    { table: 'B_TblProceeding', key: '10', values: ['ABSENTIA=Y 2025-01-03'], fta: true },
    { table: 'B_TblProceeding', key: '12', values: ['ABSENTIA=N'], fta: false },
  ]);
  // Chunk 2048 is retried: the same verdicts.
  const again = await keys.noteKeys(run, chunk(2048), [
    { table: 'B_TblProceeding', key: '10', values: ['ABSENTIA=N'], fta: false },
    { table: 'B_TblProceeding', key: '11', values: ['ABSENTIA=N'], fta: false },
    { table: 'B_TblProceeding', key: '12', values: ['ABSENTIA=N'], fta: false },
  ]);
  return { a, b, again, settled: await settle(keys, run) };
}

describe('the drop key registry: first sighting, FTA recorder, conflicts', () => {
  const table = useCasesTable();

  it.each(['dynamodb', 'in-process'] as const)('%s: the first chunk to note a key keeps it, a retry gets the same answer, conflicting copies are listed', async (kind) => {
    const keys = kind === 'dynamodb' ? createDynamoDropKeys({ client: table.dynamo, tableName: table.tableName }) : createInProcessDropKeys();
    const { a, b, again, settled } = await scenario(keys, `run-${kind}`);
    expect(a.get('B_TblProceeding#10')).toEqual({ first: true, recordsFta: false });
    expect(b.get('B_TblProceeding#10')).toEqual({ first: false, recordsFta: true });
    expect(b.get('B_TblProceeding#12')).toEqual({ first: false, recordsFta: false });
    expect(again).toEqual(a);
    expect(settled.conflicts).toEqual([{ table: 'B_TblProceeding', key: '10', values: ['ABSENTIA=N', 'ABSENTIA=Y 2025-01-03'] }]);
  });
});
