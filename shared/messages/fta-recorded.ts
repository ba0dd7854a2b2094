import { z } from 'zod';
import { AORS } from '../domain/aor';
import { FTA_KINDS, type Fta } from '../domain/fta';

/**
 * The message the ingest sends to every fan-out queue when it records a new FTA.
 * It carries ids only, never names, A-numbers or addresses: consumers read those from
 * the case store. Bump `version` and accept both during a rollout when the shape changes.
 */
export const FtaRecordedMessage = z.object({
  type: z.literal('FTA_RECORDED'),
  version: z.literal(1),
  ftaId: z.string().regex(/^(IA|NS)-\d+$/),
  kind: z.enum(FTA_KINDS),
  caseId: z.string().regex(/^\d+$/),
  proceedingId: z.string().regex(/^\d+$/),
  scheduleId: z.string().regex(/^\d+$/).nullable(),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  court: z.string().nullable(),
  aor: z.enum(AORS).nullable(),
  dropId: z.string().min(1),
  recordedAt: z.string().datetime(),
});

export type FtaRecordedMessage = z.infer<typeof FtaRecordedMessage>;

export function toFtaRecordedMessage(fta: Fta, recordedAt: string): FtaRecordedMessage {
  return {
    type: 'FTA_RECORDED',
    version: 1,
    ftaId: fta.ftaId,
    kind: fta.kind,
    caseId: fta.caseId,
    proceedingId: fta.proceedingId,
    scheduleId: fta.scheduleId,
    date: fta.date,
    court: fta.court,
    aor: fta.aor,
    dropId: fta.provenance.dropId,
    recordedAt,
  };
}
