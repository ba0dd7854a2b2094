/**
 * Drops being read now, and the cases left to their finish step.
 *
 * A drop's evidence lands line by line; its finish step settles the cases it noted once the
 * whole drop is in (a drop never rescinds what it records itself; a case it makes a UC case
 * gets the status the whole drop gives). A settle run by anyone else while the drop is read
 * (a roster) would see part of that evidence, so it leaves such a case to the drop's finish
 * (`handOff`), and the finish settles it. A run that dies never finishes: its claim on the
 * drop expires (`until`), and the cases handed to it are settled by the drop's next run or
 * by the scheduled sweep (`expired`).
 *
 * Ordering that makes the hand-off safe: the settler writes the hand-off, then reads the
 * drop's claim again (strongly consistent); the finish ends the claim, then reads the
 * hand-offs (strongly consistent). One of the two sees the other's write.
 */
export interface ReadingDrops {
  /**
   * A run of the drop starts reading it, or reaches its next stage: the drop is being read
   * until `until` (ISO time). Written before any evidence of the run. A later run of the
   * same drop id takes the claim over.
   */
  claim(dropId: string, runId: string, until: string): Promise<void>;
  /**
   * The run's finish begins: its claim ends (one another run took over is kept). With
   * `expiredAt`, only a claim expired at that time ends (the sweep: a run that renewed it
   * is alive). True when this call ended it.
   */
  release(dropId: string, runId: string, expiredAt?: string): Promise<boolean>;
  /**
   * The sweep takes a claim expired at `expiredAt` over from the run that held it (`byRunId`
   * holds it then, still expired: nobody hands a case off to it), so it can settle the
   * hand-offs before it releases the claim: a sweep that fails part way leaves the claim for
   * the next sweep to list. False when the run renewed it or another run took it over.
   */
  takeOverExpired(dropId: string, runId: string, byRunId: string, expiredAt: string): Promise<boolean>;
  /** Of these drops, those claimed at `now` (claim not released, not expired; strongly consistent). */
  reading(dropIds: readonly string[], now: string): Promise<ReadonlySet<string>>;
  /** Leaves these cases to the finish of the drop being read. */
  handOff(dropId: string, caseIds: readonly string[]): Promise<void>;
  /** The cases handed to the drop's finish, not yet cleared (strongly consistent). */
  handedOff(dropId: string): Promise<readonly string[]>;
  /** These hand-offs are settled. */
  clearHandOffs(dropId: string, caseIds: readonly string[]): Promise<void>;
  /** Claims expired at `now` without being released: runs that died. */
  expired(now: string): Promise<readonly { readonly dropId: string; readonly runId: string }[]>;
}
