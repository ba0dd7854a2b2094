import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tableForFileName, type EoirTableName } from '../../shared/domain/eoir-table';
import { ledgerHarness } from '../helpers/ledger-run';

const CASES = join(import.meta.dirname, '../fixtures/cases');

/** A drop folder's tables as the in-memory source serves them. */
function folder(path: string): Partial<Record<EoirTableName, Buffer>> {
  const files: Partial<Record<EoirTableName, Buffer>> = {};
  for (const f of readdirSync(join(CASES, path))) {
    const t = tableForFileName(f);
    if (t) files[t] = readFileSync(join(CASES, path, f));
  }
  return files;
}
const statuses = (ftas: { ftaId: string; status: string }[]) => Object.fromEntries(ftas.map((f) => [f.ftaId, f.status]));

describe('the handed cases, on the in-memory ports', () => {
  it('c07: re-running an older drop after a newer one changes no status and sends nothing', async () => {
    const h = ledgerHarness();
    await h.drop('drop-jan', folder('c07-replay-older-drop/drop-jan'));
    await h.drop('drop-feb', folder('c07-replay-older-drop/drop-feb'));
    const sentBefore = h.publisher.sent.length;
    const rerun = await h.drop('drop-jan', folder('c07-replay-older-drop/drop-jan'));
    const r = h.result();
    expect(statuses(r.ftas)).toEqual({ 'IA-8100001': 'OPEN', 'IA-8100002': 'OPEN', 'NS-9100002': 'OPEN' });
    expect(r.notices).toEqual(['IA-8100001', 'IA-8100002', 'NS-9100002']);
    expect(r.corrections).toEqual([]);
    expect(h.publisher.sent).toHaveLength(sentBefore);
    expect(rerun.ftas).toMatchObject({ new: 0, rescinded: 0 });
    // The re-run kept the as-of of its first run (both from first arrival here).
    expect(h.store.dropAsOf.items.get('drop-jan')?.source).toBe('FIRST_ARRIVAL');
    expect(rerun.asOf).toEqual(h.store.dropAsOf.items.get('drop-jan'));
  });

  it('c07 with dates in the drops\' names: the same, whatever the order they are read in', async () => {
    const h = ledgerHarness();
    await h.drop('eoir-2026-02-01', folder('c07-replay-older-drop/drop-feb'));
    await h.drop('eoir-2026-01-01', folder('c07-replay-older-drop/drop-jan'));
    const r = h.result();
    expect(statuses(r.ftas)).toEqual({ 'IA-8100001': 'OPEN', 'IA-8100002': 'OPEN', 'NS-9100002': 'OPEN' });
    expect(r.corrections).toEqual([]);
    expect(h.store.dropAsOf.items.get('eoir-2026-01-01')).toEqual({ asOf: '2026-01-01T00:00:00.000Z', source: 'DROP_NAME' });
  });

  it('c07 read the other way (feb then jan, by arrival): jan is the later drop, and its ABSENTIA N rescinds', async () => {
    const h = ledgerHarness();
    await h.drop('drop-feb', folder('c07-replay-older-drop/drop-feb'));
    const jan = await h.drop('drop-jan', folder('c07-replay-older-drop/drop-jan'));
    const r = h.result();
    expect(statuses(r.ftas)).toMatchObject({ 'IA-8100002': 'RESCINDED' });
    expect(r.corrections).toEqual(['IA-8100002']);
    expect(jan.ftas.rescinded).toBe(1);
  });

  it('c08: a UJ mark in a later partial drop records the order the first drop showed, in that run', async () => {
    const h = ledgerHarness();
    await h.drop('drop-1', folder('c08-late-juvenile-mark/drop-1'));
    expect(h.result().ftas.map((f) => f.ftaId)).toEqual(['IA-8100001', 'NS-9100002']);
    const second = await h.drop('drop-2', folder('c08-late-juvenile-mark/drop-2'));
    const r = h.result();
    expect(statuses(r.ftas)).toEqual({ 'IA-8100001': 'OPEN', 'IA-8100003': 'OPEN', 'NS-9100002': 'OPEN' });
    expect(r.notices).toEqual(['IA-8100001', 'IA-8100003', 'NS-9100002']);
    expect(second.ftas.new).toBe(1);
    expect(h.store.ftas.get('IA-8100003')?.fta).toMatchObject({ aor: 'DAL', date: '2025-02-04', provenance: { dropId: 'drop-1', table: 'B_TblProceeding' } });
  });

  it('c09: a roster child known by A-number only makes its case a UC case, the roster first', async () => {
    const h = ledgerHarness();
    await h.roster('roster', readFileSync(join(CASES, 'c09-roster-by-a-number/roster.csv')));
    await h.drop('drop', folder('c09-roster-by-a-number/drop'));
    const r = h.result();
    expect(statuses(r.ftas)).toEqual({ 'IA-8100001': 'OPEN', 'IA-8100003': 'OPEN', 'NS-9100002': 'OPEN' });
    expect(r.notices).toEqual(['IA-8100001', 'IA-8100003', 'NS-9100002']);
    expect(h.store.sightings.has('7100003')).toBe(true);
  });

  it('c09: the same when the roster lands after the drop (the roster run records and sends the FTA)', async () => {
    const h = ledgerHarness();
    await h.drop('drop', folder('c09-roster-by-a-number/drop'));
    expect(h.result().ftas.map((f) => f.ftaId)).toEqual(['IA-8100001', 'NS-9100002']);
    const report = await h.roster('roster', readFileSync(join(CASES, 'c09-roster-by-a-number/roster.csv')));
    const r = h.result();
    expect(statuses(r.ftas)).toEqual({ 'IA-8100001': 'OPEN', 'IA-8100003': 'OPEN', 'NS-9100002': 'OPEN' });
    expect(r.notices).toEqual(['IA-8100001', 'IA-8100003', 'NS-9100002']);
    expect(report).toMatchObject({ casesMarked: 1, ftas: { new: 1, rescinded: 0 } });
    // The 8-digit ALIEN_NBR of the drop and the roster's 9 digits are one A-number.
    expect([...(h.store.aNumbers.cases.get('021234567') ?? [])]).toEqual(['7100003']);
  });

  it('an FTA already rescinded when its case becomes a UC case is recorded RESCINDED, with no notice and no correction', async () => {
    const h = ledgerHarness();
    // drop-1 shows 7100003's order (not a UC case yet); a later drop withdraws it; then the UJ mark.
    await h.drop('eoir-2026-01-01', folder('c08-late-juvenile-mark/drop-1'));
    const withdrawn = folder('c08-late-juvenile-mark/drop-1');
    withdrawn.B_TblProceeding = Buffer.from(withdrawn.B_TblProceeding?.toString('latin1').replace(/(\t2025-02-04 00:00:00\.000\t)Y\t/, '$1N\t') ?? '', 'latin1');
    await h.drop('eoir-2026-02-01', withdrawn);
    await h.drop('eoir-2026-03-01', folder('c08-late-juvenile-mark/drop-2'));
    const r = h.result();
    expect(statuses(r.ftas)).toEqual({ 'IA-8100001': 'OPEN', 'IA-8100003': 'RESCINDED', 'NS-9100002': 'OPEN' });
    expect(r.notices).toEqual(['IA-8100001', 'NS-9100002']);
    expect(r.corrections).toEqual([]);
    expect(h.store.ftas.get('IA-8100003')?.rescindReason).toBe('ABSENTIA_WITHDRAWN');
  });
});
