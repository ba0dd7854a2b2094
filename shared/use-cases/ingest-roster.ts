import type { Aor } from '../domain/aor';
import { countAccepted, countRejected, emptyTableCounts } from '../domain/drop-report';
import type { RowRejectionReason, TableRejectionReason } from '../domain/rejections';
import { parseRosterHeader, parseRosterRow, rosterFileRefusal, type BacklogStatus, type RosterHeader, type RosterUc } from '../domain/roster';
import { csvField } from '../domain/work-list';
import { csvRecords, sniffText } from '../formats/csv-records';
import type { CaseIdentifiedPublisher } from '../ports/identity-notices';
import type { CaseStore } from '../ports/case-store';
import type { FtaPublisher } from '../ports/fta-publisher';
import type { ObjectSource } from '../ports/object-sink';
import type { NtaBacklog, RosterMatching, RosterReport, RosterUcs } from '../ports/roster-store';
import { sweepRescissionOutbox } from './steps/publish-ftas';
import { replanNtaBacklog, type ReplanDeps } from './steps/replan-nta-backlog';
import { settleCases } from './steps/settle-cases';

export type { RosterReport };

export interface IngestRosterDeps extends ReplanDeps {
  /** The roster UCs it saves and matches, the backlog it re-plans. */
  readonly roster: NtaBacklog & RosterUcs & RosterMatching;
  readonly source: ObjectSource;
  /** Tells the ORR notifier which cases a roster row now names (identity follow-ups). */
  readonly identified?: CaseIdentifiedPublisher;
  /** The case store: UC marks, FTA signals and the A-number index, and the FTAs themselves. */
  readonly cases: CaseStore;
  /** The FTA fan-out queues: FTAs of the cases this roster makes UC cases are sent at once. */
  readonly publisher: FtaPublisher;
}

export interface RosterRef {
  /** The roster's folder name: `rosters/<rosterId>/roster.csv` (for an object at the top of the prefix, its name). */
  readonly rosterId: string;
  readonly objectKey: string;
  /** Why the object is no roster by its name (rosterFileRefusal): refused unread, the refusal saved in a roster report. */
  readonly refusal?: { readonly reason: TableRejectionReason; readonly detail: string };
}

const BATCH = 500;

/**
 * Ingests one UC roster file (docs/spec.md §1.2).
 *
 * 1. Read the bytes once to tell UTF-8 from Windows-1252 (said in the report); a file that
 *    is not a roster (empty, not text, no A_NUMBER column) is refused with a reason, never
 *    read as zero rows. Then stream the CSV (csv-parse: BOM, CRLF/LF/CR, line breaks in
 *    quoted fields, short rows); each row is accepted or rejected with a stable reason code,
 *    and each rejected row is kept, with the line it starts on and its reason, in
 *    `quarantine/rosters/<rosterId>/rejected.csv` for a person to inspect.
 * 2. Store accepted UCs by A-number (a re-drop overwrites, never duplicates), with their
 *    ORR sponsor address, and move each in or out of its AOR's NTA backlog; every UC
 *    leaving the backlog is counted by reason in the report.
 * 3. Mark the EOIR case of each UC that names one as a UC case (basis ROSTER), and every
 *    EOIR case a drop showed with the UC's A-number (ALIEN_NBR, through the A-number index);
 *    the FTAs of those cases already read in drops are recorded now, with the status their
 *    evidence gives, and sent (settleCases); a case a drop being read now writes to (it
 *    marked it, or its signals carry that drop's evidence) is left to that drop's finish.
 * 4. Re-plan the AORs whose backlog changed, then store the roster report.
 *
 * UCs absent from this roster stay as they were: a roster adds and updates, it never
 * deletes. On retry the same file gives the same store, report and plan.
 */
export async function ingestRoster(roster: RosterRef, deps: IngestRosterDeps): Promise<RosterReport> {
  const startedAt = deps.clock.now().toISOString();
  const rows = emptyTableCounts();
  const report: RosterReport = {
    rosterId: roster.rosterId,
    objectKey: roster.objectKey,
    rows,
    ucs: { BACKLOG: 0, IN_ORR_CARE: 0, NTA_SERVED: 0, EOIR_CASE: 0 },
    leftBacklog: {},
    casesMarked: 0,
    quarantineKey: null,
    aorsReplanned: 0,
    startedAt,
    finishedAt: startedAt,
  };
  const quarantine: string[] = [];
  const reject = (lineNumber: number, reason: RowRejectionReason, raw: string): void => {
    countRejected(rows, reason);
    quarantine.push(`${lineNumber},${reason},${csvField(raw)}`);
  };
  const seen = new Set<string>();
  const touched = new Set<Aor>();
  let batch: RosterUc[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const transitions = await deps.roster.saveRosterUcs(batch, roster.rosterId, startedAt);
    for (const t of transitions) {
      report.ucs[t.status] += 1;
      if (t.status === 'BACKLOG') touched.add(t.aor);
      if (t.previous?.status === 'BACKLOG') {
        touched.add(t.previous.aor);
        const left: BacklogStatus | 'AOR_CHANGED' | null =
          t.status !== 'BACKLOG' ? t.status : t.previous.aor !== t.aor ? 'AOR_CHANGED' : null;
        if (left !== null) report.leftBacklog[left] = (report.leftBacklog[left] ?? 0) + 1;
      }
    }
    const links = batch.filter((uc) => uc.eoirCaseId !== null).map((uc) => ({ caseId: uc.eoirCaseId as string, aNumber: uc.aNumber }));
    if (links.length > 0) await deps.roster.linkRosterCases(links, roster.rosterId);
    const linked = new Set(links.map((l) => l.caseId));
    const byANumber = (await deps.cases.aNumbers.indexRoster(batch.map((uc) => uc.aNumber), roster.rosterId)).filter((m) => !linked.has(m.caseId));
    if (byANumber.length > 0) {
      await deps.cases.markUcCases(byANumber.map((m) => ({ caseId: m.caseId, basis: 'ROSTER', dropId: `roster:${roster.rosterId}`, aNumber: m.aNumber })));
    }
    // A notice that went out before this roster named the child gets its follow-up.
    const named = [...linked, ...byANumber.map((m) => m.caseId)];
    if (named.length > 0) await deps.identified?.publish(named, `roster:${roster.rosterId}`);
    report.casesMarked += links.length + byANumber.length;
    const settled = await settleCases([...linked, ...byANumber.map((m) => m.caseId)], { store: deps.cases, publisher: deps.publisher }, {
      recordedAt: deps.clock.now().toISOString(),
      by: `roster:${roster.rosterId}`,
      // A case a drop being read is writing to (its UC mark, its signals' evidence, the
      // A-number entry that ties it to this roster) is settled by that drop's finish, with
      // the whole drop's evidence.
      deferToReading: { linkedBy: new Map(byANumber.flatMap((m) => (m.dropId === undefined ? [] : [[m.caseId, m.dropId] as const]))) },
    });
    report.ftas = { new: (report.ftas?.new ?? 0) + settled.new, rescinded: (report.ftas?.rescinded ?? 0) + settled.rescinded };
    if (settled.handedOff > 0) report.casesLeftToDrops = (report.casesLeftToDrops ?? 0) + settled.handedOff;
    batch = [];
  };

  if (roster.refusal !== undefined) {
    rows.tableRejection = { ...roster.refusal };
    deps.log.warn('roster refused: not a roster file', { rosterId: roster.rosterId, reason: roster.refusal.reason, detail: roster.refusal.detail });
    report.finishedAt = deps.clock.now().toISOString();
    await deps.roster.saveRosterReport(report);
    return report;
  }

  let header: RosterHeader | undefined;
  let columns: Extract<RosterHeader, { ok: true }> | undefined;
  const sniff = await sniffText(deps.source.openObject(roster.objectKey));
  if (!sniff.ok) header = { ok: false, reason: sniff.reason, detail: sniff.detail };
  else {
    report.encoding = sniff.encoding;
    if (sniff.encoding !== 'UTF-8') deps.log.warn('roster decoded as Windows-1252 (not valid UTF-8)', { rosterId: roster.rosterId });
    for await (const record of csvRecords(deps.source.openObject(roster.objectKey), sniff.encoding)) {
      if (columns === undefined) {
        // The first record is the header; one that cannot be read leaves the file unread.
        header = record.ok ? parseRosterHeader(record.fields) : { ok: false, reason: 'HEADER_MISSING_COLUMNS', detail: 'the header line cannot be read' };
        if (!header.ok) break;
        columns = header;
        continue;
      }
      if (!record.ok) {
        reject(record.line, record.reason, record.raw);
        continue;
      }
      const parsed = parseRosterRow(record.fields, columns);
      if (!parsed.ok) {
        reject(record.line, parsed.reason, record.raw);
        continue;
      }
      if (seen.has(parsed.value.aNumber)) {
        reject(record.line, 'A_NUMBER_DUPLICATE', record.raw);
        continue;
      }
      seen.add(parsed.value.aNumber);
      countAccepted(rows);
      batch.push(parsed.value);
      if (batch.length >= BATCH) await flush();
    }
  }
  await flush();
  // Corrections of FTAs this roster's cases had OPEN and their evidence rescinds.
  if ((report.ftas?.rescinded ?? 0) > 0) await sweepRescissionOutbox({ store: deps.cases, publisher: deps.publisher });
  header ??= parseRosterHeader(undefined);
  if (!header.ok) {
    rows.tableRejection = { reason: header.reason, detail: header.detail };
    deps.log.warn('roster refused: not a roster file', { rosterId: roster.rosterId, reason: header.reason });
  }

  if (quarantine.length > 0) {
    report.quarantineKey = `quarantine/rosters/${roster.rosterId}/rejected.csv`;
    await deps.files.putObject(report.quarantineKey, `LINE,REASON,ROW\r\n${quarantine.join('\r\n')}\r\n`, 'text/csv; charset=utf-8');
  }
  const replanned = await replanNtaBacklog(touched, deps);
  report.aorsReplanned = replanned.length;
  report.finishedAt = deps.clock.now().toISOString();
  await deps.roster.saveRosterReport(report);
  deps.log.info('roster ingested', {
    rosterId: roster.rosterId,
    read: rows.read,
    accepted: rows.accepted,
    rejected: rows.rejectedByReason,
    ucs: report.ucs,
    leftBacklog: report.leftBacklog,
  });
  return report;
}

/**
 * Any object under the roster prefix -> the roster it belongs to: `rosters/<rosterId>/<file>.csv`
 * (any letter case of .csv) is read; anything else carries its refusal, which the ingest
 * saves as the roster report's reason (the notification filters on the prefix only, so a
 * misnamed file is refused with a reason, never silently missed). Undefined outside the prefix.
 */
export function rosterFromObjectKey(key: string, prefix: string): RosterRef | undefined {
  if (!key.startsWith(prefix)) return undefined;
  const rest = key.slice(prefix.length);
  const slash = rest.indexOf('/');
  const rosterId = slash > 0 ? rest.slice(0, slash) : rest;
  const refusal = rosterFileRefusal(rest);
  return refusal === undefined ? { rosterId, objectKey: key } : { rosterId, objectKey: key, refusal };
}
