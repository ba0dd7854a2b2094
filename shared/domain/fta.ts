import type { Aor } from './aor';
import { aorForCourt } from './courts';
import type { EoirTableName } from './eoir-table';
import type { ProceedingRow } from './proceeding';

/**
 * The two FTA signals, each an FTA record of its own: an in-absentia removal order
 * (ABSENTIA `Y` on a proceeding) and a hearing adjourned because the respondent did not
 * appear (ADJ_RSN `11`). The one list: messages, labels and stores derive from it.
 */
export const FTA_KINDS = ['IN_ABSENTIA_ORDER', 'NO_SHOW_ADJOURNMENT'] as const;
export type FtaKind = (typeof FTA_KINDS)[number];

/**
 * Why a recorded FTA no longer holds: a later drop shows the proceeding without ABSENTIA
 * `Y` (ABSENTIA_WITHDRAWN), a newer proceeding of the case opened after the order
 * (CASE_REOPENED), or a later drop no longer shows the hearing adjourned with ADJ_RSN `11`
 * (ADJOURNMENT_CHANGED). The one list: messages, correction wording and stores derive from it.
 */
export const RESCISSION_REASONS = ['ABSENTIA_WITHDRAWN', 'CASE_REOPENED', 'ADJOURNMENT_CHANGED'] as const;
export type RescissionReason = (typeof RESCISSION_REASONS)[number];

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
 * IN_ABSENTIA_ORDER (docs/spec.md §3): a proceeding of a UC case whose ABSENTIA is `Y`. Its date is
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

/** An FTA already in the store, as the rescission rules see it. */
export interface OpenFta {
  readonly ftaId: string;
  readonly kind: FtaKind;
  readonly caseId: string;
  readonly proceedingId: string;
  readonly scheduleId: string | null;
  readonly date: string;
}

