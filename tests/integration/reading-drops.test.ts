import { describe, expect, it } from 'vitest';
import { createDynamoReadingDrops } from '../../shared/adapters/cases-table/dynamo-reading-drops';
import { useCasesTable } from '../helpers/local-stack';

/*
 * The claims on drops being read and the cases left to their finish, on DynamoDB Local:
 * the conditions that keep a run's finish, a second run of the same drop and the outbox
 * sweep from releasing each other's claim, and the ISO times compared as stored.
 */
describe('claims on drops being read (DynamoDB Local)', () => {
  const table = useCasesTable();
  const drops = () => createDynamoReadingDrops({ client: table.dynamo, tableName: table.tableName });
  let n = 0;
  const dropId = () => `claims-${Date.now()}-${(n += 1)}`;
  const T = (iso: string) => `2026-11-30T${iso}.000Z`;

  it('the sweep does not release a claim its run renewed after the sweep listed it expired, and the run\'s finish still does', async () => {
    const d = dropId();
    const r = drops();
    await r.claim(d, 'run-a', T('01:00:00'));
    expect((await r.expired(T('02:00:00'))).filter((c) => c.dropId === d)).toEqual([{ dropId: d, runId: 'run-a' }]);
    // The run, alive after all, starts its next stage.
    await r.claim(d, 'run-a', T('02:30:00'));
    expect(await r.release(d, 'run-a', T('02:00:00'))).toBe(false);
    expect(await r.reading([d], T('02:00:00'))).toEqual(new Set([d]));
    expect(await r.release(d, 'run-a')).toBe(true);
    expect(await r.reading([d], T('02:00:00'))).toEqual(new Set());
  });

  it('a second run of the same drop that took the claim over keeps it when the first run finishes or is swept', async () => {
    const d = dropId();
    const r = drops();
    await r.claim(d, 'run-a', T('01:00:00'));
    await r.claim(d, 'run-b', T('03:00:00'));
    expect(await r.release(d, 'run-a')).toBe(false);
    expect(await r.release(d, 'run-a', T('04:00:00'))).toBe(false);
    expect(await r.reading([d], T('02:59:59'))).toEqual(new Set([d]));
    // Expired, it is swept by its own run id only.
    expect(await r.release(d, 'run-b', T('03:00:00'))).toBe(true);
    expect(await r.release(d, 'run-b')).toBe(false);
  });

  it('a claim is read until the millisecond before it ends, expired from that millisecond (reading, expired and the sweep\'s release agree)', async () => {
    const d = dropId();
    const r = drops();
    await r.claim(d, 'run-a', '2026-11-30T05:00:00.000Z');
    const at = ['2026-11-30T04:59:59.999Z', '2026-11-30T05:00:00.000Z'];
    expect(await r.reading([d], at[0] as string)).toEqual(new Set([d]));
    expect((await r.expired(at[0] as string)).some((c) => c.dropId === d)).toBe(false);
    expect(await r.release(d, 'run-a', at[0])).toBe(false);
    expect(await r.reading([d], at[1] as string)).toEqual(new Set());
    expect((await r.expired(at[1] as string)).some((c) => c.dropId === d)).toBe(true);
    expect(await r.release(d, 'run-a', at[1])).toBe(true);
  });

  it('the sweep takes over only a claim expired and still held by the run it listed; the claim stays expired (not read) until the sweep releases it', async () => {
    const d = dropId();
    const r = drops();
    await r.claim(d, 'run-a', T('01:00:00'));
    expect(await r.takeOverExpired(d, 'run-a', 'sweep-1', T('00:59:59'))).toBe(false);
    expect(await r.takeOverExpired(d, 'run-x', 'sweep-1', T('02:00:00'))).toBe(false);
    expect(await r.takeOverExpired(d, 'run-a', 'sweep-1', T('02:00:00'))).toBe(true);
    // A second sweep that listed the dead run's claim finds it taken.
    expect(await r.takeOverExpired(d, 'run-a', 'sweep-2', T('02:00:00'))).toBe(false);
    expect(await r.reading([d], T('02:00:00'))).toEqual(new Set());
    // Left by a sweep that failed: the next sweep lists it.
    expect((await r.expired(T('02:05:00'))).filter((c) => c.dropId === d)).toEqual([{ dropId: d, runId: 'sweep-1' }]);
    expect(await r.release(d, 'run-a', T('02:05:00'))).toBe(false);
    expect(await r.release(d, 'sweep-1', T('02:05:00'))).toBe(true);
    // A run claiming the drop meanwhile keeps its claim.
    await r.claim(d, 'run-b', T('03:00:00'));
    expect(await r.takeOverExpired(d, 'run-b', 'sweep-3', T('02:05:00'))).toBe(false);
  });

  it('keeps each drop\'s hand-offs apart, once per case however often handed off, and clears only those named', async () => {
    const [d1, d2] = [dropId(), dropId()];
    const r = drops();
    await r.handOff(d1, ['7000001', '7000002', '7000001']);
    await r.handOff(d1, ['7000002']);
    await r.handOff(d2, ['7000001']);
    expect([...(await r.handedOff(d1))].sort()).toEqual(['7000001', '7000002']);
    await r.clearHandOffs(d1, ['7000001']);
    expect(await r.handedOff(d1)).toEqual(['7000002']);
    expect(await r.handedOff(d2)).toEqual(['7000001']);
  });
});
