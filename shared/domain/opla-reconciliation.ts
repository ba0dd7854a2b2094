import type { FtaKind, FtaStatus } from './fta';
import { OPLA_TYPE_KIND, type OplaEntry } from './opla-fta-list';

/**
 * DOJ's FTAs against OPLA's list (OIG-24-46: OPLA's records held about 28,000 UC FTAs where
 * DOJ's data showed 32,000+). Pure: the caller reads both sides and the day.
 *
 * Matching rule: an OPLA entry and a DOJ FTA match when they name the same case (the
 * entry's EOIR_CASE_ID equals the FTA's IDNCASE; an entry without EOIR_CASE_ID: its A_NUMBER
 * equals the case's A-number), the same type (NO_SHOW is NO_SHOW_ADJOURNMENT) and their dates
 * are at most 3 days apart. Each side is matched at most once: among all candidate pairs, open
 * FTAs before rescinded ones, then the nearest dates, then the FTA's date and id and the
 * entry's line, so the result never depends on the order of either input.
 */
export const MATCH_WINDOW_DAYS = 3;

/** A DOJ FTA as the reconciliation sees it (the store's FTA item, with the case's A-number when known). */
export interface DojFta {
  readonly ftaId: string;
  readonly kind: FtaKind;
  readonly caseId: string;
  readonly aNumber: string | null;
  /** YYYY-MM-DD: the hearing missed or the order's date. */
  readonly date: string;
  readonly status: FtaStatus;
  readonly aor: string | null;
  /** ISO time the pipeline first recorded the FTA. */
  readonly recordedAt: string;
}

export type ReconciliationCategory = 'MATCHED' | 'MISSING_FROM_OPLA' | 'UNSUPPORTED';

/**
 * Why an OPLA entry is unsupported: no DOJ FTA of that case, type and date window
 * (NO_DOJ_FTA); the DOJ FTA it names was rescinded (RESCINDED_IN_DOJ: OPLA should close it);
 * or the DOJ FTA it names is matched by another entry already (DUPLICATE_ENTRY).
 */
export type UnsupportedReason = 'NO_DOJ_FTA' | 'RESCINDED_IN_DOJ' | 'DUPLICATE_ENTRY';

/** AOR of a line whose FTA has no court AOR: the metrics' UNKNOWN. */
export const UNKNOWN_AOR = 'UNKNOWN';

export interface ReconciliationLine {
  readonly category: ReconciliationCategory;
  readonly reason: UnsupportedReason | null;
  readonly aor: string;
  readonly ftaId: string | null;
  readonly kind: FtaKind;
  readonly caseId: string | null;
  readonly aNumber: string | null;
  readonly dojDate: string | null;
  readonly dojStatus: FtaStatus | null;
  /** YYYY-MM-DD the pipeline first recorded the DOJ FTA. */
  readonly dojRecordedOn: string | null;
  readonly oplaLine: number | null;
  readonly oplaDate: string | null;
  readonly oplaRecordedOn: string | null;
  /** MISSING_FROM_OPLA: whole days from the FTA's date to the report's day. */
  readonly daysSinceFta: number | null;
  /** MISSING_FROM_OPLA: whole days from the day the pipeline recorded the FTA to the report's day. */
  readonly daysSinceRecorded: number | null;
}

export interface AorReconciliation {
  readonly aor: string;
  readonly matched: number;
  readonly missingFromOpla: number;
  /** Every unsupported entry, rescinded ones included. */
  readonly unsupported: number;
  /** Of `unsupported`: entries naming an FTA DOJ rescinded. */
  readonly rescindedInDoj: number;
  /** The longest a missing FTA has been missing (days since its date); null when none is. */
  readonly oldestMissingDays: number | null;
}

export interface Reconciliation {
  /** YYYY-MM-DD: the day the report is as of (days missing count to it). */
  readonly asOf: string;
  readonly totals: Omit<AorReconciliation, 'aor'>;
  /** One per AOR with any line, in AOR order (UNKNOWN last). */
  readonly byAor: readonly AorReconciliation[];
  /** Missing first, then unsupported, then matched; each by AOR, date, id or line. */
  readonly lines: readonly ReconciliationLine[];
}

const DAY_MS = 86_400_000;
/** Whole days from `from` to `to` (both YYYY-MM-DD); negative when `from` is later. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

function sameCase(e: OplaEntry, f: DojFta): boolean {
  return e.caseId !== null ? e.caseId === f.caseId : e.aNumber !== null && e.aNumber === f.aNumber;
}

function candidates(e: OplaEntry, f: DojFta): boolean {
  return sameCase(e, f) && OPLA_TYPE_KIND[e.ftaType] === f.kind && Math.abs(daysBetween(f.date, e.ftaDate)) <= MATCH_WINDOW_DAYS;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Reconciles DOJ's FTAs with OPLA's entries as of `asOf` (YYYY-MM-DD). */
export function reconcileOpla(doj: readonly DojFta[], opla: readonly OplaEntry[], asOf: string): Reconciliation {
  // Candidate pairs, found per case (an entry only ever pairs with FTAs of its case).
  const byCase = new Map<string, DojFta[]>();
  const byANumber = new Map<string, DojFta[]>();
  for (const f of doj) {
    byCase.set(f.caseId, [...(byCase.get(f.caseId) ?? []), f]);
    if (f.aNumber !== null) byANumber.set(f.aNumber, [...(byANumber.get(f.aNumber) ?? []), f]);
  }
  const pairs: { e: OplaEntry; f: DojFta; gap: number }[] = [];
  const candidatesOf = new Map<OplaEntry, DojFta[]>();
  for (const e of opla) {
    const pool = e.caseId !== null ? byCase.get(e.caseId) : e.aNumber !== null ? byANumber.get(e.aNumber) : undefined;
    const found = (pool ?? []).filter((f) => candidates(e, f));
    candidatesOf.set(e, found);
    for (const f of found) pairs.push({ e, f, gap: Math.abs(daysBetween(f.date, e.ftaDate)) });
  }
  pairs.sort(
    (a, b) =>
      (a.f.status === 'OPEN' ? 0 : 1) - (b.f.status === 'OPEN' ? 0 : 1) ||
      a.gap - b.gap ||
      cmp(a.f.date, b.f.date) ||
      cmp(a.f.ftaId, b.f.ftaId) ||
      a.e.line - b.e.line,
  );
  const ftaTaken = new Map<DojFta, OplaEntry>();
  const entryTaken = new Map<OplaEntry, DojFta>();
  for (const p of pairs) {
    if (ftaTaken.has(p.f) || entryTaken.has(p.e)) continue;
    ftaTaken.set(p.f, p.e);
    entryTaken.set(p.e, p.f);
  }

  const lines: ReconciliationLine[] = [];
  const dojSide = (f: DojFta) => ({
    ftaId: f.ftaId, kind: f.kind, caseId: f.caseId, aNumber: f.aNumber, dojDate: f.date, dojStatus: f.status, dojRecordedOn: f.recordedAt.slice(0, 10),
  });
  const oplaSide = (e: OplaEntry) => ({ oplaLine: e.line, oplaDate: e.ftaDate, oplaRecordedOn: e.recordedOn });
  const noOpla = { oplaLine: null, oplaDate: null, oplaRecordedOn: null };
  const noDays = { daysSinceFta: null, daysSinceRecorded: null };
  for (const f of doj) {
    const e = ftaTaken.get(f);
    if (e !== undefined || f.status !== 'OPEN') continue;
    lines.push({
      category: 'MISSING_FROM_OPLA', reason: null, aor: f.aor ?? UNKNOWN_AOR, ...dojSide(f), ...noOpla,
      daysSinceFta: daysBetween(f.date, asOf), daysSinceRecorded: daysBetween(f.recordedAt.slice(0, 10), asOf),
    });
  }
  for (const e of opla) {
    const f = entryTaken.get(e);
    if (f !== undefined && f.status === 'OPEN') {
      lines.push({ category: 'MATCHED', reason: null, aor: f.aor ?? e.aor, ...dojSide(f), ...oplaSide(e), ...noDays });
    } else if (f !== undefined) {
      lines.push({ category: 'UNSUPPORTED', reason: 'RESCINDED_IN_DOJ', aor: e.aor, ...dojSide(f), aNumber: f.aNumber ?? e.aNumber, ...oplaSide(e), ...noDays });
    } else {
      const found = candidatesOf.get(e) ?? [];
      const reason: UnsupportedReason = found.length === 0 ? 'NO_DOJ_FTA' : found.some((c) => c.status === 'OPEN') ? 'DUPLICATE_ENTRY' : 'RESCINDED_IN_DOJ';
      lines.push({
        category: 'UNSUPPORTED', reason, aor: e.aor, ftaId: null, kind: OPLA_TYPE_KIND[e.ftaType], caseId: e.caseId, aNumber: e.aNumber,
        dojDate: null, dojStatus: null, dojRecordedOn: null, ...oplaSide(e), ...noDays,
      });
    }
  }
  const order: Record<ReconciliationCategory, number> = { MISSING_FROM_OPLA: 0, UNSUPPORTED: 1, MATCHED: 2 };
  const aorOrder = (a: string): string => (a === UNKNOWN_AOR ? '~' : a);
  lines.sort(
    (a, b) =>
      order[a.category] - order[b.category] ||
      cmp(aorOrder(a.aor), aorOrder(b.aor)) ||
      cmp(a.dojDate ?? a.oplaDate ?? '', b.dojDate ?? b.oplaDate ?? '') ||
      cmp(a.ftaId ?? '', b.ftaId ?? '') ||
      (a.oplaLine ?? 0) - (b.oplaLine ?? 0),
  );
  const byAor = new Map<string, { matched: number; missingFromOpla: number; unsupported: number; rescindedInDoj: number; oldestMissingDays: number | null }>();
  const tally = (aor: string) => {
    let t = byAor.get(aor);
    if (t === undefined) byAor.set(aor, (t = { matched: 0, missingFromOpla: 0, unsupported: 0, rescindedInDoj: 0, oldestMissingDays: null }));
    return t;
  };
  const totals = { matched: 0, missingFromOpla: 0, unsupported: 0, rescindedInDoj: 0, oldestMissingDays: null as number | null };
  for (const l of lines) {
    for (const t of [tally(l.aor), totals]) {
      if (l.category === 'MATCHED') t.matched += 1;
      else if (l.category === 'MISSING_FROM_OPLA') {
        t.missingFromOpla += 1;
        t.oldestMissingDays = Math.max(t.oldestMissingDays ?? 0, l.daysSinceFta ?? 0);
      } else {
        t.unsupported += 1;
        if (l.reason === 'RESCINDED_IN_DOJ') t.rescindedInDoj += 1;
      }
    }
  }
  return {
    asOf,
    totals,
    byAor: [...byAor.entries()].sort((a, b) => cmp(aorOrder(a[0]), aorOrder(b[0]))).map(([aor, t]) => ({ aor, ...t })),
    lines,
  };
}
