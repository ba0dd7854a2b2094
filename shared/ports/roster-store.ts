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

/** A planned day that changed for one backlog UC (null: unscheduled, no capacity). */
export interface PlanChange extends PlannedUc {
  /** The planned day the re-plan read: the write happens only if it is still that. */
  readonly previousDate: string | null;
}

/** The right to re-plan one AOR: one re-plan per AOR at a time. */
export interface PlanLease {
  readonly aor: Aor;
  readonly token: string;
}

export interface RosterReport {
  rosterId: string;
  objectKey: string;
  rows: TableCounts;
  /** The text encoding the file was read in (absent when it was refused before reading). */
  encoding?: 'UTF-8' | 'WINDOWS-1252';
  /** Accepted UCs by backlog status. */
  ucs: Record<BacklogStatus, number>;
  /** UCs that left the backlog with this run, by reason (never silently). */
  leftBacklog: Partial<Record<BacklogStatus | 'AOR_CHANGED', number>>;
  casesMarked: number;
  /** FTAs of cases this roster made UC cases, recorded from signals read in earlier drops. */
  ftas?: { new: number; rescinded: number };
  /** Cases left to the finish of a drop being read as this roster landed (it settles them, with the whole drop's evidence). */
  casesLeftToDrops?: number;
  quarantineKey: string | null;
  aorsReplanned: number;
  startedAt: string;
  finishedAt: string;
}

/**
 * Roster UCs in the case store. Every call is idempotent: storing the same roster UC twice
 * leaves one item, with the same transition the second time ('from' equal to 'to').
 */
export interface RosterUcs {
  /** Stores roster UCs (and their ORR sponsor address) and moves backlog entries. */
  saveRosterUcs(ucs: readonly RosterUc[], rosterId: string, savedAt: string): Promise<readonly RosterTransition[]>;
  /** Marks the EOIR cases named by roster UCs as UC cases (basis ROSTER) and links them. */
  linkRosterCases(links: readonly { caseId: string; aNumber: string }[], rosterId: string): Promise<void>;
  /** The roster UC linked to an EOIR case, if any. */
  findRosterUcForCase(caseId: string): Promise<{ aNumber: string; aor: Aor; status: BacklogStatus } | undefined>;
  /**
   * Records an FTA on an EOIR case against the roster UC linked to it, if any (priority; it
   * leaves the backlog): undefined when no roster UC is linked to the case.
   */
  recordFtaForCase(caseId: string, at: string): Promise<RosterTransition | undefined>;
  /** Records the EOIR case matched to a roster UC by A-number (it leaves the backlog). */
  recordEoirCaseForUc(aNumber: string, caseId: string, at: string): Promise<RosterTransition | undefined>;
  /**
   * Records an NTA a field office reported served (a returned work list): the UC leaves the
   * backlog (NTA_SERVED), and a later roster without NTA_SERVED_DATE does not put it back.
   * Undefined when no roster UC has the A-number. A repeat changes nothing.
   */
  recordNtaServedForUc(aNumber: string, servedOn: string, at: string): Promise<RosterTransition | undefined>;
  /** A roster UC by A-number, with the EOIR case it is known by (roster, FTA or match), if any. */
  findRosterUc(aNumber: string): Promise<{ aNumber: string; aor: Aor; status: BacklogStatus; caseId: string | null } | undefined>;
  saveRosterReport(report: RosterReport): Promise<void>;
}

/** The NTA backlog as the re-plan reads and writes it, one AOR at a time under its lease. */
export interface NtaBacklog {
  /** Every backlog UC of an AOR, with its stored planned date. */
  loadBacklog(aor: Aor): Promise<StoredBacklogUc[]>;
  /**
   * Takes the AOR's re-plan lease, waiting while another re-plan of the AOR holds it; throws
   * NTA_PLAN_LOCKED after the store's wait limit. A lease left by a dead holder expires.
   */
  acquirePlanLease(aor: Aor): Promise<PlanLease>;
  /** Gives the lease back (a lease already taken over is left alone). */
  releasePlanLease(lease: PlanLease): Promise<void>;
  /**
   * Writes these planned days, each with its AGG#NTA_PLAN move in the same transaction, and
   * only if the UC is still in the backlog with the day read (else skipped: whoever changed
   * it counted it). Throws NTA_PLAN_LEASE_LOST, writing nothing more, if the lease is gone.
   */
  savePlan(lease: PlanLease, changes: readonly PlanChange[]): Promise<{ written: number; skipped: number }>;
}

/** A UC case's addresses across sources (ORR sponsor, EOIR, ERO-verified). */
export interface AddressHistory {
  /**
   * Adds an address to the history of a case (and of the roster UC linked to it) and
   * returns the whole history, every source, oldest first. Idempotent per source and date.
   */
  recordAddress(caseId: string, entry: AddressEntry): Promise<AddressEntry[]>;
  /** Stores which sources disagree for a case (empty: they agree). */
  flagAddressDisagreements(caseId: string, pairs: readonly (readonly [AddressSource, AddressSource])[], at: string): Promise<void>;
}

/** The daily roster matching report's reads and writes. */
export interface RosterMatching {
  /** Every UC case mark and roster UC, for the matching report (a full read: daily job only). */
  readMatchingInputs(): Promise<{ marks: UcCaseMark[]; roster: RosterUcRef[] }>;
  /**
   * Moves UC cases in or out of the unmatched count (AGG#ROSTER, `<aor>` or NONE; null: not
   * counted), each only if it is still counted as `from` (else left: stale).
   */
  saveUnmatched(changes: readonly { caseId: string; from: string | null; to: string | null }[]): Promise<{ written: number; stale: number }>;
}

/**
 * The roster and the NTA backlog in the case store: every role above, as the functions'
 * wiring builds it. A use case takes only the role(s) it calls.
 */
export type RosterStore = RosterUcs & NtaBacklog & AddressHistory & RosterMatching;
