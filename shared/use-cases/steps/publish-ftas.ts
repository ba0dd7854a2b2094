import { toFtaRecordedMessage } from '../../messages/fta-recorded';
import type { FtaOutbox, StoredFta } from '../../ports/case-store';
import type { FtaPublisher } from '../../ports/fta-publisher';
import type { Log } from '../../ports/log';
import { DocketWatchError } from '../../domain/errors';

export class PublishError extends DocketWatchError<'FTA_PUBLISH_FAILED'> {
  constructor(message: string, options?: ErrorOptions) {
    super('FTA_PUBLISH_FAILED', message, options);
  }
}

/**
 * Hands stored FTAs to the fan-out queues and clears their outbox entries.
 *
 * 1. Send one message per FTA to every fan-out queue.
 * 2. Clear the outbox entry of each FTA that every queue accepted.
 * 3. If any FTA was not accepted, throw: its outbox entry stays, and the next ingest or
 *    outbox sweep sends it again (consumers are idempotent by ftaId, so a resend after a
 *    partial failure is harmless).
 */
export async function publishFtas(
  items: readonly StoredFta[],
  deps: { store: FtaOutbox; publisher: FtaPublisher },
): Promise<number> {
  if (items.length === 0) return 0;
  const accepted = await deps.publisher.publish(items.map((i) => toFtaRecordedMessage(i.fta, i.recordedAt)));
  const done = items.filter((i) => accepted.has(i.fta.ftaId)).map((i) => i.fta);
  await deps.store.markFtasPublished(done);
  if (done.length < items.length) {
    throw new PublishError(`${items.length - done.length} of ${items.length} FTAs were not accepted by every queue`);
  }
  return done.length;
}

/**
 * Sends every FTA still in the outbox (stored, never confirmed queued: a crash or a queue
 * outage between the two). Returns how many were published.
 */
export async function sweepFtaOutbox(deps: { store: FtaOutbox; publisher: FtaPublisher }): Promise<number> {
  let published = 0;
  for await (const page of deps.store.unpublishedFtas(100)) {
    published += await publishFtas(page, deps);
  }
  return published;
}

/**
 * Hands FTA_RESCINDED messages still in the outbox to every fan-out queue, then clears
 * their outbox entries; throws (entries stay) when a queue did not accept one.
 */
export async function sweepRescissionOutbox(deps: { store: FtaOutbox; publisher: FtaPublisher }): Promise<number> {
  let published = 0;
  for await (const page of deps.store.unpublishedRescissions(100)) {
    const accepted = await deps.publisher.publish(page);
    const done = page.filter((m) => accepted.has(m.ftaId));
    await deps.store.markRescissionsPublished(done);
    if (done.length < page.length) {
      throw new PublishError(`${page.length - done.length} of ${page.length} FTA rescissions were not accepted by every queue`);
    }
    published += done.length;
  }
  return published;
}

/**
 * The sweep at the start of an ingest: what an earlier run stored but could not queue goes
 * out before the new drop is read. A queue still refusing is logged, not thrown: the drop
 * is read all the same, and its finish step sweeps again (and fails the run if it must).
 */
export async function sweepOutboxesBeforeIngest(
  dropId: string,
  deps: { store: FtaOutbox; publisher: FtaPublisher; log: Log },
): Promise<number> {
  try {
    const sent = { ftas: await sweepFtaOutbox(deps), rescissions: await sweepRescissionOutbox(deps) };
    if (sent.ftas + sent.rescissions > 0) deps.log.info('outbox swept before the ingest', { dropId, ...sent });
    return sent.ftas + sent.rescissions;
  } catch (err) {
    deps.log.warn('outbox sweep before the ingest failed; the drop is read all the same', { dropId, error: err instanceof Error ? err.message : String(err) });
    return 0;
  }
}
