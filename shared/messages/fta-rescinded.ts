import { z } from 'zod';
import { AORS } from '../domain/aor';
import { FTA_KINDS, RESCISSION_REASONS } from '../domain/fta';

/**
 * Sent to every fan-out queue when a recorded FTA is rescinded (docs/spec.md §3: a later
 * drop shows the proceeding without ABSENTIA `Y`, or a newer proceeding of the case opened
 * after the order). The FTA stays in the store with status RESCINDED; ORR gets a
 * correction that references the original notice; the scheduler updates its plan.
 * Ids only, no PII.
 */
export const FtaRescindedMessage = z.object({
  type: z.literal('FTA_RESCINDED'),
  version: z.literal(1),
  ftaId: z.string().regex(/^(IA|NS)-\d+$/),
  kind: z.enum(FTA_KINDS),
  caseId: z.string().regex(/^\d+$/),
  aor: z.enum(AORS).nullable(),
  reason: z.enum(RESCISSION_REASONS),
  dropId: z.string().min(1),
  rescindedAt: z.string().datetime(),
});

export type FtaRescindedMessage = z.infer<typeof FtaRescindedMessage>;
