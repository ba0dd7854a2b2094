import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RescissionReason } from '../../domain/fta';
import type { FtaSignal, Sighting, StoredSignal, Withdrawal } from '../../domain/fta-signal';
import type { CaseEvidence, FtaSignalStore, SightingWriteOptions, SignalSighting, WithdrawalEvidence } from '../../ports/fta-signals';
import { mapWithLimit } from '../../lib/concurrency';
import { ftaFromItem } from './fta-item';
import { batchGetItems, batchPutItems, queryPartition } from './batch-and-query';
import { caseIdOfPk, casePk, keys, SK_PREFIX } from './keys';
import { isConditionFailure, TRANSACT_MAX_ITEMS } from './transactions';
import { sendUpdatesGrouped, type GroupedUpdate } from './grouped-updates';

/*
 * Items in the cases table, in the case's partition (the UC mark `CASE#<IDNCASE>`/`UC` is
 * the case store's; it is read here, never written):
 *   signals marker  pk CASE#<IDNCASE>  sk SIGS                          orders (SS `<IDNPROCEEDING>|<date>`),
 *                                                                       noShows (SS IDNSCHEDULE), settled
 *   sighting        pk CASE#<IDNCASE>  sk SIG#<ftaId>#SEEN#<dropId>     FTA fields with this drop's provenance,
 *                                                                       asOf, dropId
 *   withdrawal      pk CASE#<IDNCASE>  sk SIG#<ftaId>#OUT#<dropId>#<reason>   asOf, reason, dropId
 *   signal (legacy) pk CASE#<IDNCASE>  sk SIG#<ftaId>                   FTA fields, first provenance; seen (SS
 *                                                                       `<asOf>|<dropId>`), withdrawals (SS
 *                                                                       `<asOf>|<reason>|<dropId>`)
 * Only ABSENTIA `Y` proceedings and ADJ_RSN `11` schedules get a sighting (any case); the
 * marker lets a drop check an `N` row or another reason only for cases that have one.
 *
 * A sighting and a withdrawal are each one drop's evidence, their content a function of the
 * row and the drop alone: they are written as puts, 25 to a BatchWriteItem, and a re-run
 * writes the same items. A signal is the union of its items (legacy items, written by one
 * UpdateItem per signal before this scheme, are read in place as one more sighting set):
 * its fields are the legacy item's, else those of its sighting with the earliest as-of.
 * The marker is written after the sightings it lists (a listed signal always exists), once
 * per case and call, and only when it lacks one of them.
 */
const CONCURRENCY = 16;

/** The entries one marker write adds for a case. */
interface MarkerEntries {
  readonly caseId: string;
  readonly orders: Set<string>;
  readonly noShows: Set<string>;
  ucCase: boolean;
}
/** Cases whose marker this store instance wrote, kept to decide when a put may create one. */
const TOUCHED_MAX = 250_000;

export interface DynamoFtaSignalsOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

export function createDynamoFtaSignals({ client, tableName }: DynamoFtaSignalsOptions): FtaSignalStore {
  /*
   * A marker is created by a put only when no write of this store instance touched it (a
   * batch's lookup saw no marker, and no write of ours can have landed since): two batches
   * of one invocation never overwrite each other's entries. The put is conditional on the
   * marker not existing (puts go 100 to a TransactWriteItems), so another invocation's
   * marker written since the lookup (two drops read at once, a duplicate S3 event) is never
   * overwritten: a transaction that is cancelled for any reason has its markers written as
   * unions instead. Every other marker write is an UpdateItem ADD (a union), sent after any
   * put of the same marker still in flight. Past TOUCHED_MAX cases the set is dropped and
   * puts stop for the store's lifetime.
   */
  const touched = new Set<string>();
  let putsAllowed = true;
  const putsInFlight = new Map<string, Promise<void>>();

  const queryCases = async (caseIds: Iterable<string>): Promise<StoredSignal[]> => {
    const lists = await mapWithLimit([...new Set(caseIds)], CONCURRENCY, async (caseId) =>
      signalsFromItems(await queryPartition(client, tableName, { pk: casePk(caseId), skPrefix: SK_PREFIX.signal, consistentRead: true })),
    );
    return lists.flat();
  };

  /** The union of a marker and `entries` (creating it when absent): never loses an entry. */
  const markerUnion = (u: MarkerEntries): GroupedUpdate => {
    const adds: string[] = [];
    const values: Record<string, unknown> = { ':c': u.caseId, ':uc': u.ucCase };
    if (u.orders.size > 0) {
      adds.push('orders :o');
      values[':o'] = u.orders;
    }
    if (u.noShows.size > 0) {
      adds.push('noShows :n');
      values[':n'] = u.noShows;
    }
    return {
      TableName: tableName,
      Key: keys.signalsMarker(u.caseId),
      UpdateExpression: `SET caseId = :c, settled = if_not_exists(settled, :uc) ADD ${adds.join(', ')}`,
      ExpressionAttributeValues: values,
    };
  };
  const addToMarker = async (u: MarkerEntries): Promise<void> => {
    await client.send(new UpdateCommand(markerUnion(u)));
  };

  /**
   * New markers, each put only if no marker exists, 100 to a transaction. A transaction
   * cancelled (a marker written since the lookup, or a conflicting write) has its markers
   * written as unions (the caller's unions of the same markers wait for this).
   */
  const createMarkers = async (puts: readonly Record<string, unknown>[], byCase: ReadonlyMap<string, MarkerEntries>): Promise<void> => {
    const groups: Record<string, unknown>[][] = [];
    for (let i = 0; i < puts.length; i += TRANSACT_MAX_ITEMS) groups.push(puts.slice(i, i + TRANSACT_MAX_ITEMS));
    await mapWithLimit(groups, CONCURRENCY, async (group) => {
      try {
        await client.send(new TransactWriteCommand({
          TransactItems: group.map((Item) => ({ Put: { TableName: tableName, Item, ConditionExpression: 'attribute_not_exists(pk)' } })),
        }));
      } catch (err) {
        if (!(err instanceof TransactionCanceledException)) throw err;
        await mapWithLimit(group, CONCURRENCY, async (item) => {
          const entries = byCase.get(caseIdOfPk(String(item.pk)));
          if (entries !== undefined) await addToMarker(entries);
        });
      }
    });
  };

  /** One marker write per case: the entries its known marker lacks (all of them when unknown). */
  const writeMarkers = async (sightings: readonly SignalSighting[], options: SightingWriteOptions): Promise<void> => {
    const byCase = new Map<string, MarkerEntries>();
    for (const { signal: s, ucCase } of sightings) {
      let m = byCase.get(s.caseId);
      if (m === undefined) byCase.set(s.caseId, (m = { caseId: s.caseId, orders: new Set(), noShows: new Set(), ucCase }));
      m.ucCase ||= ucCase;
      if (isListed(s, options.known?.get(s.caseId))) continue;
      if (s.kind === 'IN_ABSENTIA_ORDER') m.orders.add(`${s.proceedingId}|${s.date}`);
      else m.noShows.add(s.scheduleId ?? '');
    }
    const puts: Record<string, unknown>[] = [];
    const updates: (MarkerEntries & { after?: Promise<void> })[] = [];
    // Decided without an await between the check and the note in `touched`.
    for (const [caseId, m] of byCase) {
      if (m.orders.size === 0 && m.noShows.size === 0) continue;
      const evidence = options.known?.get(caseId);
      const create = options.soleWriter === true && putsAllowed && evidence !== undefined && evidence.signals === null && !touched.has(caseId);
      if (touched.size >= TOUCHED_MAX) {
        touched.clear();
        putsAllowed = false;
      }
      touched.add(caseId);
      if (create) {
        puts.push({
          ...keys.signalsMarker(caseId), caseId, settled: m.ucCase,
          ...(m.orders.size > 0 ? { orders: m.orders } : {}), ...(m.noShows.size > 0 ? { noShows: m.noShows } : {}),
        });
      } else updates.push({ ...m, after: putsInFlight.get(caseId) });
    }
    const putting = puts.length === 0 ? Promise.resolve() : createMarkers(puts, byCase);
    for (const p of puts) putsInFlight.set(caseIdOfPk(String(p.pk)), putting);
    try {
      await Promise.all([
        putting,
        (async () => {
          // A put that failed or was refused leaves the union below to land.
          await Promise.all(updates.map((u) => u.after?.catch(() => undefined)));
          // Unions, up to 100 to a transaction (each case's marker once per call).
          await sendUpdatesGrouped(client, updates.map(markerUnion));
        })(),
      ]);
    } finally {
      for (const p of puts) {
        const caseId = caseIdOfPk(String(p.pk));
        if (putsInFlight.get(caseId) === putting) putsInFlight.delete(caseId);
      }
    }
  };

  return {
    async lookupCases(caseIds) {
      const uc = new Map<string, Record<string, unknown>>();
      const markers = new Map<string, Record<string, unknown>>();
      // The UC mark and the signals marker of a case are read in the same BatchGetItem.
      const items = await batchGetItems(client, tableName, [...new Set(caseIds)].flatMap((id) => [keys.ucMark(id), keys.signalsMarker(id)]), { consistentRead: true });
      for (const item of items) {
        const id = caseIdOfPk(String(item.pk));
        if (item.sk === 'UC') uc.set(id, item);
        else markers.set(id, item);
      }
      const found = new Map<string, CaseEvidence>();
      for (const id of new Set(caseIds)) {
        const m = markers.get(id);
        const markDrop = uc.get(id)?.markDrop;
        found.set(id, {
          uc: uc.has(id),
          ...(typeof markDrop === 'string' ? { markedByDrop: markDrop } : {}),
          settled: m?.settled === true,
          signals:
            m === undefined
              ? null
              : {
                  orders: new Map([...asSet(m.orders)].map((e) => e.split('|') as [string, string])),
                  noShows: asSet(m.noShows),
                },
        });
      }
      return found;
    },

    async recordSightings(sightings: readonly SignalSighting[], options: SightingWriteOptions = {}) {
      const unique = [...new Map(sightings.map((s) => [`${s.signal.ftaId}|${s.asOf}|${s.signal.provenance.dropId}`, s])).values()];
      if (unique.length === 0) return [];
      // The sightings first: a signal the marker lists must exist (it may be withdrawn later).
      await batchPutItems(client, tableName, unique.map(({ signal: s, asOf }) => ({
        ...keys.signalSighting(s.caseId, s.ftaId, s.provenance.dropId), type: 'FTA_SIGHTING', ...signalFields(s), asOf, dropId: s.provenance.dropId,
      })));
      await writeMarkers(unique, options);
      // A UC case's signal its marker (as looked up) did not list is new: this sighting is all
      // its evidence (a withdrawal is only written for a listed signal). The others, and
      // those of cases not looked up, are read back whole.
      const fresh: StoredSignal[] = [];
      const readBack = new Set<string>();
      for (const { signal: s, asOf, ucCase } of unique) {
        if (!ucCase) continue;
        const known = options.known?.get(s.caseId);
        if (known === undefined || isListed(s, known)) readBack.add(s.caseId);
        else fresh.push({ ...s, seen: [{ asOf, dropId: s.provenance.dropId }], withdrawals: [] });
      }
      if (readBack.size === 0) return fresh;
      const sighted = new Set(unique.filter((s) => readBack.has(s.signal.caseId)).map((s) => s.signal.ftaId));
      return [...fresh, ...(await queryCases(readBack)).filter((s) => sighted.has(s.ftaId))];
    },

    async recordWithdrawals(evidence: readonly WithdrawalEvidence[], returnCases?: ReadonlySet<string>) {
      const unique = [...new Map(evidence.map((e) => [`${e.ftaId}|${withdrawalEntry(e.withdrawal)}`, e])).values()];
      if (unique.length === 0) return [];
      // Only signals a marker lists are withdrawn (the rules read the marker), and a listed
      // signal exists; a withdrawal item of a signal that does not is read as nothing.
      await batchPutItems(client, tableName, unique.map((e) => ({
        ...keys.signalWithdrawal(e.caseId, e.ftaId, e.withdrawal.dropId, e.withdrawal.reason), type: 'FTA_WITHDRAWAL',
        ftaId: e.ftaId, caseId: e.caseId, asOf: e.withdrawal.asOf, reason: e.withdrawal.reason, dropId: e.withdrawal.dropId,
      })));
      const cases = new Set(unique.map((e) => e.caseId).filter((id) => returnCases === undefined || returnCases.has(id)));
      if (cases.size === 0) return [];
      const withdrawn = new Set(unique.map((e) => e.ftaId));
      return (await queryCases(cases)).filter((s) => withdrawn.has(s.ftaId));
    },

    async signalsOfCases(caseIds) {
      return queryCases(caseIds);
    },

    async markSettled(caseIds) {
      await mapWithLimit([...new Set(caseIds)], CONCURRENCY, async (caseId) => {
        try {
          await client.send(
            new UpdateCommand({
              TableName: tableName,
              Key: keys.signalsMarker(caseId),
              UpdateExpression: 'SET settled = :t',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':t': true },
            }),
          );
        } catch (err) {
          // A case without signals has nothing to settle.
          if (!isConditionFailure(err)) throw err;
        }
      });
    },
  };
}

/** Whether the case's marker, as looked up (unknown: no), lists the signal. */
function isListed(s: FtaSignal, evidence: CaseEvidence | undefined): boolean {
  const known = evidence?.signals;
  if (known === undefined || known === null) return false;
  return s.kind === 'IN_ABSENTIA_ORDER' ? known.orders.get(s.proceedingId) === s.date : known.noShows.has(s.scheduleId ?? '');
}

const withdrawalEntry = (w: Withdrawal): string => `${w.asOf}|${w.reason}|${w.dropId}`;

function asSet(value: unknown): Set<string> {
  if (value instanceof Set) return new Set([...value].map(String));
  if (Array.isArray(value)) return new Set(value.map(String));
  return new Set();
}

/** The FTA fields of a signal as its items store them (provenance as sourceDropId, sourceTable, sourceLine). */
function signalFields(s: FtaSignal): Record<string, unknown> {
  return {
    ftaId: s.ftaId, kind: s.kind, caseId: s.caseId, proceedingId: s.proceedingId, scheduleId: s.scheduleId,
    date: s.date, court: s.court, aor: s.aor, sourceDropId: s.provenance.dropId, sourceTable: s.provenance.table,
    sourceLine: s.provenance.lineNumber,
  };
}

/**
 * The signals a case partition's `SIG#` items hold, one per ftaId: the union of the legacy
 * item's sets and of the sighting and withdrawal items. A signal with neither a legacy item
 * nor a sighting (a withdrawal alone) is not a signal.
 */
export function signalsFromItems(items: readonly Record<string, unknown>[]): StoredSignal[] {
  const byId = new Map<string, { legacy?: Record<string, unknown>; sightings: Record<string, unknown>[]; withdrawals: Record<string, unknown>[] }>();
  for (const item of items) {
    const id = String(item.ftaId);
    let g = byId.get(id);
    if (g === undefined) byId.set(id, (g = { sightings: [], withdrawals: [] }));
    if (item.type === 'FTA_SIGHTING') g.sightings.push(item);
    else if (item.type === 'FTA_WITHDRAWAL') g.withdrawals.push(item);
    else if (item.sk === `${SK_PREFIX.signal}${id}`) g.legacy = item;
  }
  const out: StoredSignal[] = [];
  for (const g of byId.values()) {
    const first = [...g.sightings].sort((a, b) => String(a.asOf).localeCompare(String(b.asOf)) || String(a.dropId).localeCompare(String(b.dropId)))[0];
    const fields = g.legacy?.kind !== undefined ? g.legacy : first;
    if (fields === undefined) continue;
    const seen = new Map<string, Sighting>();
    for (const e of asSet(g.legacy?.seen)) {
      const [asOf, ...drop] = e.split('|');
      seen.set(e, { asOf: asOf ?? '', dropId: drop.join('|') });
    }
    for (const x of g.sightings) seen.set(`${String(x.asOf)}|${String(x.dropId)}`, { asOf: String(x.asOf), dropId: String(x.dropId) });
    const withdrawals = new Map<string, Withdrawal>();
    for (const e of asSet(g.legacy?.withdrawals)) {
      const [asOf, reason, ...drop] = e.split('|');
      withdrawals.set(e, { asOf: asOf ?? '', reason: reason as RescissionReason, dropId: drop.join('|') });
    }
    for (const x of g.withdrawals) {
      const w: Withdrawal = { asOf: String(x.asOf), reason: x.reason as RescissionReason, dropId: String(x.dropId) };
      withdrawals.set(withdrawalEntry(w), w);
    }
    out.push({ ...ftaFromItem(fields), seen: [...seen.values()], withdrawals: [...withdrawals.values()] });
  }
  return out;
}
