/**
 * Send slots shared by every sender of the account and every instance of one (the ORR
 * notifiers, up to ORR_SENDING.maxConcurrency Lambda instances at a time, the digest, the
 * reminders, the OPLA reconciliation): together they send at most one message per
 * `intervalMs`, whichever has mail waiting. A share fixed per sender would leave its share
 * unused while it has nothing to send and another has a burst. A slot is an epoch-ms time at which its taker may start one send;
 * slots are `intervalMs` apart, never before the time they were taken (no burst from
 * credit saved while idle).
 */
export interface SendSlots {
  /**
   * Takes the next free slot, `intervalMs` long (the pool's interval per recipient of the
   * message: SES counts recipients): `nowMs` when the senders have been idle, else at the
   * end of the last slot taken. A slot later than `notAfterMs` is not
   * taken: null, and the slot stays free for the next taker. Throws when the slots cannot
   * be reached (nothing taken then).
   */
  take(intervalMs: number, nowMs: number, notAfterMs?: number): Promise<number | null>;
}
