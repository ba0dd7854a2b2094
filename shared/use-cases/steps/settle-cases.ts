import type { Fta } from '../../domain/fta';
import { ftaOfSignal, signalStatus, type Withdrawal } from '../../domain/fta-signal';
import type { CaseStore, WriteStep } from '../../ports/case-store';
import type { FtaPublisher } from '../../ports/fta-publisher';
import { publishFtas } from './publish-ftas';

export interface SettleOutcome {
  /** FTAs stored by this call (OPEN ones, and RESCINDED ones recorded so). */
  new: number;
  repeated: number;
  /** OPEN FTAs rescinded (each with its correction in the outbox), and FTAs recorded RESCINDED. */
  rescinded: number;
  published: number;
}

/**
 * Makes the FTAs of these cases what their signals say, for those that are UC cases:
 * 1. read the cases' signals and apply the status rule (signalStatus) to each;
 * 2. an OPEN one is recorded (with its outbox entry) and published if new;
 * 3. a RESCINDED one stored OPEN is rescinded (a correction follows its notice); one not
 *    stored yet is recorded RESCINDED, with no outbox entry: no notice, no correction;
 * 4. the cases are marked settled, so later drops only look at them on new evidence.
 * Idempotent: run again, it records and rescinds nothing more.
 */
export async function settleCases(
  caseIds: readonly string[],
  deps: { store: CaseStore; publisher: FtaPublisher },
  at: { recordedAt: string; by?: WriteStep },
): Promise<SettleOutcome> {
  const out: SettleOutcome = { new: 0, repeated: 0, rescinded: 0, published: 0 };
  if (caseIds.length === 0) return out;
  const evidence = await deps.store.signals.lookupCases(caseIds);
  const uc = [...evidence].filter(([, e]) => e.uc && e.signals !== null).map(([id]) => id);
  if (uc.length === 0) return out;
  const open: Fta[] = [];
  const withdrawn = new Map<string, { fta: Fta; by: Withdrawal }>();
  for (const s of await deps.store.signals.signalsOfCases(uc)) {
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
  return out;
}
