import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDynamoUcCaseMarks } from '../../shared/adapters/cases-table/dynamo-uc-case-marks';
import { sendUpdatesGrouped } from '../../shared/adapters/cases-table/grouped-updates';
import type { UcMark } from '../../shared/ports/case-store';
import { useCasesTable } from '../helpers/local-stack';

/*
 * UC marks and case sightings go up to 100 to a TransactWriteItems: each mark's claim must
 * still be its own (a transaction is all or nothing), whatever else shares its transaction.
 */
const marks = (ids: readonly number[], basis: UcMark['basis'], dropId = 'd1'): UcMark[] => ids.map((i) => ({ caseId: `uc-${i}`, basis, dropId }));
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

describe('UC case marks, claimed in transactions on DynamoDB Local', () => {
  const table = useCasesTable();

  it('counts each claim once: a case another step of the run claimed is not claimed again, the rest of its transaction is', async () => {
    const store = createDynamoUcCaseMarks({ client: table.dynamo, tableName: table.tableName });
    const run = `run-${Date.now()}`;
    // 230 marks over three transactions; 40 of them (spread over all three) claimed before by another step.
    const early = range(0, 230).filter((i) => i % 6 === 0);
    expect(await store.markUcCases(marks(early, 'JUVENILE_HISTORY'), { runId: run, by: `${run}#juvenile` })).toBe(early.length);
    const claimed = await store.markUcCases(marks(range(0, 230), 'CASE_PRIORITY'), { runId: run, by: `${run}#case` });
    expect(claimed).toBe(230 - early.length);
    // The same step retried (a crash after its writes): it reports what it claimed again.
    expect(await store.markUcCases(marks(range(0, 230), 'CASE_PRIORITY'), { runId: run, by: `${run}#case` })).toBe(230 - early.length);
    // A later run claims every case anew.
    expect(await store.markUcCases(marks(range(0, 230), 'CASE_PRIORITY', 'd2'), { runId: `${run}-2`, by: `${run}-2#case` })).toBe(230);
    // Every case is a UC case with both bases where both marked it, the first basis kept.
    const item = async (i: number) =>
      (await table.dynamo.send(new GetCommand({ TableName: table.tableName, Key: { pk: `CASE#uc-${i}`, sk: 'UC' }, ConsistentRead: true }))).Item;
    expect((await item(6))?.basis).toBe('JUVENILE_HISTORY');
    expect([...((await item(6))?.bases as Set<string>)].sort()).toEqual(['CASE_PRIORITY', 'JUVENILE_HISTORY']);
    expect((await item(7))?.basis).toBe('CASE_PRIORITY');
    expect((await store.findUcCases(range(0, 231).map((i) => `uc-${i}`))).size).toBe(230);
  });

  it('records case sightings for 150 cases in transactions: identity columns kept, the omission flag cleared', async () => {
    const store = createDynamoUcCaseMarks({ client: table.dynamo, tableName: table.tableName });
    const ids = range(1000, 1150);
    await store.markUcCases(marks(ids, 'JUVENILE_HISTORY'));
    // Flagged omitted by an earlier full drop (as flagUcCasesNotSeen sets it).
    for (const i of ids) {
      await table.dynamo.send(new UpdateCommand({ TableName: table.tableName, Key: { pk: `CASE#uc-${i}`, sk: 'UC' }, UpdateExpression: 'SET omittedFromDropId = :d, omittedAt = :at', ExpressionAttributeValues: { ':d': 'd-other', ':at': '2026-11-30T00:00:00Z' } }));
    }
    await store.recordCaseSightings(ids.map((i) => ({ caseId: `uc-${i}`, dropId: 'd3', aNumber: `A${i}`, firstName: i % 2 === 0 ? 'ANA' : null, lastName: 'LOPEZ' })));
    for (const i of [1000, 1001, 1149]) {
      const got = (await table.dynamo.send(new GetCommand({ TableName: table.tableName, Key: { pk: `CASE#uc-${i}`, sk: 'UC' }, ConsistentRead: true }))).Item;
      expect(got).toMatchObject({ lastSeenDropId: 'd3', aNumber: `A${i}`, lastName: 'LOPEZ' });
      expect(got?.firstName).toBe(i % 2 === 0 ? 'ANA' : undefined);
      expect(got?.omittedFromDropId).toBeUndefined();
    }
  });

  it('grouped updates: an update repeated on one item lands in order, a failed condition is that update\'s alone', async () => {
    const key = (i: number) => ({ pk: `GROUPED#${i}`, sk: 'X' });
    const add = (i: number, n: number) => ({ TableName: table.tableName, Key: key(i), UpdateExpression: 'ADD n :n', ExpressionAttributeValues: { ':n': n } });
    const only = (i: number) => ({ ...add(i, 100), ConditionExpression: 'attribute_not_exists(pk)' });
    // Item 5 exists; then items 0..119 +1 each (two transactions), item 5 +1 again (the same
    // item twice in one list), a create of item 5 (exists: its condition fails) and of item 500.
    await sendUpdatesGrouped(table.dynamo, [add(5, 1)]);
    const updates = [...range(0, 120).map((i) => add(i, 1)), add(5, 1), only(5), only(500)];
    const applied = await sendUpdatesGrouped(table.dynamo, updates);
    expect(applied).toEqual([...range(0, 120).map(() => true), true, false, true]);
    const n = async (i: number) => (await table.dynamo.send(new GetCommand({ TableName: table.tableName, Key: key(i), ConsistentRead: true }))).Item?.n;
    expect(await n(5)).toBe(3);
    expect(await n(0)).toBe(1);
    expect(await n(119)).toBe(1);
    expect(await n(500)).toBe(100);
  });
});
