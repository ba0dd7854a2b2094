import type { CaseDetails } from '../domain/case-details';

/**
 * Reads what the store knows about a case's child: identity, addresses, sponsor and
 * hearings. Read-only and safe to repeat. Returns NO_CASE_DETAILS-like empty parts for
 * whatever is not stored (public drops carry no identities).
 */
export interface CaseDetailsReader {
  getCaseDetails(caseId: string): Promise<CaseDetails>;
}
