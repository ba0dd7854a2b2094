import { csvRecords, sniffText, type TextEncodingName } from '../../formats/csv-records';
import { countAccepted, countRejected, emptyTableCounts, type TableCounts } from '../../domain/drop-report';
import { oplaEntryKey, parseOplaHeader, parseOplaRow, type OplaEntry, type OplaHeader } from '../../domain/opla-fta-list';
import type { RowRejectionReason } from '../../domain/rejections';
import { csvField } from '../../domain/work-list';
import type { Clock } from '../../ports/clock';
import type { Log } from '../../ports/log';
import type { ObjectSink, ObjectSource } from '../../ports/object-sink';
import type { OplaExportRecord, ReconciliationBasis } from '../../ports/reconciliation-basis';

export const OPLA_PREFIX = 'opla/';

/** `opla/<export id>/<file>.csv`: one OPLA export. */
export interface OplaExportRef {
  readonly exportId: string;
  readonly objectKey: string;
}

/** `opla/<export id>/fta-list.csv` (any letter case of `.csv`) -> the export; anything else: undefined. */
export function oplaExportFromObjectKey(key: string): OplaExportRef | undefined {
  if (!key.startsWith(OPLA_PREFIX) || !/\.csv$/i.test(key)) return undefined;
  const parts = key.slice(OPLA_PREFIX.length).split('/');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') return undefined;
  return { exportId: parts[0] as string, objectKey: key };
}

/** An OPLA list read: every row accepted or rejected with its reason. */
export interface OplaList {
  readonly counts: TableCounts;
  readonly encoding: TextEncodingName | null;
  readonly entries: readonly OplaEntry[];
  /** Rejected rows as quarantine CSV lines: LINE,REASON,ROW. */
  readonly quarantine: readonly string[];
}

/**
 * Reads an OPLA export (csv-records.ts: UTF-8 with or without BOM or Windows-1252, any line
 * ends, RFC 4180 quoting). The header must name the six columns; each row is checked
 * (parseOplaRow), and a row naming the same case, type and date as an earlier one is
 * rejected as OPLA_ENTRY_DUPLICATE (first row wins). A file that is not a table or lacks a
 * column is refused whole (counts.tableRejection).
 */
export async function readOplaList(objectKey: string, source: ObjectSource): Promise<OplaList> {
  const counts = emptyTableCounts();
  const entries: OplaEntry[] = [];
  const quarantine: string[] = [];
  const seen = new Set<string>();
  const reject = (line: number, reason: RowRejectionReason, raw: string): void => {
    countRejected(counts, reason);
    quarantine.push(`${line},${reason},${csvField(raw)}`);
  };
  const sniff = await sniffText(source.openObject(objectKey));
  if (!sniff.ok) {
    counts.tableRejection = { reason: sniff.reason, detail: sniff.detail };
    return { counts, encoding: null, entries, quarantine };
  }
  let header: OplaHeader | undefined;
  for await (const record of csvRecords(source.openObject(objectKey), sniff.encoding)) {
    if (header === undefined) {
      header = parseOplaHeader(record.ok ? record.fields : undefined);
      if (!header.ok) break;
      continue;
    }
    if (!header.ok) break;
    if (!record.ok) {
      reject(record.line, record.reason, record.raw);
      continue;
    }
    const row = parseOplaRow(record.line, record.fields, header);
    if (!row.ok) {
      reject(record.line, row.reason, record.raw);
      continue;
    }
    const key = oplaEntryKey(row.entry);
    if (seen.has(key)) {
      reject(record.line, 'OPLA_ENTRY_DUPLICATE', record.raw);
      continue;
    }
    seen.add(key);
    entries.push(row.entry);
    countAccepted(counts);
  }
  header ??= parseOplaHeader(undefined);
  if (!header.ok) counts.tableRejection = { reason: header.reason, detail: header.detail };
  return { counts, encoding: sniff.encoding, entries, quarantine };
}

export interface OplaIngestDeps {
  readonly source: ObjectSource;
  readonly files: ObjectSink;
  readonly basis: ReconciliationBasis;
  readonly clock: Clock;
  readonly log: Log;
}

export interface OplaIngestReport {
  readonly exportId: string;
  readonly objectKey: string;
  readonly encoding: TextEncodingName | null;
  readonly rows: TableCounts;
  readonly quarantineKey: string | null;
  readonly reportKey: string;
  /** The export's first arrival (a re-put keeps it); null when the file was refused whole (not recorded). */
  readonly firstArrivedAt: string | null;
}

/**
 * Ingests one OPLA export: reads it (readOplaList), writes rejected rows to
 * `quarantine/opla/<export id>/<file>` and the counts to `reports/opla/<export id>/ingest.json`,
 * and records the export (its first arrival kept) so reconciliations after later drops use
 * it; a file refused whole is not recorded. The rows themselves are re-read from the export when reconciling: nothing of them is
 * stored. Idempotent: a re-put or a retried event writes the same files and the same record.
 */
export async function ingestOplaList(ref: OplaExportRef, deps: OplaIngestDeps): Promise<OplaIngestReport> {
  const list = await readOplaList(ref.objectKey, deps.source);
  const fileName = ref.objectKey.slice(ref.objectKey.lastIndexOf('/') + 1);
  const quarantineKey = list.quarantine.length > 0 ? `quarantine/opla/${ref.exportId}/${fileName}` : null;
  if (quarantineKey !== null) await deps.files.putObject(quarantineKey, `LINE,REASON,ROW\r\n${list.quarantine.join('\r\n')}\r\n`, 'text/csv; charset=utf-8');
  // A file refused whole (not a table, a column missing) is not OPLA's list: recorded as
  // the latest export, it would report every DOJ FTA as missing from OPLA.
  const record: OplaExportRecord | null = list.counts.tableRejection
    ? null
    : await deps.basis.recordOplaExport({
        exportId: ref.exportId, objectKey: ref.objectKey, firstArrivedAt: deps.clock.now().toISOString(),
        read: list.counts.read, accepted: list.counts.accepted, rejected: list.counts.rejected,
      });
  const report: OplaIngestReport = {
    exportId: ref.exportId, objectKey: ref.objectKey, encoding: list.encoding, rows: list.counts, quarantineKey,
    reportKey: `reports/opla/${ref.exportId}/ingest.json`, firstArrivedAt: record?.firstArrivedAt ?? null,
  };
  await deps.files.putObject(report.reportKey, JSON.stringify(report, null, 2), 'application/json');
  if (list.counts.tableRejection) deps.log.warn('OPLA export refused', { objectKey: ref.objectKey, reason: list.counts.tableRejection.reason });
  deps.log.info('OPLA export ingested', { objectKey: ref.objectKey, read: list.counts.read, accepted: list.counts.accepted, rejected: list.counts.rejectedByReason });
  return report;
}
