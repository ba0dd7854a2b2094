import { isAor } from '../../domain/aor';
import type { EoirTableName } from '../../domain/eoir-table';
import type { Fta, FtaKind, FtaStatus } from '../../domain/fta';
import { keys, OUTBOX_PK } from './keys';

/** An FTA as stored: with its status and when it was recorded and queued. */
export interface FtaView extends Fta {
  readonly status: FtaStatus;
  readonly recordedAt: string;
  readonly publishedAt: string | null;
}

/**
 * The FTA fields of a cases-table item, mapped one by one: the FTA item itself
 * (`FTA#<ftaId>`) and the signal item (`SIG#<ftaId>`) store them under the same names
 * (provenance as sourceDropId, sourceTable, sourceLine).
 */
export function ftaFromItem(item: Record<string, unknown>): Fta {
  return {
    ftaId: String(item.ftaId),
    kind: item.kind as FtaKind,
    caseId: String(item.caseId),
    proceedingId: String(item.proceedingId),
    scheduleId: (item.scheduleId as string | null | undefined) ?? null,
    date: String(item.date),
    court: (item.court as string | null | undefined) ?? null,
    aor: typeof item.aor === 'string' && isAor(item.aor) ? item.aor : null,
    provenance: { dropId: String(item.sourceDropId), table: item.sourceTable as EoirTableName, lineNumber: Number(item.sourceLine) },
  };
}

/** A new FTA item: OPEN, in the outbox (outboxPk/outboxSk) until it is queued. */
export function toFtaItem(fta: Fta, recordedAt: string): Record<string, unknown> {
  return {
    ...keys.fta(fta.caseId, fta.ftaId),
    type: 'FTA',
    ftaId: fta.ftaId,
    kind: fta.kind,
    caseId: fta.caseId,
    proceedingId: fta.proceedingId,
    scheduleId: fta.scheduleId,
    date: fta.date,
    status: 'OPEN',
    court: fta.court,
    aor: fta.aor,
    sourceDropId: fta.provenance.dropId,
    sourceTable: fta.provenance.table,
    sourceLine: fta.provenance.lineNumber,
    recordedAt,
    outboxPk: OUTBOX_PK.fta,
    outboxSk: `${recordedAt}#${fta.ftaId}`,
  };
}

/** A stored FTA item as the ledger reads it. */
export function fromFtaItem(item: Record<string, unknown>): FtaView {
  return {
    ...ftaFromItem(item),
    status: item.status as FtaStatus,
    recordedAt: String(item.recordedAt),
    publishedAt: (item.publishedAt as string | undefined) ?? null,
  };
}
