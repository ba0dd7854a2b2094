import type { Fta } from '../../domain/fta';
import { ftaOfSignal, signalStatus, type StoredSignal, type Withdrawal } from '../../domain/fta-signal';
import type { CaseStore, WriteStep } from '../../ports/case-store';
import type { FtaPublisher } from '../../ports/fta-publisher';
import type { CaseEvidence } from '../../ports/fta-signals';
import type { ReadingDrops } from '../../ports/reading-drops';
import { publishFtas } from './publish-ftas';

export interface SettleOutcome {
  /** FTAs stored by this call (OPEN ones, and RESCINDED ones recorded so). */
  new: number;
  repeated: number;
  /** OPEN FTAs rescinded (each with its correction in the outbox), and FTAs recorded RESCINDED. */
  rescinded: number;
  published: number;
  /** Cases left to the finish of a drop being read (`deferToReading`): not settled here. */
  handedOff: number;
}

/**
 * Makes the FTAs of these cases what their signals say, for those that are UC cases:
 * 1. read the cases' signals; with `deferToReading` (a settle outside any drop's run: a
 *    roster), a case whose UC mark, A-number link or any of whose signals' evidence comes
 *    from a drop being read now is left to that drop's finish (handOffToReading): settled
 *    now, it would get the status of part of that drop (an `N` without the same drop's
 *    `Y`: rescinded where the drop records it; an old no-show sent, then withdrawn by a line
 *    not read yet); apply the status rule (signalStatus) to each of the others;
 * 2. an OPEN one is recorded (with its outbox entry) and published if new;
 * 3. a RESCINDED one stored OPEN is rescinded (a correction follows its notice); one not
 *    stored yet is recorded RESCINDED, with no outbox entry: no notice, no correction;
 * 4. the cases are marked settled, so later drops only look at them on new evidence.
 * Idempotent: run again, it records and rescinds nothing more.
 */
export async function settleCases(
  caseIds: readonly string[],
  deps: { store: CaseStore; publisher: FtaPublisher },
  at: {
    recordedAt: string;
    by?: WriteStep;
    /**
     * A settle outside any drop's run (a roster): leave to a drop being read the cases it
     * writes to. `linkedBy`: per case, the drop whose A-number index entry tied it to the
     * roster (that drop's finish settles it too while the drop is read). `notTo`: a drop
     * whose evidence is whole (the finish settling that drop's hand-offs): never waited on.
     */
    deferToReading?: { readonly linkedBy?: ReadonlyMap<string, string>; readonly notTo?: string };
  },
): Promise<SettleOutcome> {
  const out: SettleOutcome = { new: 0, repeated: 0, rescinded: 0, published: 0, handedOff: 0 };
  if (caseIds.length === 0) return out;
  const evidence = await deps.store.signals.lookupCases(caseIds);
  let uc = [...evidence].filter(([, e]) => e.uc && e.signals !== null).map(([id]) => id);
  if (uc.length === 0) return out;
  let signals = await deps.store.signals.signalsOfCases(uc);
  /** Hand-offs to drops no longer read by the second claim read: their finish may have read its hand-offs before these landed. */
  let notRead: ReadonlyMap<string, readonly string[]> = new Map();
  const clearNotRead = async (): Promise<void> => {
    for (const [dropId, ids] of notRead) await deps.store.readingDrops.clearHandOffs(dropId, ids);
  };
  if (at.deferToReading !== undefined) {
    const handed = await handOffToReading(uc, evidence, signals, at.deferToReading, deps.store.readingDrops, at.recordedAt);
    const { left, handedOff } = handed;
    notRead = handed.notRead;
    if (left.size > 0) {
      out.handedOff = left.size;
      uc = uc.filter((id) => !left.has(id));
      signals = signals.filter((s) => !left.has(s.caseId));
      if (uc.length === 0) {
        await clearNotRead();
        return out;
      }
    }
    // A case handed off to a drop whose claim was gone by the second read: its signals read
    // above may hold part of that drop only (the rest read since). The claim is released
    // once the whole drop is in, so the signals read now are the whole drop's.
    if (handedOff.size > left.size) signals = await deps.store.signals.signalsOfCases(uc);
  }
  const open: Fta[] = [];
  const withdrawn = new Map<string, { fta: Fta; by: Withdrawal }>();
  for (const s of signals) {
    const status = signalStatus(s);
    if (status.by === null) open.push(ftaOfSignal(s));
    else withdrawn.set(s.ftaId, { fta: ftaOfSignal(s), by: status.by });
  }
  const outcomes = await deps.store.recordFtas(open, at.recordedAt, at.by);
  const fresh = open.filter((_, i) => outcomes[i] === 'new');
  out.new += fresh.length;
  out.repeated += open.length - fresh.length;
  if (withdrawn.size > 0) {
    const stillOpen = await deps.store.findOpenFtas([...withdrawn.values()].map((w) => ({ caseId: w.fta.caseId, ftaId: w.fta.ftaId })), at.by);
    out.rescinded += await deps.store.rescindFtas(
      stillOpen.flatMap((fta) => {
        const w = withdrawn.get(fta.ftaId);
        return w === undefined ? [] : [{ fta, reason: w.by.reason, dropId: w.by.dropId }];
      }),
      at.recordedAt,
      at.by,
    );
    const openIds = new Set(stillOpen.map((f) => f.ftaId));
    const recorded = await deps.store.recordRescindedFtas(
      [...withdrawn.values()].filter((w) => !openIds.has(w.fta.ftaId)).map((w) => ({ fta: w.fta, reason: w.by.reason, dropId: w.by.dropId })),
      at.recordedAt,
    );
    out.new += recorded;
    out.rescinded += recorded;
  }
  out.published += await publishFtas(fresh.map((fta) => ({ fta, recordedAt: at.recordedAt })), deps);
  await deps.store.signals.markSettled(uc);
  // Settled here (or, for a case also left to a drop still read, by that drop's finish, read
  // after this one's release): nothing would ever read these hand-offs again.
  await clearNotRead();
  return out;
}

/**
 * The cases to leave to the finish of a drop being read: those whose UC mark that drop's
 * run wrote, whose A-number that drop tied to the roster (`linkedBy`), or whose signals
 * carry its evidence. Each is handed off to every such drop, then the drops' claims are
 * read again: a drop whose finish began since (it may have read its hand-offs before ours
 * landed) or whose claim expired is settled here after all, from signals read again (the
 * caller's) and those hand-offs cleared once settled (`notRead`). Returns the cases left
 * (`left`) and all those handed off (`handedOff`). Costs
 * one strongly consistent read of the claims of the drops named (100 to a BatchGetItem;
 * drops not being read have no claim item), and only when one is being read, the hand-offs
 * (25 to a BatchWriteItem) and a second read of those drops' claims.
 */
async function handOffToReading(
  caseIds: readonly string[],
  evidence: ReadonlyMap<string, CaseEvidence>,
  signals: readonly StoredSignal[],
  defer: { readonly linkedBy?: ReadonlyMap<string, string>; readonly notTo?: string },
  readingDrops: ReadingDrops,
  now: string,
): Promise<{ left: ReadonlySet<string>; handedOff: ReadonlySet<string>; notRead: ReadonlyMap<string, readonly string[]> }> {
  const dropsOf = new Map<string, Set<string>>();
  const note = (caseId: string, dropId: string): void => {
    let set = dropsOf.get(caseId);
    if (set === undefined) dropsOf.set(caseId, (set = new Set()));
    set.add(dropId);
  };
  for (const id of caseIds) {
    const by = evidence.get(id)?.markedByDrop;
    if (by !== undefined) note(id, by);
    const linked = defer.linkedBy?.get(id);
    if (linked !== undefined) note(id, linked);
  }
  for (const s of signals) {
    for (const x of s.seen) note(s.caseId, x.dropId);
    for (const w of s.withdrawals) note(s.caseId, w.dropId);
  }
  if (defer.notTo !== undefined) for (const set of dropsOf.values()) set.delete(defer.notTo);
  const named = new Set([...dropsOf.values()].flatMap((set) => [...set]));
  if (named.size === 0) return { left: new Set(), handedOff: new Set(), notRead: new Map() };
  const reading = await readingDrops.reading([...named], now);
  if (reading.size === 0) return { left: new Set(), handedOff: new Set(), notRead: new Map() };
  const byDrop = new Map<string, string[]>();
  for (const [caseId, drops] of dropsOf) {
    for (const d of drops) if (reading.has(d)) byDrop.set(d, [...(byDrop.get(d) ?? []), caseId]);
  }
  for (const [dropId, ids] of byDrop) await readingDrops.handOff(dropId, ids);
  const still = await readingDrops.reading([...reading], now);
  const left = new Set<string>();
  for (const [dropId, ids] of byDrop) if (still.has(dropId)) for (const id of ids) left.add(id);
  return { left, handedOff: new Set([...byDrop.values()].flat()), notRead: new Map([...byDrop].filter(([dropId]) => !still.has(dropId))) };
}
