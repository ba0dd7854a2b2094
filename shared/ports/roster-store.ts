import type { AddressEntry, AddressSource } from '../domain/address-history';
import type { Aor } from '../domain/aor';
import type { RosterUcRef, UcCaseMark } from '../domain/roster-matching';
import type { BacklogUc, PlannedUc } from '../domain/nta-plan';
import type { BacklogStatus, RosterUc } from '../domain/roster';
import type { TableCounts } from '../domain/drop-report';

/** What storing one roster UC changed for the backlog. */
export interface RosterTransition {
  readonly aNumber: string;
  readonly previous: { readonly aor: Aor; readonly status: BacklogStatus } | null;
  readonly aor: Aor;
  readonly status: BacklogStatus;
}

/** A backlog UC as the planner and the work lists read it. */
export interface StoredBacklogUc extends BacklogUc {
  readonly plannedDate: string | null;
  /** The roster fields a field office needs to serve the NTA (PII: never logged). */
  readonly workList: Readonly<Record<string, string | null>>;
}

export interface AorPlanSummary {
  readonly aor: Aor;
  readonly backlog: number;
  readonly unscheduled: number;
  readonly plannedNext30Days: number;
  readonly firstDate: string | null;
  readonly lastDate: string | null;
  readonly ageBuckets: Readonly<Record<string, number>>;
  readonly plannedAt: string;
}

export interface RosterReport {
  rosterId: string;
  objectKey: string;
  rows: TableCounts;
  /** Accepted UCs by backlog status. */
  ucs: Record<BacklogStatus, number>;
  /** UCs that left the backlog with this run, by reason (never silently). */
  leftBacklog: Partial<Record<BacklogStatus | 'AOR_CHANGED', number>>;
  casesMarked: number;
  quarantineKey: string | null;
  aorsReplanned: number;
  startedAt: string;
  finishedAt: string;
}

/**
 * The roster and the NTA backlog in the case store. Every call is idempotent: storing the
 * same roster UC twice leaves one item, with the same transition the second time ('from'
 * equal to 'to').
 */
export interface RosterStore {
  /** Stores roster UCs (and their ORR sponsor address) and moves backlog entries. */
  saveRosterUcs(ucs: readonly RosterUc[], rosterId: string, savedAt: string): Promise<readonly RosterTransition[]>;
  /** Marks the EOIR cases named by roster UCs as UC cases (basis ROSTER) and links them. */
  linkRosterCases(links: readonly { caseId: string; aNumber: string }[], rosterId: string): Promise<void>;
  /** The roster UC linked to an EOIR case, if any. */
  findRosterUcForCase(caseId: string): Promise<{ aNumber: string; aor: Aor; status: BacklogStatus } | undefined>;
  /** Records an FTA against a roster UC (priority) and its EOIR case (it leaves the backlog). */
  recordFtaForUc(aNumber: string, caseId: string): Promise<RosterTransition | undefined>;
  /** Every backlog UC of an AOR, with its stored planned date. */
  loadBacklog(aor: Aor): Promise<StoredBacklogUc[]>;
  /** Writes the planned date of these UCs and the AOR's plan aggregate. */
  savePlan(changed: readonly PlannedUc[], summary: AorPlanSummary): Promise<void>;
  saveRosterReport(report: RosterReport): Promise<void>;
  /**
   * Adds an address to the history of a case (and of the roster UC linked to it) and
   * returns the whole history, every source, oldest first. Idempotent per source and date.
   */
  recordAddress(caseId: string, entry: AddressEntry): Promise<AddressEntry[]>;
  /** Every UC case mark and roster UC, for the matching report (a full read: daily job only). */
  readMatchingInputs(): Promise<{ marks: UcCaseMark[]; roster: RosterUcRef[] }>;
  /** Stores the matching counts for the dashboard (AGG#MATCH). */
  saveMatchCounts(counts: { matched: number; casesWithoutRosterUc: number; rosterUcsWithoutCase: number; at: string }): Promise<void>;
  /** Stores which sources disagree for a case (empty: they agree). */
  flagAddressDisagreements(caseId: string, pairs: readonly (readonly [AddressSource, AddressSource])[], at: string): Promise<void>;
}
