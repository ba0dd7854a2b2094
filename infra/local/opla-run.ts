import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { AORS } from '../../shared/domain/aor';
import type { ReconcileRun } from '../../functions/reconcile-opla/handler';
import type { LocalPipeline } from './pipeline';
import { DocketWatchError } from '../../shared/domain/errors';

/**
 * The OPLA reconciliation in the local run (`npm start -- --opla FILE`): the list put at
 * `opla/<export id>/fta-list.csv` after the drops (its S3 notification ingests it and
 * reconciles), and the lines the run prints.
 */

/** Local OPLA and ERO addresses per AOR (the emails land in out/emails/ like every other). */
export const LOCAL_OPLA_RECIPIENTS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  AORS.map((a) => [a, [`opla-${a.toLowerCase()}@ice.example.gov`, `ero-${a.toLowerCase()}@ice.example.gov`]]),
);

/** What the run's summary.json says of OPLA: the exports ingested and the last reconciliation. */
export interface OplaRunSummary {
  readonly ingested: ReconcileRun['ingested'];
  readonly reconciliation: NonNullable<ReconcileRun['reconciliation']> | null;
}

/** Uploads the list (export id: the file's folder and name, e.g. `sample-opla-fta-list`) and waits for the reconciliation. */
export async function runOplaExport(pipeline: LocalPipeline, file: string, progress: (line: string) => void): Promise<OplaRunSummary> {
  const path = resolve(file);
  if (!(await stat(path)).isFile()) throw new DocketWatchError('CLI_ARGUMENT_INVALID', `--opla ${file}: not a file`);
  const exportId = `${basename(resolve(path, '..'))}-${basename(path).replace(/\.csv$/i, '')}`.replace(/[^A-Za-z0-9._-]/g, '_');
  const before = pipeline.reconcileRuns.length;
  progress(`opla ${exportId}: uploading ${path} to opla/${exportId}/fta-list.csv`);
  await pipeline.uploadOplaList(path, exportId);
  await pipeline.drain();
  const runs = pipeline.reconcileRuns.slice(before);
  return { ingested: runs.flatMap((r) => r.ingested), reconciliation: runs.map((r) => r.reconciliation).filter((r) => r !== null).at(-1) ?? null };
}

/** The lines `npm start` prints for the OPLA list and its reconciliation. */
export function oplaSummaryLines(opla: OplaRunSummary | undefined): string[] {
  if (opla === undefined) return [];
  const lines: string[] = [];
  for (const i of opla.ingested) {
    const reasons = Object.entries(i.rows.rejectedByReason).map(([k, n]) => `${k} ${n}`).join(', ');
    const whole = i.rows.tableRejection ? `  OPLA LIST REFUSED: ${i.rows.tableRejection.reason} (${i.rows.tableRejection.detail})` : '';
    lines.push(`OPLA FTA list ${i.exportId}${i.encoding === 'WINDOWS-1252' ? ' (not UTF-8: decoded as Windows-1252)' : ''}`);
    lines.push(`  ${'OPLA rows'.padEnd(20)} read ${String(i.rows.read).padStart(7)}  accepted ${String(i.rows.accepted).padStart(7)}  rejected ${String(i.rows.rejected).padStart(5)}${reasons ? ` (${reasons})` : ''}${whole}`);
    if (i.quarantineKey) lines.push(`  rejected rows: ${i.quarantineKey}`);
  }
  const r = opla.reconciliation;
  if (r === null) return lines;
  const t = r.totals;
  lines.push(
    `OPLA reconciliation (export ${r.exportId} vs drop ${r.dropId ?? 'none'}, as of ${r.asOf}): ${t.missingFromOpla} DOJ FTA(s) missing from OPLA` +
      `${t.oldestMissingDays === null ? '' : ` (longest ${t.oldestMissingDays} days)`}, ${t.unsupported} OPLA entr${t.unsupported === 1 ? 'y' : 'ies'} unsupported (${t.rescindedInDoj} rescinded in DOJ), ${t.matched} matched; ${r.emails.length} AOR email(s)`,
  );
  for (const a of r.byAor) {
    lines.push(`  ${a.aor.padEnd(7)} missing ${String(a.missingFromOpla).padStart(5)}  unsupported ${String(a.unsupported).padStart(5)}  matched ${String(a.matched).padStart(5)}${a.oldestMissingDays === null ? '' : `  longest missing ${a.oldestMissingDays} days`}`);
  }
  lines.push(`  report: ${r.keys.xlsx} (and .csv, .json)`);
  return lines;
}
