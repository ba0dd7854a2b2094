import type { FtaOutbox } from '../ports/case-store';
import type { FtaPublisher } from '../ports/fta-publisher';
import { sweepFtaOutbox, sweepRescissionOutbox } from './steps/publish-ftas';

/**
 * Sends what both outboxes hold: FTAs stored but never confirmed queued, then rescissions.
 * Run at the start of every ingest and on a schedule (sweep-outbox), so a stored FTA goes
 * out even when no drop ever comes again. Throws (entries stay) when a queue refuses one.
 */
export async function sweepOutboxes(deps: { store: FtaOutbox; publisher: FtaPublisher }): Promise<{ ftas: number; rescissions: number }> {
  const ftas = await sweepFtaOutbox(deps);
  const rescissions = await sweepRescissionOutbox(deps);
  return { ftas, rescissions };
}
