import type { CaseStore, WriteStep } from '../../ports/case-store';
import type { Clock } from '../../ports/clock';
import type { FtaPublisher } from '../../ports/fta-publisher';
import type { Log } from '../../ports/log';
import { settleCases, type SettleOutcome } from './settle-cases';

/** How long a run's claim on the drop it reads lasts past each stage it starts (ms). */
export const READING_CLAIM_MS = {
  /** A drop read inside one invocation: one Lambda invocation lasts 15 minutes at most. */
  inline: 30 * 60_000,
  /** A fanned-out drop: one stage of chunk workers over a full release. */
  fannedOut: 6 * 60 * 60_000,
} as const;

/**
 * Settles the cases a settle outside the drop's run (a roster) left to the drop's finish
 * while it was read (ReadingDrops), then clears them. Run by the drop's finish after its
 * claim is released (a hand-off written after this read finds the claim released and is
 * settled by its writer), and by the sweep for a run that died. A case that also carries
 * the evidence of another drop still being read is handed on to that drop's finish (its
 * hand-off here cleared): settled now, it would get part of that drop's status. Idempotent.
 */
export async function settleHandOffs(
  dropId: string,
  deps: { store: CaseStore; publisher: FtaPublisher },
  at: { recordedAt: string; by?: WriteStep },
): Promise<SettleOutcome> {
  const out: SettleOutcome = { new: 0, repeated: 0, rescinded: 0, published: 0, handedOff: 0 };
  const ids = await deps.store.readingDrops.handedOff(dropId);
  for (let i = 0; i < ids.length; i += 500) {
    const page = ids.slice(i, i + 500);
    // A case also written by another drop still being read is left to that drop's finish
    // (settled now, it would get the status of part of that drop; a rescinded FTA stays so).
    // Not to this drop itself: its evidence is whole (another run of it writes the same).
    const one = await settleCases(page, deps, { ...at, deferToReading: { notTo: dropId } });
    out.handedOff += one.handedOff;
    out.new += one.new;
    out.repeated += one.repeated;
    out.rescinded += one.rescinded;
    out.published += one.published;
    await deps.store.readingDrops.clearHandOffs(dropId, page);
  }
  return out;
}

/**
 * The runs that claimed a drop and died (their claim expired unreleased; the drop never
 * read again since): their claims are taken over, the cases left to them settled now, then
 * the claims released (a sweep failing part way leaves them to the next one), so a
 * dead run delays an FTA by its claim's length at most, never loses it. Run by the
 * scheduled outbox sweep; rescissions it makes are sent by that sweep's rescission pass.
 */
export async function settleAbandonedReads(deps: { store: CaseStore; publisher: FtaPublisher; clock: Clock; log?: Log }): Promise<SettleOutcome> {
  const out: SettleOutcome = { new: 0, repeated: 0, rescinded: 0, published: 0, handedOff: 0 };
  const now = deps.clock.now().toISOString();
  const sweeper = `sweep@${now}`;
  for (const { dropId, runId } of await deps.store.readingDrops.expired(now)) {
    // A run that claimed the drop since (another, or the same renewing it) is reading it:
    // its finish settles them. Taken over, the claim stays (expired) until the hand-offs are
    // settled: a sweep failing in between leaves it for the next sweep to list.
    if (!(await deps.store.readingDrops.takeOverExpired(dropId, runId, sweeper, now))) continue;
    const one = await settleHandOffs(dropId, deps, { recordedAt: now });
    await deps.store.readingDrops.release(dropId, sweeper, now);
    out.new += one.new;
    out.rescinded += one.rescinded;
    out.published += one.published;
    deps.log?.warn('drop run claim expired; the cases left to it settled by the sweep', { dropId, runId, new: one.new, rescinded: one.rescinded });
  }
  return out;
}

/**
 * Claims the drop for this run until its next stage could start (READING_CLAIM_MS): at the
 * run's start, before any of its evidence or UC marks is written, and at each stage.
 */
export async function claimReading(run: { drop: { dropId: string }; runId: string; fannedOut?: boolean }, deps: { store: CaseStore; clock: Clock }): Promise<void> {
  const until = new Date(deps.clock.now().getTime() + (run.fannedOut === true ? READING_CLAIM_MS.fannedOut : READING_CLAIM_MS.inline)).toISOString();
  await deps.store.readingDrops.claim(run.drop.dropId, run.runId, until);
}
