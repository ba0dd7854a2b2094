import type { CaseStore } from '../ports/case-store';
import type { Clock } from '../ports/clock';
import type { FtaPublisher } from '../ports/fta-publisher';
import type { Log } from '../ports/log';
import { sweepFtaOutbox, sweepRescissionOutbox } from './steps/publish-ftas';
import { settleAbandonedReads } from './steps/settle-hand-offs';

/**
 * Sends what both outboxes hold: FTAs stored but never confirmed queued, then rescissions.
 * Run at the start of every ingest and on a schedule (sweep-outbox), so a stored FTA goes
 * out even when no drop ever comes again. First, the cases a roster left to a drop run
 * that died (its claim on the drop expired, the drop never read again) are settled
 * (settleAbandonedReads), so no FTA waits on a run that will never finish.
 * Throws (entries stay) when a queue refuses one.
 */
export async function sweepOutboxes(deps: { store: CaseStore; publisher: FtaPublisher; clock: Clock; log?: Log }): Promise<{ ftas: number; rescissions: number }> {
  const abandoned = await settleAbandonedReads(deps);
  const ftas = abandoned.published + (await sweepFtaOutbox(deps));
  const rescissions = await sweepRescissionOutbox(deps);
  return { ftas, rescissions };
}
