import { z } from 'zod';

/**
 * Sent to the ORR notices queue when an input names the child of a UC case (a roster row
 * whose EOIR_CASE_ID is the case, or whose A-number matches the case's ALIEN_NBR). The
 * notifier sends a follow-up under each notice of the case that went out without the
 * child's name. Ids only, no PII.
 */
export const CaseIdentifiedMessage = z.object({
  type: z.literal('CASE_IDENTIFIED'),
  version: z.literal(1),
  caseId: z.string().regex(/^\d+$/),
  /** What named the child: `roster:<rosterId>` or `drop:<dropId>`. */
  source: z.string().min(1),
});

export type CaseIdentifiedMessage = z.infer<typeof CaseIdentifiedMessage>;
