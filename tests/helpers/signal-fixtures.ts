import type { SignalSighting } from '../../shared/ports/fta-signals';

/**
 * A sighting of an in absentia order (ABSENTIA `Y`, ordered 2025-05-01, DAL) of proceeding
 * `proceedingId` of a case not yet a UC case, read at line 2 of `dropId`'s B_TblProceeding
 * with as-of 2026-02-01: what a drop run writes before a roster makes the case a UC case.
 */
export const orderSighting = (caseId: string, proceedingId: string, dropId: string): SignalSighting => ({
  signal: {
    ftaId: `IA-${proceedingId}`, kind: 'IN_ABSENTIA_ORDER', caseId, proceedingId, scheduleId: null, date: '2025-05-01', court: 'DAL', aor: 'DAL',
    provenance: { dropId, table: 'B_TblProceeding', lineNumber: 2, byteOffset: 100 },
  },
  asOf: '2026-02-01T00:00:00.000Z',
  ucCase: false,
});
