import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDynamoFtaSignals } from '../../shared/adapters/cases-table/dynamo-fta-signals';
import { keys } from '../../shared/adapters/cases-table/keys';
import type { FtaSignal } from '../../shared/domain/fta-signal';
import type { CaseEvidence, SignalSighting } from '../../shared/ports/fta-signals';
import { useCasesTable } from '../helpers/local-stack';

const order = (caseId: string, proceedingId: string, dropId: string, lineNumber = 2): FtaSignal => ({
  ftaId: `IA-${proceedingId}`, kind: 'IN_ABSENTIA_ORDER', caseId, proceedingId, scheduleId: null, date: '2025-06-01',
  court: 'HOU', aor: 'HOU', provenance: { dropId, table: 'B_TblProceeding', lineNumber },
});
const noShow = (caseId: string, scheduleId: string, dropId: string): FtaSignal => ({
  ftaId: `NS-${scheduleId}`, kind: 'NO_SHOW_ADJOURNMENT', caseId, proceedingId: '8800001', scheduleId, date: '2025-07-01',
  court: 'HOU', aor: 'HOU', provenance: { dropId, table: 'tbl_schedule', lineNumber: 5 },
});
const sighting = (signal: FtaSignal, asOf: string, ucCase = false): SignalSighting => ({ signal, asOf, ucCase });
const JAN = '2026-01-01T00:00:00.000Z';
const FEB = '2026-02-01T00:00:00.000Z';
const MAR = '2026-03-01T00:00:00.000Z';

describe('FTA signal items on DynamoDB Local: sightings and withdrawals as items, legacy items read in place', () => {
  const table = useCasesTable();
  const store = () => createDynamoFtaSignals({ client: table.dynamo, tableName: table.tableName });

  it('a legacy signal item (sets of sightings and withdrawals) and the new items of the same signal read as one signal', async () => {
    const signals = store();
    const caseId = '7700001';
    const legacy = order(caseId, '8700001', 'drop-jan', 3);
    // As the store wrote it before sightings had items: one item, its evidence in string sets.
    await table.dynamo.send(new PutCommand({
      TableName: table.tableName,
      Item: {
        ...keys.signal(caseId, legacy.ftaId), type: 'FTA_SIGNAL', ftaId: legacy.ftaId, kind: legacy.kind, caseId, proceedingId: legacy.proceedingId,
        scheduleId: null, date: legacy.date, court: 'HOU', aor: 'HOU', sourceDropId: 'drop-jan', sourceTable: 'B_TblProceeding', sourceLine: 3,
        seen: new Set([`${JAN}|drop-jan`]), withdrawals: new Set([`${FEB}|ABSENTIA_WITHDRAWN|drop-feb`]),
      },
    }));
    await table.dynamo.send(new PutCommand({ TableName: table.tableName, Item: { ...keys.signalsMarker(caseId), caseId, orders: new Set([`8700001|2025-06-01`]), settled: false } }));
    const known = await signals.lookupCases([caseId]);
    // A later drop shows it again (line 9 there) and another withdraws it.
    await signals.recordSightings([sighting(order(caseId, '8700001', 'drop-mar', 9), MAR)], { known, soleWriter: true });
    await signals.recordWithdrawals([{ caseId, ftaId: legacy.ftaId, withdrawal: { asOf: MAR, reason: 'CASE_REOPENED', dropId: 'drop-mar' } }]);
    const [read, ...more] = await signals.signalsOfCases([caseId]);
    expect(more).toEqual([]);
    // The legacy item's fields (its first provenance) stand.
    expect(read?.provenance).toEqual({ dropId: 'drop-jan', table: 'B_TblProceeding', lineNumber: 3 });
    expect([...(read?.seen ?? [])].sort((a, b) => a.asOf.localeCompare(b.asOf))).toEqual([{ asOf: JAN, dropId: 'drop-jan' }, { asOf: MAR, dropId: 'drop-mar' }]);
    expect([...(read?.withdrawals ?? [])].sort((a, b) => a.asOf.localeCompare(b.asOf))).toEqual([
      { asOf: FEB, reason: 'ABSENTIA_WITHDRAWN', dropId: 'drop-feb' },
      { asOf: MAR, reason: 'CASE_REOPENED', dropId: 'drop-mar' },
    ]);
    // The marker listed it already: not written again.
    expect((await signals.lookupCases([caseId])).get(caseId)?.signals?.orders).toEqual(new Map([['8700001', '2025-06-01']]));
  });

  it('new signals only as items: the earliest-as-of sighting gives the fields; a re-run writes the same items; a UC case\'s sighting is read back whole', async () => {
    const signals = store();
    const caseId = '7700002';
    const first = await signals.lookupCases([caseId]);
    // The later drop read first, then the earlier one, then the later one again.
    await signals.recordSightings([sighting(order(caseId, '8700002', 'drop-feb', 4), FEB)], { known: first, soleWriter: true });
    await signals.recordSightings([sighting(order(caseId, '8700002', 'drop-jan', 7), JAN)], { known: await signals.lookupCases([caseId]), soleWriter: true });
    const back = await signals.recordSightings([sighting(order(caseId, '8700002', 'drop-feb', 4), FEB, true)], { known: await signals.lookupCases([caseId]), soleWriter: true });
    expect(back).toHaveLength(1);
    expect(back[0]?.provenance).toEqual({ dropId: 'drop-jan', table: 'B_TblProceeding', lineNumber: 7 });
    expect([...(back[0]?.seen ?? [])].map((x) => x.dropId).sort()).toEqual(['drop-feb', 'drop-jan']);
    expect(back[0]?.withdrawals).toEqual([]);
    // A withdrawal of a signal that does not exist is no signal.
    await signals.recordWithdrawals([{ caseId, ftaId: 'IA-8799999', withdrawal: { asOf: MAR, reason: 'ABSENTIA_WITHDRAWN', dropId: 'drop-mar' } }]);
    expect((await signals.signalsOfCases([caseId])).map((s) => s.ftaId)).toEqual(['IA-8700002']);
  });

  it('two batches of one invocation creating one case\'s marker at once keep both signals; a case the store has not looked up is added to, never put', async () => {
    const signals = store();
    const caseId = '7700003';
    // Both batches looked the case up before either wrote: no marker.
    const known = await signals.lookupCases([caseId]);
    await Promise.all([
      signals.recordSightings([sighting(order(caseId, '8700003', 'drop-jan'), JAN)], { known, soleWriter: true }),
      signals.recordSightings([sighting(noShow(caseId, '9700003', 'drop-jan'), JAN)], { known, soleWriter: true }),
      signals.recordSightings([sighting(noShow(caseId, '9700004', 'drop-jan'), JAN)], { known, soleWriter: true }),
    ]);
    const marker = (await signals.lookupCases([caseId])).get(caseId) as CaseEvidence;
    expect(marker.signals?.orders).toEqual(new Map([['8700003', '2025-06-01']]));
    expect(marker.signals?.noShows).toEqual(new Set(['9700003', '9700004']));
    expect(marker.settled).toBe(false);
    // No evidence given (another caller): the marker is added to.
    await signals.recordSightings([sighting(noShow(caseId, '9700005', 'drop-feb'), FEB)]);
    expect((await signals.lookupCases([caseId])).get(caseId)?.signals?.noShows).toEqual(new Set(['9700003', '9700004', '9700005']));
  });

  it('two invocations (two drops read at once) each creating one case\'s marker at the same time keep every signal of both', async () => {
    const caseId = '7700006';
    // Two store instances, as two invocations have: both looked the case up before either wrote.
    const [first, second] = [store(), store()];
    const [seenByFirst, seenBySecond] = [await first.lookupCases([caseId]), await second.lookupCases([caseId])];
    await Promise.all([
      first.recordSightings([sighting(order(caseId, '8710000', 'drop-jan'), JAN)], { known: seenByFirst, soleWriter: true }),
      second.recordSightings([sighting(noShow(caseId, '9710000', 'drop-feb'), FEB)], { known: seenBySecond, soleWriter: true }),
    ]);
    const marker = (await store().lookupCases([caseId])).get(caseId) as CaseEvidence;
    expect(marker.signals?.orders).toEqual(new Map([['8710000', '2025-06-01']]));
    expect(marker.signals?.noShows).toEqual(new Set(['9710000']));
  });

  it('an invocation whose lookup is stale (another created the marker since) never overwrites it: a put refused is written as a union', async () => {
    const caseId = '7700007';
    const [first, second] = [store(), store()];
    const stale = await second.lookupCases([caseId]);
    await first.recordSightings([sighting(order(caseId, '8710001', 'drop-jan'), JAN)], { known: await first.lookupCases([caseId]), soleWriter: true });
    await second.recordSightings([sighting(noShow(caseId, '9710001', 'drop-feb'), FEB)], { known: stale, soleWriter: true });
    const marker = (await store().lookupCases([caseId])).get(caseId) as CaseEvidence;
    expect(marker.signals?.orders).toEqual(new Map([['8710001', '2025-06-01']]));
    expect(marker.signals?.noShows).toEqual(new Set(['9710001']));
  });
});
