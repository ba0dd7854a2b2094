import { createHash } from 'node:crypto';
import { reconciliationCsv, reconciliationXlsx } from '../../formats/reconciliation-files';
import { AORS } from '../../domain/aor';
import type { Fta, FtaStatus } from '../../domain/fta';
import { reconcileOpla, UNKNOWN_AOR, type AorReconciliation, type DojFta, type Reconciliation } from '../../domain/opla-reconciliation';
import { metricPoint, type MetricPoint } from '../../domain/metrics';
import type { MetricsSink } from '../../ports/metrics-sink';
import type { ObjectSink, ObjectSource } from '../../ports/object-sink';
import type { ReconciliationBasis } from '../../ports/reconciliation-basis';
import { deliverNoticeOnce, type DeliveryDeps, type DeliveryOutcome } from './deliver-notice-once';
import { readOplaList } from './ingest-opla-list';

export interface ReconcileDeps extends DeliveryDeps {
  readonly source: ObjectSource;
  readonly files: ObjectSink;
  readonly basis: ReconciliationBasis;
  /** Every FTA in the store, and the A-numbers of cases (for matching entries by A-number). */
  readonly ftas: {
    listFtas(): AsyncIterable<Fta & { readonly status: FtaStatus; readonly recordedAt: string }>;
    aNumbersOf(caseIds: readonly string[]): Promise<ReadonlyMap<string, string>>;
  };
  readonly from: string;
  /** AOR -> the OPLA and ERO addresses that get that AOR's reconciliation. */
  readonly recipients: Readonly<Partial<Record<string, readonly string[]>>>;
  readonly metrics?: MetricsSink;
}

export interface ReconciliationReport {
  /** Stable id of (export, drop): the ledger keys of its emails. */
  readonly reportId: string;
  readonly exportId: string;
  readonly dropId: string | null;
  readonly asOf: string;
  readonly totals: Reconciliation['totals'];
  readonly byAor: readonly AorReconciliation[];
  readonly keys: { readonly xlsx: string; readonly csv: string; readonly json: string };
  readonly emails: readonly { readonly aor: string; readonly outcome: DeliveryOutcome['outcome'] }[];
}

export const RECONCILIATION_PREFIX = 'reports/reconciliation/';

/** S3 key part from an id OPLA or DOJ chose: anything but letters, digits and `._-` replaced. */
const keyPart = (id: string): string => id.replace(/[^A-Za-z0-9._-]/g, '_');

/**
 * What the metrics publish: FtasMissingFromOpla and OplaEntriesUnsupported per AOR (every
 * AOR, 0 included, so a gap closed shows as 0 rather than as its last value) and in total
 * (no dimension: the gap alarm watches it), and OplaEntriesRescindedInDoj in total.
 */
export function reconciliationMetrics(r: Reconciliation): MetricPoint[] {
  const points: MetricPoint[] = [
    metricPoint('FtasMissingFromOpla', r.totals.missingFromOpla),
    metricPoint('OplaEntriesUnsupported', r.totals.unsupported),
    metricPoint('OplaEntriesRescindedInDoj', r.totals.rescindedInDoj),
  ];
  const by = new Map(r.byAor.map((a) => [a.aor, a]));
  for (const aor of [...AORS, UNKNOWN_AOR]) {
    const a = by.get(aor);
    if (aor === UNKNOWN_AOR && a === undefined) continue;
    points.push(metricPoint('FtasMissingFromOpla', a?.missingFromOpla ?? 0, aor));
    points.push(metricPoint('OplaEntriesUnsupported', a?.unsupported ?? 0, aor));
  }
  return points;
}

/** The email to one AOR's OPLA and ERO addresses: counts in the body, the AOR's list attached. No PII in the subject. */
export function reconciliationEmail(a: AorReconciliation, ctx: { exportId: string; dropId: string | null; asOf: string; xlsxKey: string }): { subject: string; text: string; html: string } {
  const subject = `[Docket Watch] ${a.aor} OPLA reconciliation ${ctx.asOf}: ${a.missingFromOpla} FTA(s) missing from OPLA, ${a.unsupported} OPLA entr${a.unsupported === 1 ? 'y' : 'ies'} unsupported`;
  const rows: [string, string][] = [
    ['DOJ FTAs missing from OPLA', String(a.missingFromOpla)],
    ['Longest missing (days since the FTA)', a.oldestMissingDays === null ? '-' : String(a.oldestMissingDays)],
    ['OPLA entries no open DOJ FTA supports', String(a.unsupported)],
    ['  of which DOJ rescinded the FTA', String(a.rescindedInDoj)],
    ['Matched', String(a.matched)],
  ];
  const intro = `OPLA's FTA list (export ${ctx.exportId}) reconciled with DOJ's EOIR data (drop ${ctx.dropId ?? 'none yet'}) as of ${ctx.asOf} for AOR ${a.aor}.`;
  const outro = `The attached CSV lists each FTA of this AOR; the full workbook is ${ctx.xlsxKey} in the Docket Watch bucket. Enter the missing FTAs in PLANet and review the unsupported entries.`;
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return {
    subject,
    text: `${intro}\n\n${rows.map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${outro}\n`,
    html: `<p>${esc(intro)}</p><table>${rows.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`).join('')}</table><p>${esc(outro)}</p>`,
  };
}

/**
 * Reconciles OPLA's latest export with the FTAs in the store (run after each OPLA export
 * and after each drop):
 *
 * 1. The basis: OPLA's latest export (none yet: nothing to do, returns null) and DOJ's last drop.
 * 2. Re-read the export's rows (readOplaList: the same rows accepted as at its ingest), read
 *    every FTA and the A-numbers of their cases, and reconcile (reconcileOpla) as of today.
 * 3. Write `reports/reconciliation/<export id>/<drop id>/reconciliation.xlsx|.csv|.json`
 *    (ids only in the keys), publish the metrics, and email each AOR with a line in the
 *    report to its configured addresses through the notice ledger, keyed by the report id
 *    (export and drop) and the AOR: once per report and AOR.
 *
 * Idempotent: a re-run for the same export and drop rewrites the same files and sends
 * nothing already sent. A send that fails does not stop the other AORs; the run then throws.
 */
export async function reconcileWithOpla(deps: ReconcileDeps): Promise<ReconciliationReport | null> {
  const latest = await deps.basis.latestOplaExport();
  if (latest === undefined) {
    deps.log.info('no OPLA export yet: nothing to reconcile', {});
    return null;
  }
  const dropId = await deps.basis.lastDropId();
  const list = await readOplaList(latest.objectKey, deps.source);
  const stored: (Fta & { status: FtaStatus; recordedAt: string })[] = [];
  for await (const f of deps.ftas.listFtas()) stored.push(f);
  const aNumbers = await deps.ftas.aNumbersOf([...new Set(stored.map((f) => f.caseId))]);
  const doj: DojFta[] = stored.map((f) => ({
    ftaId: f.ftaId, kind: f.kind, caseId: f.caseId, aNumber: aNumbers.get(f.caseId) ?? null, date: f.date, status: f.status, aor: f.aor, recordedAt: f.recordedAt,
  }));
  const asOf = deps.clock.now().toISOString().slice(0, 10);
  const r = reconcileOpla(doj, list.entries, asOf);

  const reportId = `R${createHash('sha256').update(`${latest.exportId}\u0000${dropId ?? ''}`).digest('hex').slice(0, 20)}`;
  const base = `${RECONCILIATION_PREFIX}${keyPart(latest.exportId)}/${keyPart(dropId ?? 'no-drop')}/`;
  const keys = { xlsx: `${base}reconciliation.xlsx`, csv: `${base}reconciliation.csv`, json: `${base}reconciliation.json` };
  await deps.files.putObject(keys.xlsx, await reconciliationXlsx(r.lines, r.byAor), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  await deps.files.putObject(keys.csv, reconciliationCsv(r.lines), 'text/csv; charset=utf-8');
  deps.metrics?.publish(reconciliationMetrics(r));

  const emails: { aor: string; outcome: DeliveryOutcome['outcome'] }[] = [];
  const failures: unknown[] = [];
  for (const a of r.byAor) {
    const to = deps.recipients[a.aor] ?? [];
    if (to.length === 0) continue;
    const key = { scope: 'RECONCILIATION', noticeId: `RECON.${reportId}.${a.aor}` };
    const body = reconciliationEmail(a, { exportId: latest.exportId, dropId, asOf, xlsxKey: keys.xlsx });
    try {
      const out = await deliverNoticeOnce(
        {
          key, type: 'RECONCILIATION', ftaId: null, ftaRecordedAt: null,
          mail: () => ({
            to: [...to], from: deps.from, ...body, referenceId: key.noticeId, tags: { scope: key.scope, notice: key.noticeId },
            attachments: [{ filename: `opla-reconciliation-${a.aor}-${asOf}.csv`, contentType: 'text/csv', content: reconciliationCsv(r.lines.filter((l) => l.aor === a.aor)) }],
          }),
        },
        deps,
      );
      emails.push({ aor: a.aor, outcome: out.outcome });
    } catch (err) {
      failures.push(err);
    }
  }
  const report: ReconciliationReport = { reportId, exportId: latest.exportId, dropId, asOf, totals: r.totals, byAor: r.byAor, keys, emails };
  await deps.files.putObject(keys.json, JSON.stringify(report, null, 2), 'application/json');
  deps.log.info('OPLA reconciliation', { reportId, exportId: latest.exportId, dropId, ...r.totals, emails: emails.length });
  if (failures.length > 0) throw new AggregateError(failures, `reconciliation ${reportId}: ${failures.length} AOR email(s) failed`);
  return report;
}
