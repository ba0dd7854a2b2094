import type { Aor } from './aor';
import { aorForCourt } from './courts';
import type { EoirTableName } from './eoir-table';
import type { ProceedingRow } from './proceeding';

/** Pipeline spec section 3: the two FTA signals, each an FTA record of its own. */
export type FtaKind = 'IN_ABSENTIA_ORDER' | 'NO_SHOW_ADJOURNMENT';
export type FtaStatus = 'OPEN' | 'RESCINDED';

/** Where an FTA was first seen. */
export interface Provenance {
  readonly dropId: string;
  readonly table: EoirTableName;
  /** 1-based line in the file; counted from the byte range's start when the table was read in ranges. */
  readonly lineNumber: number;
  /** Byte offset of the row in the file: exact in every case. */
  readonly byteOffset?: number;
}

export interface Fta {
  /** Stable id: `IA-<IDNPROCEEDING>` for orders, `NS-<IDNSCHEDULE>` for no-shows. */
  readonly ftaId: string;
  readonly kind: FtaKind;
  readonly caseId: string;
  readonly proceedingId: string;
  readonly scheduleId: string | null;
  /** YYYY-MM-DD. */
  readonly date: string;
  readonly court: string | null;
  readonly aor: Aor | null;
  readonly provenance: Provenance;
}

export function inAbsentiaFtaId(proceedingId: string): string {
  return `IA-${proceedingId}`;
}

export type FtaDetection =
  | { readonly kind: 'none' }
  | { readonly kind: 'fta'; readonly fta: Fta }
  | { readonly kind: 'undated' };

/**
 * IN_ABSENTIA_ORDER (spec 3): a proceeding of a UC case whose ABSENTIA is `Y`. Its date is
 * COMP_DATE (the order), else HEARING_DATE. The caller decides whether the case is a UC
 * case; this function only reads the proceeding.
 */
export function detectInAbsentiaOrder(p: ProceedingRow, provenance: Provenance): FtaDetection {
  if (!p.inAbsentia) return { kind: 'none' };
  const date = p.completionDate ?? p.hearingDate;
  if (date === null) return { kind: 'undated' };
  return {
    kind: 'fta',
    fta: {
      ftaId: inAbsentiaFtaId(p.proceedingId),
      kind: 'IN_ABSENTIA_ORDER',
      caseId: p.caseId,
      proceedingId: p.proceedingId,
      scheduleId: null,
      date,
      court: p.court,
      aor: aorForCourt(p.court),
      provenance,
    },
  };
}

export type RescissionReason = 'ABSENTIA_WITHDRAWN' | 'CASE_REOPENED' | 'ADJOURNMENT_CHANGED';

/** An FTA already in the store, as the rescission rules see it. */
export interface OpenFta {
  readonly ftaId: string;
  readonly kind: FtaKind;
  readonly caseId: string;
  readonly proceedingId: string;
  readonly scheduleId: string | null;
  readonly date: string;
}

/**
 * Spec 3, for an in-absentia order: rescinded when a later drop shows the same proceeding
 * with ABSENTIA `N` or empty (ABSENTIA_WITHDRAWN); any other value leaves it as it is.
 */
export function rescindedByProceeding(fta: OpenFta, p: ProceedingRow): RescissionReason | null {
  if (fta.kind !== 'IN_ABSENTIA_ORDER' || fta.proceedingId !== p.proceedingId) return null;
  // Only `N` or empty withdraws an order: a value that is neither says nothing.
  return p.absentia === 'NO_ORDER' ? 'ABSENTIA_WITHDRAWN' : null;
}

/**
 * Spec 3, for an in-absentia order: rescinded when a drop shows a newer proceeding of the
 * same case opened (OSC_DATE) after the order's date: the case was reopened.
 * `latestOpened` is the latest OSC_DATE among the case's other proceedings in the drop.
 */
export function rescindedByReopening(fta: OpenFta, latestOpened: { proceedingId: string; ntaDate: string }): RescissionReason | null {
  if (fta.kind !== 'IN_ABSENTIA_ORDER' || latestOpened.proceedingId === fta.proceedingId) return null;
  return latestOpened.ntaDate > fta.date ? 'CASE_REOPENED' : null;
}

/**
 * A no-show adjournment whose hearing row a later drop shows with another ADJ_RSN (a data
 * correction by the court) is rescinded (ADJOURNMENT_CHANGED). Our reading of spec 3 for
 * the second FTA kind: the signal the FTA rested on is gone.
 */
export function rescindedBySchedule(fta: OpenFta, adjRsn: string | null): RescissionReason | null {
  if (fta.kind !== 'NO_SHOW_ADJOURNMENT') return null;
  return adjRsn === '11' ? null : 'ADJOURNMENT_CHANGED';
}
