/**
 * A reference model of the FTA ledger, written from the pipeline spec (sections 2 and 3)
 * alone: it imports nothing of the code under test. It recomputes everything from the
 * whole input history at each step, as slowly and plainly as possible.
 *
 * Inputs, in processing order: drops (id, as-of, rows of any of the four tables) and UC
 * rosters. A re-run of a drop id keeps the as-of of its first run.
 * Rules:
 * - UC case: a juvenile row with idnJuvenile 4 or 3, CASEPRIORITY_CODE `UC`, or a roster row
 *   naming the case (EOIR_CASE_ID) or its A-number (ALIEN_NBR; `A`, dashes, 8 digits
 *   normalized). Once a UC case, always.
 * - Signals: a proceeding with ABSENTIA (trimmed, upper-cased) exactly `Y` and a date
 *   (COMP_DATE, else HEARING_DATE); a schedule with ADJ_RSN (trimmed) `11` and an ADJ_DATE.
 * - Withdrawals: the same proceeding with ABSENTIA `N` or empty (any other value is junk:
 *   neither); the same schedule with another ADJ_RSN; for an order, another proceeding of
 *   the case with OSC_DATE after the order's date.
 * - Status: RESCINDED iff a withdrawal comes from a drop whose as-of is strictly later than
 *   the earliest as-of of a drop showing the signal, except that a same-key withdrawal from
 *   a drop (id) that also shows the signal does not count (conflicting copies keep the FTA).
 * - An FTA exists for each signal of a UC case. Its notice is sent iff it is OPEN at the
 *   end of the step (drop or roster) in which it first exists; a correction iff it had a
 *   notice and is RESCINDED at the end.
 */
export interface ModelProceeding {
  readonly proceedingId: string;
  readonly caseId: string;
  /** OSC_DATE, YYYY-MM-DD or null. */
  readonly osc: string | null;
  /** ABSENTIA as written in the file. */
  readonly absentia: string;
  /** COMP_DATE (the order's date), YYYY-MM-DD or null. */
  readonly compDate: string | null;
  readonly hearingDate: string | null;
}

export interface ModelSchedule {
  readonly scheduleId: string;
  readonly proceedingId: string;
  readonly caseId: string;
  readonly adjDate: string | null;
  /** ADJ_RSN as written. */
  readonly adjRsn: string;
}

export interface ModelDrop {
  readonly kind: 'drop';
  readonly dropId: string;
  /** YYYY-MM-DD. */
  readonly asOf: string;
  readonly juvenile?: readonly { readonly caseId: string; readonly idnJuvenile: number }[];
  readonly cases?: readonly { readonly caseId: string; readonly priority: string; readonly alienNbr: string | null }[];
  readonly proceedings?: readonly ModelProceeding[];
  readonly schedules?: readonly ModelSchedule[];
}

export interface ModelRoster {
  readonly kind: 'roster';
  readonly rosterId: string;
  readonly rows: readonly { readonly aNumber: string; readonly eoirCaseId: string | null }[];
}

export type ModelInput = ModelDrop | ModelRoster;

export interface ModelFta {
  readonly ftaId: string;
  readonly caseId: string;
  readonly status: 'OPEN' | 'RESCINDED';
  readonly notice: boolean;
  readonly correction: boolean;
}

const digitsOnly = (raw: string | null): string | null => {
  if (raw === null) return null;
  let s = raw.trim().toUpperCase().split('-').join('').split(' ').join('');
  if (s.startsWith('A')) s = s.slice(1);
  if (s.length === 8) s = `0${s}`;
  return /^[0-9]{9}$/.test(s) ? s : null;
};

interface Seen {
  readonly asOf: string;
  readonly drop: ModelDrop;
}

/** The FTAs after all the inputs, with their status and the emails they got. */
export function ledgerModel(inputs: readonly ModelInput[]): ModelFta[] {
  const firstAsOf = new Map<string, string>();
  const drops: Seen[] = [];
  const rosters: ModelRoster[] = [];
  const firstStatus = new Map<string, 'OPEN' | 'RESCINDED'>();
  let current = new Map<string, { caseId: string; status: 'OPEN' | 'RESCINDED' }>();
  for (const input of inputs) {
    if (input.kind === 'drop') {
      if (!firstAsOf.has(input.dropId)) firstAsOf.set(input.dropId, input.asOf);
      drops.push({ asOf: firstAsOf.get(input.dropId) as string, drop: input });
    } else {
      rosters.push(input);
    }
    current = ftasNow(drops, rosters);
    for (const [ftaId, f] of current) if (!firstStatus.has(ftaId)) firstStatus.set(ftaId, f.status);
  }
  return [...current].map(([ftaId, f]) => {
    const notice = firstStatus.get(ftaId) === 'OPEN';
    return { ftaId, caseId: f.caseId, status: f.status, notice, correction: notice && f.status === 'RESCINDED' };
  }).sort((a, b) => a.ftaId.localeCompare(b.ftaId));
}

function ftasNow(drops: readonly Seen[], rosters: readonly ModelRoster[]): Map<string, { caseId: string; status: 'OPEN' | 'RESCINDED' }> {
  const uc = new Set<string>();
  const rosterNumbers = new Set<string>();
  for (const r of rosters) {
    for (const row of r.rows) {
      if (row.eoirCaseId !== null) uc.add(row.eoirCaseId);
      const a = digitsOnly(row.aNumber);
      if (a !== null) rosterNumbers.add(a);
    }
  }
  for (const { drop } of drops) {
    for (const j of drop.juvenile ?? []) if (j.idnJuvenile === 4 || j.idnJuvenile === 3) uc.add(j.caseId);
    for (const c of drop.cases ?? []) {
      if (c.priority.trim().toUpperCase() === 'UC') uc.add(c.caseId);
      const a = digitsOnly(c.alienNbr);
      if (a !== null && rosterNumbers.has(a)) uc.add(c.caseId);
    }
  }

  interface Signal { caseId: string; proceedingId: string | null; date: string; seen: string[]; seenIn: Set<string>; sameKeyWithdrawn: { asOf: string; dropId: string }[]; reopened: string[] }
  const signals = new Map<string, Signal>();
  for (const { asOf, drop } of drops) {
    for (const p of drop.proceedings ?? []) {
      const date = p.compDate ?? p.hearingDate;
      if (p.absentia.trim().toUpperCase() !== 'Y' || date === null) continue;
      const id = `IA-${p.proceedingId}`;
      const s = signals.get(id) ?? { caseId: p.caseId, proceedingId: p.proceedingId, date, seen: [], seenIn: new Set(), sameKeyWithdrawn: [], reopened: [] };
      s.seen.push(asOf);
      s.seenIn.add(drop.dropId);
      signals.set(id, s);
    }
    for (const h of drop.schedules ?? []) {
      if (h.adjRsn.trim() !== '11' || h.adjDate === null) continue;
      const id = `NS-${h.scheduleId}`;
      const s = signals.get(id) ?? { caseId: h.caseId, proceedingId: null, date: h.adjDate, seen: [], seenIn: new Set(), sameKeyWithdrawn: [], reopened: [] };
      s.seen.push(asOf);
      s.seenIn.add(drop.dropId);
      signals.set(id, s);
    }
  }
  for (const { asOf, drop } of drops) {
    for (const p of drop.proceedings ?? []) {
      const value = p.absentia.trim().toUpperCase();
      const order = signals.get(`IA-${p.proceedingId}`);
      if (order !== undefined && (value === 'N' || value === '')) order.sameKeyWithdrawn.push({ asOf, dropId: drop.dropId });
      for (const s of signals.values()) {
        if (s.proceedingId === null || s.caseId !== p.caseId || s.proceedingId === p.proceedingId) continue;
        if (p.osc !== null && p.osc > s.date) s.reopened.push(asOf);
      }
    }
    for (const h of drop.schedules ?? []) {
      const noShow = signals.get(`NS-${h.scheduleId}`);
      if (noShow !== undefined && h.adjRsn.trim() !== '11') noShow.sameKeyWithdrawn.push({ asOf, dropId: drop.dropId });
    }
  }

  const out = new Map<string, { caseId: string; status: 'OPEN' | 'RESCINDED' }>();
  for (const [ftaId, s] of signals) {
    if (!uc.has(s.caseId)) continue;
    const first = [...s.seen].sort()[0] as string;
    const rescinded = s.sameKeyWithdrawn.some((w) => w.asOf > first && !s.seenIn.has(w.dropId)) || s.reopened.some((w) => w > first);
    out.set(ftaId, { caseId: s.caseId, status: rescinded ? 'RESCINDED' : 'OPEN' });
  }
  return out;
}
