import { isAor } from '../../domain/aor';
import type { EoirTableName } from '../../domain/eoir-table';
import type { Fta, FtaKind } from '../../domain/fta';

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
