import type { FtaEventMessage } from '../messages/fta-event';

/**
 * Hands FTA messages to every fan-out queue (ORR notifier, NTA scheduler). At least once:
 * a message may be sent again after a crash; consumers are idempotent by `ftaId`.
 * Returns the ftaIds that every queue accepted.
 */
export interface FtaPublisher {
  publish(messages: readonly FtaEventMessage[]): Promise<ReadonlySet<string>>;
}
