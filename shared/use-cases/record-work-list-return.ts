import { readReturnFile } from '../formats/work-list-return-file';
import { isAor, type Aor } from '../domain/aor';
import { countAccepted, countRejected, emptyTableCounts, type TableCounts } from '../domain/drop-report';
import type { RowRejectionReason } from '../domain/rejections';
import { parseReturnHeader, parseReturnRow, type ReturnedOutcome, type ReturnHeader } from '../domain/work-list-return';
import { csvField } from '../domain/work-list';
import type { ObjectSource } from '../ports/object-sink';
import type { RosterUcs } from '../ports/roster-store';
import { recordFollowUp, type FollowUpDeps } from './steps/record-follow-up';
import { replanNtaBacklog } from './steps/replan-nta-backlog';

export interface WorkListReturnDeps extends FollowUpDeps {
  /** As the follow-up's, and the roster UC a returned row names, by A-number or case. */
  readonly roster: FollowUpDeps['roster'] & Pick<RosterUcs, 'findRosterUc' | 'findRosterUcForCase'>;
  readonly source: ObjectSource;
}

/** `returns/<AOR>/<file name>`: the returned work list of one field office. */
export interface WorkListReturnRef {
  readonly aor: string;
  readonly fileName: string;
  readonly objectKey: string;
}

export interface WorkListReturnReport {
  readonly objectKey: string;
  readonly aor: string;
  format: 'xlsx' | 'csv' | null;
  encoding?: 'UTF-8' | 'WINDOWS-1252';
  /** Rows with an outcome filled: read = accepted + rejected. */
  rows: TableCounts;
  /** Rows with no outcome filled yet (not worked): nothing recorded. */
  rowsWithoutOutcome: number;
  ntaServed: number;
  addressesVerified: number;
  i830Filed: number;
  tasksClosed: number;
  leftBacklog: number;
  aorsReplanned: number;
  quarantineKey: string | null;
  reportKey: string;
  startedAt: string;
  finishedAt: string;
}

export const RETURNS_PREFIX = 'returns/';

/** `returns/<AOR>/<file>.xlsx|.csv` -> the return it is (any letter case in AOR and extension). */
export function workListReturnFromObjectKey(key: string): WorkListReturnRef | undefined {
  if (!key.startsWith(RETURNS_PREFIX) || !/\.(xlsx|csv)$/i.test(key)) return undefined;
  const rest = key.slice(RETURNS_PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1) return undefined;
  return { aor: rest.slice(0, slash).toUpperCase(), fileName: rest.slice(slash + 1), objectKey: key };
}

/**
 * Records a returned work list (outcomes back from a field office).
 *
 * 1. Read the file (.xlsx or .csv); a file under an unknown AOR, or that is not a work list
 *    (no A_NUMBER/EOIR_CASE_ID column, no outcome column, empty, unreadable), is refused
 *    with its reason in the report.
 * 2. Each row with an outcome is checked whole first (its key, its dates, the address with
 *    its date, the roster UC or EOIR case it names) and then recorded as the follow-ups it
 *    holds, through recordFollowUp: NTA served (the UC leaves the backlog), address
 *    verified (address history, re-verification tasks closed), I-830 filed (tasks closed).
 *    A row that fails a check records nothing and goes, with its line and reason, to
 *    `quarantine/returns/<AOR>/<file>.csv`.
 * 3. Re-plan once the AORs whose backlog lost a UC; write the report to
 *    `reports/returns/<AOR>/<file>.json`.
 *
 * Re-uploading the same file records nothing new (every follow-up is idempotent): the same
 * rows are accepted and rejected, and leftBacklog and tasksClosed are then 0. A failure throws: the trigger retries the whole file.
 */
export async function recordWorkListReturn(ref: WorkListReturnRef, deps: WorkListReturnDeps): Promise<WorkListReturnReport> {
  const startedAt = deps.clock.now().toISOString();
  const rows = emptyTableCounts();
  const report: WorkListReturnReport = {
    objectKey: ref.objectKey, aor: ref.aor, format: null, rows, rowsWithoutOutcome: 0,
    ntaServed: 0, addressesVerified: 0, i830Filed: 0, tasksClosed: 0, leftBacklog: 0, aorsReplanned: 0,
    quarantineKey: null, reportKey: `reports/returns/${ref.aor}/${ref.fileName}.json`, startedAt, finishedAt: startedAt,
  };
  const quarantine: string[] = [];
  const reject = (line: number, reason: RowRejectionReason, raw: string): void => {
    countRejected(rows, reason);
    quarantine.push(`${line},${reason},${csvField(raw)}`);
  };
  const replan = new Set<Aor>();
  const file = isAor(ref.aor) ? await readReturnFile(ref.fileName, () => deps.source.openObject(ref.objectKey)) : ({ ok: false, reason: 'AOR_UNKNOWN', detail: `returns/${ref.aor}/ is not an ERO AOR` } as const);
  if (!file.ok) rows.tableRejection = { reason: file.reason, detail: file.detail };
  else {
    report.format = file.format;
    if (file.encoding) report.encoding = file.encoding;
    let header: ReturnHeader | undefined;
    for await (const record of file.records) {
      if (header === undefined) {
        header = record.ok ? parseReturnHeader(record.fields) : { ok: false, reason: 'HEADER_MISSING_COLUMNS', detail: 'the header row cannot be read' };
        if (!header.ok) break;
        continue;
      }
      if (!header.ok) break;
      if (!record.ok) {
        reject(record.line, record.reason, record.raw);
        continue;
      }
      const parsed = parseReturnRow(record.fields, header);
      if (!parsed.ok) {
        reject(record.line, parsed.reason, record.raw);
        continue;
      }
      if (parsed.outcome === null) {
        report.rowsWithoutOutcome += 1;
        continue;
      }
      const target = await resolve(parsed.outcome, deps);
      if (!target.ok) {
        reject(record.line, target.reason, record.raw);
        continue;
      }
      await record1(parsed.outcome, target, deps, report, replan);
      countAccepted(rows);
    }
    header ??= parseReturnHeader(undefined);
    if (!header.ok) rows.tableRejection = { reason: header.reason, detail: header.detail };
  }
  if (rows.tableRejection) deps.log.warn('work-list return refused', { objectKey: ref.objectKey, reason: rows.tableRejection.reason });
  if (quarantine.length > 0) {
    report.quarantineKey = `quarantine/returns/${ref.aor}/${ref.fileName}.csv`;
    await deps.files.putObject(report.quarantineKey, `LINE,REASON,ROW\r\n${quarantine.join('\r\n')}\r\n`, 'text/csv; charset=utf-8');
  }
  report.aorsReplanned = (await replanNtaBacklog(replan, deps)).length;
  report.finishedAt = deps.clock.now().toISOString();
  await deps.files.putObject(report.reportKey, JSON.stringify(report, null, 2), 'application/json');
  deps.log.info('work-list return recorded', {
    objectKey: ref.objectKey, read: rows.read, accepted: rows.accepted, rejected: rows.rejectedByReason,
    withoutOutcome: report.rowsWithoutOutcome, ntaServed: report.ntaServed, tasksClosed: report.tasksClosed,
  });
  return report;
}

type Target = { ok: true; aNumber: string | null; caseId: string | null } | { ok: false; reason: RowRejectionReason };

/** The roster UC and the EOIR case a row names; a row that needs one it does not name is refused. */
async function resolve(o: ReturnedOutcome, deps: WorkListReturnDeps): Promise<Target> {
  let aNumber = o.aNumber;
  let caseId = o.caseId;
  if (aNumber !== null) {
    const uc = await deps.roster.findRosterUc(aNumber);
    if (uc === undefined && (o.ntaServedOn !== null || caseId === null)) return { ok: false, reason: 'NOT_ON_ROSTER' };
    caseId ??= uc?.caseId ?? null;
  } else if (o.ntaServedOn !== null && caseId !== null) {
    aNumber = (await deps.roster.findRosterUcForCase(caseId))?.aNumber ?? null;
    if (aNumber === null) return { ok: false, reason: 'NOT_ON_ROSTER' };
  }
  if ((o.addressVerified !== null || o.i830FiledOn !== null) && caseId === null) return { ok: false, reason: 'NO_EOIR_CASE' };
  return { ok: true, aNumber, caseId };
}

async function record1(
  o: ReturnedOutcome,
  target: Extract<Target, { ok: true }>,
  deps: WorkListReturnDeps,
  report: WorkListReturnReport,
  replan: Set<Aor>,
): Promise<void> {
  if (o.ntaServedOn !== null && target.aNumber !== null) {
    const r = await recordFollowUp({ type: 'NTA_SERVED', version: 1, aNumber: target.aNumber, servedOn: o.ntaServedOn }, deps, replan);
    report.ntaServed += 1;
    if (r.leftBacklog !== null) report.leftBacklog += 1;
  }
  if (o.addressVerified !== null && target.caseId !== null) {
    const r = await recordFollowUp({ type: 'ADDRESS_VERIFIED', version: 1, caseId: target.caseId, verifiedOn: o.addressVerified.on, address: o.addressVerified.address }, deps);
    report.addressesVerified += 1;
    report.tasksClosed += r.closed;
  }
  if (o.i830FiledOn !== null && target.caseId !== null) {
    const r = await recordFollowUp({ type: 'I830_FILED', version: 1, caseId: target.caseId, filedOn: o.i830FiledOn }, deps);
    report.i830Filed += 1;
    report.tasksClosed += r.closed;
  }
}
