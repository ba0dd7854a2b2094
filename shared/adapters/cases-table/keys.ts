import { addressKey, aNumberKey } from './pii-keys';

/*
 * Every key of the cases table (one table, keyed pk + sk; shared/runtime/resources.ts) is
 * built here, and ITEM_FAMILIES below lists each kind of item with its key pattern, its
 * attributes and the store that owns it. A key attribute is never PII: whatever finds a
 * person's items (an A-number, an address) goes through pii-keys.ts (`AN#<hmac>`,
 * `AD#<hmac>`); case, schedule, FTA, drop and roster ids are EOIR's or ours, not personal.
 */

/** A cases-table item key. */
export type ItemKey = { readonly pk: string; readonly sk: string };

/** The aggregate partitions of the program metrics (contract: shared/domain/program-metrics.ts). */
export const AGG = {
  fta: 'AGG#FTA',
  ftaDay: 'AGG#FTA_DAY',
  ftaWeek: 'AGG#FTA_WEEK',
  notice: 'AGG#NOTICE',
  backlog: 'AGG#BACKLOG',
  backlogFlow: 'AGG#BACKLOG_FLOW',
  ntaPlan: 'AGG#NTA_PLAN',
  task: 'AGG#TASK',
  taskDue: 'AGG#TASK_DUE',
  taskFlow: 'AGG#TASK_FLOW',
  roster: 'AGG#ROSTER',
  drop: 'AGG#DROP',
} as const;

/** Sort-key prefixes read with begins_with (a query of one kind of item in a partition). */
export const SK_PREFIX = {
  fta: 'FTA#',
  signal: 'SIG#',
  hearing: 'HEARING#',
  address: 'ADDR#',
  rosterLink: 'ROSTER#',
  reverifyTask: 'TASK#REVERIFY#',
  notice: 'NOTICE#',
  aNumberCase: 'INDEX#CASE#',
  report: 'REPORT#',
  handOff: 'HANDOFF#',
} as const;

/** The partition of the claims of drops being read now (dynamo-reading-drops.ts). */
export const READING_DROPS_PK = 'READING#DROPS';

/** Partitions of the sparse `outbox` index (outboxPk): FTAs and rescissions not yet queued. */
export const OUTBOX_PK = { fta: 'OUTBOX', rescission: 'OUTBOX#RESCINDED' } as const;

/** The sort key of an A-number's roster index entry (the latest roster naming it). */
export const A_NUMBER_ROSTER_SK = 'INDEX#ROSTER';

/** The partition of everything stored about one EOIR case (IDNCASE). */
export const casePk = (caseId: string): string => `CASE#${caseId}`;
/** The IDNCASE of a case partition key. */
export const caseIdOfPk = (pk: string): string => pk.slice('CASE#'.length);
const aorPart = (aor: string | null): string => aor ?? 'NONE';

/** Key builders, one per item family (the names of ITEM_FAMILIES), besides personKeys below. */
export const keys = {
  // One EOIR case.
  ucMark: (caseId: string): ItemKey => ({ pk: casePk(caseId), sk: 'UC' }),
  fta: (caseId: string, ftaId: string): ItemKey => ({ pk: casePk(caseId), sk: `${SK_PREFIX.fta}${ftaId}` }),
  rescission: (caseId: string, ftaId: string): ItemKey => ({ pk: casePk(caseId), sk: `RESCISSION#${ftaId}` }),
  signalsMarker: (caseId: string): ItemKey => ({ pk: casePk(caseId), sk: 'SIGS' }),
  /** A signal's item of the scheme before sightings (read only: no store writes it any more). */
  signal: (caseId: string, ftaId: string): ItemKey => ({ pk: casePk(caseId), sk: `${SK_PREFIX.signal}${ftaId}` }),
  /** One drop's sighting of a signal (ABSENTIA `Y`, ADJ_RSN `11`). */
  signalSighting: (caseId: string, ftaId: string, dropId: string): ItemKey => ({ pk: casePk(caseId), sk: `${SK_PREFIX.signal}${ftaId}#SEEN#${dropId}` }),
  /** One drop's withdrawal of a signal, for one reason. */
  signalWithdrawal: (caseId: string, ftaId: string, dropId: string, reason: string): ItemKey => ({
    pk: casePk(caseId),
    sk: `${SK_PREFIX.signal}${ftaId}#OUT#${dropId}#${reason}`,
  }),
  hearing: (caseId: string, scheduleId: string): ItemKey => ({ pk: casePk(caseId), sk: `${SK_PREFIX.hearing}${scheduleId}` }),
  upcomingHearing: (caseId: string): ItemKey => ({ pk: casePk(caseId), sk: 'UPCOMING_HEARING' }),
  addressFlag: (caseId: string): ItemKey => ({ pk: casePk(caseId), sk: 'ADDRFLAG' }),
  reverifyTask: (caseId: string, ftaId: string): ItemKey => ({ pk: casePk(caseId), sk: `${SK_PREFIX.reverifyTask}${ftaId}` }),
  /** A notice about a case, or about the digest or an OPLA reconciliation (their own partitions). */
  notice: (scope: string, noticeId: string): ItemKey => ({
    pk: scope === 'DIGEST' || scope === 'RECONCILIATION' ? scope : casePk(scope),
    sk: `${SK_PREFIX.notice}${noticeId}`,
  }),
  // One A-number (keyed by its HMAC).
  // One entry of an address history, in a case's or an A-number's partition.
  /**
   * An address as the roster and ERO give it: one per source and day it holds from. Every
   * address entry's sort key is `ADDR#<source>#<entry>`: the day here, the content's HMAC
   * for an EOIR address (caseAddress). Items written before this scheme are
   * `ADDR#<day>#<source>` (legacyDatedAddress), read as the same entry.
   */
  datedAddress: (pk: string, asOf: string, source: string): ItemKey => ({ pk, sk: `${SK_PREFIX.address}${source}#${asOf}` }),
  // The NTA backlog and its planning.
  backlogPk: (aor: string): string => `BACKLOG#${aor}`,
  planLease: (aor: string): ItemKey => ({ pk: 'LEASE#NTA_PLAN', sk: `AOR#${aor}` }),
  rosterReport: (rosterId: string, startedAt: string): ItemKey => ({ pk: `ROSTER#${rosterId}`, sk: `${SK_PREFIX.report}${startedAt}` }),
  // Reverification tasks: the open-task index by AOR and due day (sk < today is overdue).
  openTasksPk: (aor: string | null): string => `TASKS#${aorPart(aor)}`,
  openTask: (aor: string | null, dueDate: string, ftaId: string): ItemKey => ({ pk: `TASKS#${aorPart(aor)}`, sk: `${dueDate}#${ftaId}` }),
  // Drops and their runs.
  dropPk: (dropId: string): string => `DROP#${dropId}`,
  dropReport: (dropId: string, startedAt: string): ItemKey => ({ pk: `DROP#${dropId}`, sk: `${SK_PREFIX.report}${startedAt}` }),
  dropAsOf: (dropId: string): ItemKey => ({ pk: `DROP#${dropId}`, sk: 'AS_OF' }),
  runSk: (runId: string): string => `RUN#${runId}`,
  dropRun: (dropId: string, runId: string): ItemKey => ({ pk: `DROP#${dropId}`, sk: `RUN#${runId}` }),
  runChunk: (dropId: string, runId: string, chunkId: string): ItemKey => ({ pk: `DROP#${dropId}`, sk: `RUN#${runId}#CHUNK#${chunkId}` }),
  runSettle: (dropId: string, runId: string, caseId: string): ItemKey => ({ pk: `DROP#${dropId}`, sk: `RUN#${runId}#SETTLE#${caseId}` }),
  runKeyPrefix: (runId: string): string => `RUN#${runId}#KEY#`,
  runKey: (dropId: string, runId: string, table: string, key: string): ItemKey => ({ pk: `DROP#${dropId}`, sk: `RUN#${runId}#KEY#${table}#${key}` }),
  /** A run's claim on the drop it reads (held while it reads). */
  readingClaim: (dropId: string): ItemKey => ({ pk: READING_DROPS_PK, sk: `DROP#${dropId}` }),
  /** A case a settle left to the finish of the drop being read. */
  handOff: (dropId: string, caseId: string): ItemKey => ({ pk: `DROP#${dropId}`, sk: `${SK_PREFIX.handOff}${caseId}` }),
  // Hearing reminders, courts, OPLA exports.
  remindedPk: 'REMINDED',
  reminded: (hearingDate: string, caseId: string): ItemKey => ({ pk: 'REMINDED', sk: `${hearingDate}#${caseId}` }),
  courtAddress: (baseCityCode: string): ItemKey => ({ pk: `COURT#${baseCityCode}`, sk: 'ADDRESS' }),
  oplaExportsPk: 'OPLA#EXPORT',
  oplaExport: (exportId: string): ItemKey => ({ pk: 'OPLA#EXPORT', sk: `EXPORT#${exportId}` }),
  lastDrop: (): ItemKey => ({ pk: AGG.drop, sk: 'LAST' }),
  /** A sending pool's next free slot (the ORR notifiers share one). */
  sendSlots: (pool: string): ItemKey => ({ pk: 'SEND_SLOTS', sk: pool }),
} as const;

/**
 * Key builders whose keys derive from PII (an A-number, an address) through their HMAC
 * (pii-keys.ts). Kept apart from `keys` so that a bundle that never keys by a person
 * drops the HMAC builders (tree shaking), and with them the need for the PII key secret.
 */
export const personKeys = {
  rosterLink: (caseId: string, aNumber: string): ItemKey => ({ pk: casePk(caseId), sk: `${SK_PREFIX.rosterLink}${aNumberKey(aNumber)}` }),
  aNumberPk: (aNumber: string): string => aNumberKey(aNumber),
  rosterUc: (aNumber: string): ItemKey => ({ pk: aNumberKey(aNumber), sk: 'ROSTER' }),
  aNumberCase: (aNumber: string, caseId: string): ItemKey => ({ pk: aNumberKey(aNumber), sk: `${SK_PREFIX.aNumberCase}${caseId}` }),
  aNumberRoster: (aNumber: string): ItemKey => ({ pk: aNumberKey(aNumber), sk: A_NUMBER_ROSTER_SK }),
  caseAddress: (caseId: string, source: string, parts: readonly (string | null)[]): ItemKey => ({
    pk: casePk(caseId),
    sk: `${SK_PREFIX.address}${source}#${addressKey(parts)}`,
  }),
  backlogEntry: (aor: string, aNumber: string): ItemKey => ({ pk: `BACKLOG#${aor}`, sk: aNumberKey(aNumber) }),
} as const;

/** One kind of item in the cases table: its key patterns, what it holds and who writes it. */
export interface ItemFamily {
  readonly name: string;
  /** The key as documentation: `<...>` parts are ids or HMACs. */
  readonly pk: string;
  readonly sk: string;
  /** Attributes besides the keys (PII marked). */
  readonly attributes: string;
  /** The adapter that writes it (in this folder). */
  readonly store: string;
  /** Regular expressions every key of the family matches (tests check no two overlap). */
  readonly pkPattern: RegExp;
  readonly skPattern: RegExp;
}

const ID = '[^#]+';
const HMAC = '[a-p]{40}';
const CASE_PK = new RegExp(`^CASE#${ID}$`);
const AN_PK = new RegExp(`^AN#${HMAC}$`);
const family = (f: Omit<ItemFamily, 'pkPattern' | 'skPattern'> & { pkPattern: RegExp | string; skPattern: RegExp | string }): ItemFamily => ({
  ...f,
  pkPattern: typeof f.pkPattern === 'string' ? new RegExp(`^${f.pkPattern}$`) : f.pkPattern,
  skPattern: typeof f.skPattern === 'string' ? new RegExp(`^${f.skPattern}$`) : f.skPattern,
});

/** Every kind of item of the cases table. */
export const ITEM_FAMILIES: readonly ItemFamily[] = [
  family({ name: 'ucMark', pk: 'CASE#<IDNCASE>', sk: 'UC', pkPattern: CASE_PK, skPattern: 'UC', store: 'dynamo-uc-case-marks.ts',
    attributes: 'caseId, basis, bases (SS), dropId, lastSeenDropId, omittedFromDropId/omittedAt, markRun/markBy/markDrop, unmatchedAor; aNumber, firstName, lastName (PII)' }),
  family({ name: 'fta', pk: 'CASE#<IDNCASE>', sk: 'FTA#<ftaId>', pkPattern: CASE_PK, skPattern: `FTA#${ID}`, store: 'dynamo-ftas.ts',
    attributes: 'kind, ids, date, court, aor, status, provenance, recordedAt, recordBy/rescindBy, publishedAt; outboxPk/outboxSk while not queued' }),
  family({ name: 'rescission', pk: 'CASE#<IDNCASE>', sk: 'RESCISSION#<ftaId>', pkPattern: CASE_PK, skPattern: `RESCISSION#${ID}`, store: 'dynamo-ftas.ts',
    attributes: 'message (FTA_RESCINDED); outboxPk OUTBOX#RESCINDED/outboxSk until queued' }),
  family({ name: 'signalsMarker', pk: 'CASE#<IDNCASE>', sk: 'SIGS', pkPattern: CASE_PK, skPattern: 'SIGS', store: 'dynamo-fta-signals.ts',
    attributes: 'orders (SS), noShows (SS), settled' }),
  family({ name: 'signal', pk: 'CASE#<IDNCASE>', sk: 'SIG#<ftaId>', pkPattern: CASE_PK, skPattern: `SIG#${ID}`, store: 'dynamo-fta-signals.ts',
    attributes: 'FTA fields, seen (SS), withdrawals (SS); read only: written before sightings and withdrawals had items of their own, read as one more set of them' }),
  family({ name: 'signalSighting', pk: 'CASE#<IDNCASE>', sk: 'SIG#<ftaId>#SEEN#<dropId>', pkPattern: CASE_PK, skPattern: `SIG#${ID}#SEEN#${ID}`, store: 'dynamo-fta-signals.ts',
    attributes: 'FTA fields with this drop\'s provenance, asOf, dropId' }),
  family({ name: 'signalWithdrawal', pk: 'CASE#<IDNCASE>', sk: 'SIG#<ftaId>#OUT#<dropId>#<reason>', pkPattern: CASE_PK, skPattern: `SIG#${ID}#OUT#${ID}#[A-Z_]+`,
    store: 'dynamo-fta-signals.ts', attributes: 'ftaId, caseId, asOf, reason, dropId' }),
  family({ name: 'hearing', pk: 'CASE#<IDNCASE>', sk: 'HEARING#<IDNSCHEDULE>', pkPattern: CASE_PK, skPattern: `HEARING#${ID}`, store: 'dynamo-case-hearings.ts',
    attributes: 'scheduleId, proceedingId, date, court, adjRsn, medium, calType, outcome, dropId' }),
  family({ name: 'upcomingHearing', pk: 'CASE#<IDNCASE>', sk: 'UPCOMING_HEARING', pkPattern: CASE_PK, skPattern: 'UPCOMING_HEARING', store: 'dynamo-upcoming-hearings.ts',
    attributes: 'date, time, calType, medium, court, scheduleId, source, asOf, dropId, status; hearingDay while UPCOMING (index hearingsByDay)' }),
  family({ name: 'caseAddress', pk: 'CASE#<IDNCASE>', sk: 'ADDR#<source>#AD#<hmac>', pkPattern: CASE_PK, skPattern: `ADDR#[A-Z_]+#AD#${HMAC}`, store: 'dynamo-address-history.ts',
    attributes: 'source, street, city, state, zip (PII), asOf, firstSeenDropId, lastSeenDropId (EOIR addresses, keyed by content)' }),
  family({ name: 'datedAddress', pk: 'CASE#<IDNCASE> | AN#<hmac>', sk: 'ADDR#<source>#<yyyy-mm-dd>', pkPattern: new RegExp(`^(CASE#${ID}|AN#${HMAC})$`),
    skPattern: 'ADDR#[A-Z_]+#\\d{4}-\\d{2}-\\d{2}', store: 'dynamo-address-history.ts', attributes: 'source, asOf, street, city, state, zip (PII), rosterId?' }),
  family({ name: 'legacyDatedAddress', pk: 'CASE#<IDNCASE> | AN#<hmac>', sk: 'ADDR#<yyyy-mm-dd>#<source>', pkPattern: new RegExp(`^(CASE#${ID}|AN#${HMAC})$`),
    skPattern: 'ADDR#\\d{4}-\\d{2}-\\d{2}#[A-Z_]+', store: 'dynamo-address-history.ts',
    attributes: 'as datedAddress; read only: written before the one address scheme, superseded by a datedAddress of the same source and day' }),
  family({ name: 'addressFlag', pk: 'CASE#<IDNCASE>', sk: 'ADDRFLAG', pkPattern: CASE_PK, skPattern: 'ADDRFLAG', store: 'dynamo-address-history.ts',
    attributes: 'disagree, pairs (source|source), at' }),
  family({ name: 'rosterLink', pk: 'CASE#<IDNCASE>', sk: 'ROSTER#AN#<hmac>', pkPattern: CASE_PK, skPattern: `ROSTER#AN#${HMAC}`, store: 'dynamo-roster-ucs.ts',
    attributes: 'caseId, rosterId; aNumber (PII)' }),
  family({ name: 'reverifyTask', pk: 'CASE#<IDNCASE>', sk: 'TASK#REVERIFY#<ftaId>', pkPattern: CASE_PK, skPattern: `TASK#REVERIFY#${ID}`, store: 'dynamo-task-store.ts',
    attributes: 'ftaId, caseId, aor, status, openedAt, dueDate, closedAt, closedReason' }),
  family({ name: 'notice', pk: 'CASE#<IDNCASE> | DIGEST | RECONCILIATION', sk: 'NOTICE#<noticeId>', pkPattern: new RegExp(`^(CASE#${ID}|DIGEST|RECONCILIATION)$`),
    skPattern: `NOTICE#.+`, store: 'dynamo-notice-ledger.ts', attributes: 'type, ftaId, state, ids and times of the send, counts (no PII)' }),
  family({ name: 'rosterUc', pk: 'AN#<hmac>', sk: 'ROSTER', pkPattern: AN_PK, skPattern: 'ROSTER', store: 'dynamo-roster-ucs.ts',
    attributes: 'roster fields (PII), aor, status, priorFta, ftaCaseId, matchedCaseId, eroNtaServedDate, rosterId, savedAt, rev' }),
  family({ name: 'aNumberCase', pk: 'AN#<hmac>', sk: 'INDEX#CASE#<IDNCASE>', pkPattern: AN_PK, skPattern: `INDEX#CASE#${ID}`, store: 'dynamo-a-number-index.ts',
    attributes: 'caseId, dropId; aNumber (PII)' }),
  family({ name: 'aNumberRoster', pk: 'AN#<hmac>', sk: 'INDEX#ROSTER', pkPattern: AN_PK, skPattern: 'INDEX#ROSTER', store: 'dynamo-a-number-index.ts',
    attributes: 'rosterId (latest roster naming the A-number)' }),
  family({ name: 'backlogEntry', pk: 'BACKLOG#<aor>', sk: 'AN#<hmac>', pkPattern: `BACKLOG#${ID}`, skPattern: `AN#${HMAC}`, store: 'dynamo-nta-backlog.ts',
    attributes: 'aNumber, birthDate, workList (PII), aor, releaseDate, priorFta, safetyFlag, plannedDate, rank' }),
  family({ name: 'planLease', pk: 'LEASE#NTA_PLAN', sk: 'AOR#<aor>', pkPattern: 'LEASE#NTA_PLAN', skPattern: `AOR#${ID}`, store: 'dynamo-nta-backlog.ts',
    attributes: 'owner (token), expiresAt (epoch ms)' }),
  family({ name: 'rosterReport', pk: 'ROSTER#<rosterId>', sk: 'REPORT#<startedAt>', pkPattern: `ROSTER#${ID}`, skPattern: 'REPORT#.+', store: 'dynamo-roster-ucs.ts',
    attributes: 'rosterId, report (map)' }),
  family({ name: 'openTask', pk: 'TASKS#<aor|NONE>', sk: '<dueDate>#<ftaId>', pkPattern: `TASKS#${ID}`, skPattern: `\\d{4}-\\d{2}-\\d{2}#${ID}`, store: 'dynamo-task-store.ts',
    attributes: 'caseId, ftaId, dueDate (only while the task is open)' }),
  family({ name: 'dropReport', pk: 'DROP#<dropId>', sk: 'REPORT#<startedAt>', pkPattern: `DROP#${ID}`, skPattern: 'REPORT#.+', store: 'dynamo-drop-reports.ts',
    attributes: 'dropId, report (map)' }),
  family({ name: 'dropAsOf', pk: 'DROP#<dropId>', sk: 'AS_OF', pkPattern: `DROP#${ID}`, skPattern: 'AS_OF', store: 'dynamo-drop-as-of.ts', attributes: 'dropId, asOf, source' }),
  family({ name: 'dropRun', pk: 'DROP#<dropId>', sk: 'RUN#<runId>', pkPattern: `DROP#${ID}`, skPattern: `RUN#${ID}`, store: 'dynamo-drop-ledger.ts',
    attributes: 'run (plan), stage, done<stage>, advancedBy<stage>, followedUp<stage>, report' }),
  family({ name: 'runChunk', pk: 'DROP#<dropId>', sk: 'RUN#<runId>#CHUNK#<table>#<start>', pkPattern: `DROP#${ID}`, skPattern: `RUN#${ID}#CHUNK#.+`, store: 'dynamo-drop-ledger.ts',
    attributes: 'result (counts of one byte range)' }),
  family({ name: 'runSettle', pk: 'DROP#<dropId>', sk: 'RUN#<runId>#SETTLE#<IDNCASE>', pkPattern: `DROP#${ID}`, skPattern: `RUN#${ID}#SETTLE#${ID}`, store: 'dynamo-drop-ledger.ts',
    attributes: 'caseId' }),
  family({ name: 'runKey', pk: 'DROP#<dropId>', sk: 'RUN#<runId>#KEY#<table>#<key>', pkPattern: `DROP#${ID}`, skPattern: `RUN#${ID}#KEY#.+`, store: 'dynamo-drop-keys.ts',
    attributes: 'table, key, firstChunk, ftaChunk, vals (SS)' }),
  family({ name: 'readingClaim', pk: 'READING#DROPS', sk: 'DROP#<dropId>', pkPattern: 'READING#DROPS', skPattern: `DROP#${ID}`, store: 'dynamo-reading-drops.ts',
    attributes: 'dropId, runId, until (ISO time); only while a run reads the drop' }),
  family({ name: 'handOff', pk: 'DROP#<dropId>', sk: 'HANDOFF#<IDNCASE>', pkPattern: `DROP#${ID}`, skPattern: `HANDOFF#${ID}`, store: 'dynamo-reading-drops.ts',
    attributes: 'caseId; until the drop\'s finish settles it' }),
  family({ name: 'reminded', pk: 'REMINDED', sk: '<hearingDate>#<IDNCASE>', pkPattern: 'REMINDED', skPattern: `\\d{4}-\\d{2}-\\d{2}#${ID}`, store: 'dynamo-upcoming-hearings.ts',
    attributes: 'caseId, hearingDate, noticeId, horizon' }),
  family({ name: 'courtAddress', pk: 'COURT#<BASE_CITY_CODE>', sk: 'ADDRESS', pkPattern: `COURT#${ID}`, skPattern: 'ADDRESS', store: 'dynamo-court-addresses.ts',
    attributes: 'street, city, state, zip (public), asOf, dropId' }),
  family({ name: 'oplaExport', pk: 'OPLA#EXPORT', sk: 'EXPORT#<exportId>', pkPattern: 'OPLA#EXPORT', skPattern: `EXPORT#${ID}`, store: 'dynamo-reconciliation-basis.ts',
    attributes: 'exportId, objectKey, firstArrivedAt, read, accepted, rejected' }),
  family({ name: 'aggregate', pk: 'AGG#<name>', sk: 'see shared/domain/program-metrics.ts', store: 'program-aggregates.ts',
    pkPattern: new RegExp(`^(${Object.values(AGG).join('|')})$`), skPattern: /^(?!LAST$).+/, attributes: 'counters (ADD), aor' }),
  family({ name: 'sendSlots', pk: 'SEND_SLOTS', sk: '<pool>', pkPattern: 'SEND_SLOTS', skPattern: '[A-Z_]+', store: 'dynamo-notice-send-slots.ts',
    attributes: 'next (epoch ms of the pool\'s next free send slot)' }),
  family({ name: 'lastDrop', pk: 'AGG#DROP', sk: 'LAST', pkPattern: 'AGG#DROP', skPattern: 'LAST', store: 'dynamo-drop-reports.ts', attributes: 'lastDropAt, dropId' }),
];

/** The families a key belongs to (exactly one for every key the builders make). */
export function familiesOf(key: ItemKey): ItemFamily[] {
  return ITEM_FAMILIES.filter((f) => f.pkPattern.test(key.pk) && f.skPattern.test(key.sk));
}
