import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { keys } from '../../shared/adapters/cases-table/keys';
import { createDynamoCaseStore } from '../../shared/adapters/cases-table/dynamo-case-store';
import { createDynamoDropLedger } from '../../shared/adapters/cases-table/dynamo-drop-ledger';
import { sweepOutboxes } from '../../shared/use-cases/sweep-outboxes';
import { dieAfterRosterLands, expectMidDropOutcome, readWithRosterAfterLine } from '../helpers/ledger-mid-drop';
import { ledgerModel, type ModelDrop, type ModelRoster } from '../helpers/ledger-model';
import { dropFiles, ledgerPorts, readInline, readThroughLedger, type DropReader, type LedgerFta } from '../helpers/ledger-run';
import { useCasesTable } from '../helpers/local-stack';

/**
 * The two races of a roster landing while a drop is read (tests/unit/roster-mid-drop-races.test.ts)
 * on DynamoDB Local, the drop read inside one invocation or fanned out through the DynamoDB
 * drop ledger: the roster leaves the case to the drop's finish (a hand-off item), which
 * settles it with the whole drop's evidence. And a run that dies after the roster left it a
 * case: the outbox sweep settles the case once the run's claim on the drop expires.
 */
describe('a roster landing while a drop is read: the races the mid-drop property found (DynamoDB Local)', () => {
  const table = useCasesTable();
  const store = () => createDynamoCaseStore({ client: table.dynamo, tableName: table.tableName });
  const ports = () => ledgerPorts(store(), { chunkBytes: 64, parallelChunks: 1 });
  const readers: [string, () => DropReader][] = [
    ['inline', () => readInline],
    ['fanned out', () => readThroughLedger(createDynamoDropLedger({ client: table.dynamo, tableName: table.tableName }), 0)],
  ];
  const ftasOf = async (h: ReturnType<typeof ports>, caseIds: string[]): Promise<LedgerFta[]> => {
    const out: LedgerFta[] = [];
    for await (const f of h.store.listFtas()) if (caseIds.includes(f.caseId)) out.push({ ftaId: f.ftaId, caseId: f.caseId, status: f.status });
    return out;
  };
  const rosterOf = (rosterId: string, caseId: string, byCaseId: boolean): ModelRoster => ({ kind: 'roster', rosterId, rows: [{ aNumber: `02${caseId}`, eoirCaseId: byCaseId ? caseId : null }] });
  const order = (proceedingId: string, caseId: string, absentia: string) => ({ proceedingId, caseId, osc: '2022-01-01', absentia, compDate: '2025-05-01', hearingDate: '2025-05-01' });

  it.each(readers)('race 1 (%s): an order shown N then Y, the roster landing between the lines, is recorded OPEN with its notice', async (name, reader) => {
    const h = ports();
    const caseId = name === 'inline' ? '7500001' : '7500011';
    const p = name === 'inline' ? '8500001' : '8500011';
    const jan: ModelDrop = { kind: 'drop', dropId: `race1-jan-${name}`, asOf: '2026-01-01', proceedings: [order(p, caseId, 'Y')] };
    const feb: ModelDrop = { kind: 'drop', dropId: `race1-feb-${name}`, asOf: '2026-02-01', proceedings: [order(p, caseId, 'N'), order(p, caseId, 'Y')] };
    const roster = rosterOf(`race1-roster-${name}`, caseId, true);
    const landed = await readWithRosterAfterLine(h, reader(), [jan], feb, 'proceedings', 1, roster);
    expect(landed).toMatchObject({ nextLineRead: false });
    expect(landed.at).toBeGreaterThan(0);
    const got = h.outcome(await ftasOf(h, [caseId]));
    expect(got).toEqual({ ftas: [{ ftaId: `IA-${p}`, caseId, status: 'OPEN' }], notices: [`IA-${p}`], corrections: [] });
    expectMidDropOutcome(got, [jan, feb, roster], [jan, roster, feb]);
    // The claim and the hand-off are gone with the finish.
    expect(await h.store.readingDrops.handedOff(feb.dropId)).toEqual([]);
    expect(await h.store.readingDrops.reading([feb.dropId], '2000-01-01T00:00:00.000Z')).toEqual(new Set());
  });

  it.each(readers)('race 2 (%s): a case the drop marks UC, named by a roster before the drop withdraws its old no-show, gets neither notice nor correction', async (name, reader) => {
    const h = ports();
    const caseId = name === 'inline' ? '7500002' : '7500012';
    const s = (scheduleId: string, forCase: string, adjRsn: string) => ({ scheduleId, proceedingId: '8500009', caseId: forCase, adjDate: '2025-09-01', adjRsn });
    const sid = name === 'inline' ? '9500001' : '9500011';
    const jan: ModelDrop = { kind: 'drop', dropId: `race2-jan-${name}`, asOf: '2026-01-01', schedules: [s(sid, caseId, '11')] };
    const feb: ModelDrop = {
      kind: 'drop', dropId: `race2-feb-${name}`, asOf: '2026-02-01',
      cases: [{ caseId, priority: 'UC', alienNbr: `02${caseId}` }],
      schedules: [s(`${sid}9`, '7500099', '8B'), s(sid, caseId, '8B')],
    };
    const roster = rosterOf(`race2-roster-${name}`, caseId, false);
    const landed = await readWithRosterAfterLine(h, reader(), [jan], feb, 'schedules', 1, roster);
    expect(landed).toMatchObject({ nextLineRead: false });
    const got = h.outcome(await ftasOf(h, [caseId]));
    expect(got).toEqual({ ftas: [{ ftaId: `NS-${sid}`, caseId, status: 'RESCINDED' }], notices: [], corrections: [] });
    expectMidDropOutcome(got, [jan, feb, roster], [jan, roster, feb]);
  });

  it.each(readers)('race 2 (%s), the drop only tying the A-number to the case: neither notice nor correction', async (name, reader) => {
    const h = ports();
    const caseId = name === 'inline' ? '7500005' : '7500015';
    const p = name === 'inline' ? '8500005' : '8500015';
    const jan: ModelDrop = { kind: 'drop', dropId: `race2b-jan-${name}`, asOf: '2026-01-01', proceedings: [order(p, caseId, 'Y')] };
    const feb: ModelDrop = {
      kind: 'drop', dropId: `race2b-feb-${name}`, asOf: '2026-02-01',
      cases: [{ caseId, priority: 'N/A', alienNbr: `02${caseId}` }],
      proceedings: [order(`${p}9`, '7500098', 'N'), order(p, caseId, '')],
    };
    const roster = rosterOf(`race2b-roster-${name}`, caseId, false);
    const landed = await readWithRosterAfterLine(h, reader(), [jan], feb, 'proceedings', 1, roster);
    expect(landed).toMatchObject({ nextLineRead: false });
    const got = h.outcome(await ftasOf(h, [caseId]));
    expect(got).toEqual({ ftas: [{ ftaId: `IA-${p}`, caseId, status: 'RESCINDED' }], notices: [], corrections: [] });
    expectMidDropOutcome(got, [jan, feb, roster], [jan, roster, feb]);
  });

  it('a run that dies after the roster left it a case: the outbox sweep settles the case once the run\'s claim expires, not before', async () => {
    const h = ports();
    const caseId = '7500003';
    const jan: ModelDrop = { kind: 'drop', dropId: 'dies-jan', asOf: '2026-01-01', proceedings: [order('8500003', caseId, 'Y')] };
    const other = { proceedingId: '8500004', caseId: '7500004', osc: '2022-01-01', absentia: 'N', compDate: null, hearingDate: '2025-05-01' };
    const feb: ModelDrop = { kind: 'drop', dropId: 'dies-feb', asOf: '2026-02-01', proceedings: [order('8500003', caseId, 'Y'), other] };
    const roster = rosterOf('dies-roster', caseId, true);
    await h.drop(jan.dropId, dropFiles(jan), jan.asOf);
    const files = dropFiles(feb);
    const mid = dieAfterRosterLands(h, files.B_TblProceeding as string, 1, roster);
    await expect(h.drop(feb.dropId, files, feb.asOf, { beforeChunk: mid.beforeChunk })).rejects.toThrow('the invocation died');
    expect(await h.store.readingDrops.handedOff(feb.dropId)).toEqual([caseId]);
    expect(await ftasOf(h, [caseId])).toEqual([]);
    const until = Date.parse((await expiresAt(feb.dropId)) ?? '');
    expect(until).toBeGreaterThan(0);
    const sweep = (ms: number) => sweepOutboxes({ store: h.store, publisher: h.publisher, clock: { now: () => new Date(ms) } });
    await sweep(until - 1);
    expect(await ftasOf(h, [caseId])).toEqual([]);
    expect(await sweep(until)).toMatchObject({ ftas: 1 });
    const want = ledgerModel([jan, feb, roster]);
    expect(h.outcome(await ftasOf(h, [caseId]))).toEqual({ ftas: want.map((f) => ({ ftaId: f.ftaId, caseId: f.caseId, status: f.status })), notices: ['IA-8500003'], corrections: [] });
    expect(await h.store.readingDrops.handedOff(feb.dropId)).toEqual([]);
    expect(await expiresAt(feb.dropId)).toBeUndefined();
  });

  /** When the drop's claim expires (the claim item as stored). */
  async function expiresAt(dropId: string): Promise<string | undefined> {
    const out = await table.dynamo.send(new GetCommand({ TableName: table.tableName, Key: keys.readingClaim(dropId), ConsistentRead: true }));
    return out.Item === undefined ? undefined : String(out.Item.until);
  }
});
