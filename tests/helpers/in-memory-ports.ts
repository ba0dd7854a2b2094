import type { DropChunkMessage } from '../../shared/messages/drop-chunk';
import type { ChunkQueue } from '../../shared/ports/chunk-queue';
import type { DropReport } from '../../shared/domain/drop-report';
import type { EoirTableName } from '../../shared/domain/eoir-table';
import { NO_CASE_DETAILS, type CaseDetails } from '../../shared/domain/case-details';
import type { Fta } from '../../shared/domain/fta';
import type { StoredSignal } from '../../shared/domain/fta-signal';
import type { ReadingDrops } from '../../shared/ports/reading-drops';
import type { ANumberIndex, CaseEvidence, DropAsOf, DropAsOfStore, FtaSignalStore } from '../../shared/ports/fta-signals';
import type { FtaEventMessage } from '../../shared/messages/fta-event';
import type { FtaRescindedMessage } from '../../shared/messages/fta-rescinded';
import type {
  EoirAddressSighting,
  CaseStore,
  Hearing,
  RecordOutcome,
  StoredFta,
  StoredOpenFta,
} from '../../shared/ports/case-store';
import type { Clock } from '../../shared/ports/clock';
import type { DocketSource, DropRef, TableFile } from '../../shared/ports/docket-source';
import type { DropStaging } from '../../shared/ports/drop-staging';
import type { FtaPublisher } from '../../shared/ports/fta-publisher';
import type { Log } from '../../shared/ports/log';
import type { NoticeCaseReader, StoredFta as NoticeCaseFta } from '../../shared/ports/notice-case';
import type { NoticeKey, NoticeLedger, NoticeRecord } from '../../shared/ports/notice-ledger';
import type { Quarantine, QuarantinedRow } from '../../shared/ports/quarantine';
import type { SendSlots } from '../../shared/ports/send-slots';

/**
 * Port implementations in memory, for use-case unit tests and the bench's no-I/O ingest
 * core (adapters are tested on the emulators). Table bodies are latin1 strings or bytes;
 * `chunkSize` splits each stream into pieces of that size, as a network stream would.
 */
export function memoryDocketSource(
  files: Partial<Record<EoirTableName, string | Buffer>>,
  options: { countFile?: string; chunkSize?: number; operatorAsOf?: string } = {},
): DocketSource {
  const bytes = (t: EoirTableName): Buffer => {
    const f = files[t] ?? '';
    return typeof f === 'string' ? Buffer.from(f, 'latin1') : f;
  };
  return {
    async listDrop() {
      const tables = new Map<EoirTableName, readonly TableFile[]>(
        (Object.keys(files) as EoirTableName[]).map((t) => [t, [{ key: t, size: bytes(t).length, rangeReadable: true }]]),
      );
      return {
        tables,
        countFile: options.countFile === undefined ? null : Buffer.from(options.countFile),
        refused: new Map(),
        ...(options.operatorAsOf === undefined ? {} : { operatorAsOf: options.operatorAsOf }),
      };
    },
    async *openTable(_drop: DropRef, key: string, fromByte = 0): AsyncIterable<Uint8Array> {
      const all = bytes(key as EoirTableName);
      const size = options.chunkSize ?? 64 * 1024;
      for (let at = fromByte; at < all.length; at += size) yield all.subarray(at, at + size);
    },
  };
}

export type MemoryFta = StoredFta & { published: boolean; status: 'OPEN' | 'RESCINDED'; rescindReason?: string; recordBy?: string; rescindBy?: string };

export function memoryCaseStore(): CaseStore & {
  ucCases: Set<string>;
  ftas: Map<string, MemoryFta>;
  reports: DropReport[];
  hearings: Map<string, Hearing>;
  addresses: Map<string, EoirAddressSighting>;
  sightings: Map<string, string>;
  omitted: Map<string, string>;
  rescissionOutbox: FtaRescindedMessage[];
  signals: FtaSignalStore & { items: Map<string, StoredSignal> };
  aNumbers: ANumberIndex & { cases: Map<string, Set<string>>; roster: Set<string> };
  dropAsOf: DropAsOfStore & { items: Map<string, DropAsOf> };
  readingDrops: ReturnType<typeof memoryReadingDrops>;
} {
  const ucCases = new Set<string>();
  const ftas = new Map<string, MemoryFta>();
  const reports: DropReport[] = [];
  const hearings = new Map<string, Hearing>();
  const addresses = new Map<string, EoirAddressSighting>();
  const sightings = new Map<string, string>();
  const omitted = new Map<string, string>();
  const rescissionOutbox: FtaRescindedMessage[] = [];
  const markClaims = new Map<string, { runId: string; by: string; dropId: string }>();
  const open = (f: MemoryFta): StoredOpenFta => ({ ...f.fta, aor: f.fta.aor });
  return {
    ucCases, ftas, reports, hearings, addresses, sightings, omitted, rescissionOutbox,
    signals: memoryFtaSignals(ucCases, (id) => markClaims.get(id)?.dropId),
    aNumbers: memoryANumberIndex(),
    dropAsOf: memoryDropAsOf(),
    readingDrops: memoryReadingDrops(),
    async recordRescindedFtas(list, recordedAt) {
      let n = 0;
      for (const r of list) {
        if (ftas.has(r.fta.ftaId)) continue;
        // Never in the outbox: published from the start.
        ftas.set(r.fta.ftaId, { fta: r.fta, recordedAt, published: true, status: 'RESCINDED', rescindReason: r.reason });
        n += 1;
      }
      return n;
    },
    async markUcCases(marks, claim) {
      let claimed = 0;
      for (const m of marks) {
        ucCases.add(m.caseId);
        if (claim === undefined) claimed += 1;
        else {
          const held = markClaims.get(m.caseId);
          if (held === undefined || held.runId !== claim.runId || held.by === claim.by) {
            markClaims.set(m.caseId, { ...claim, dropId: m.dropId });
            claimed += 1;
          }
        }
      }
      return claimed;
    },
    async findUcCases(ids) {
      return new Set(ids.filter((id) => ucCases.has(id)));
    },
    async recordFtas(list: readonly Fta[], recordedAt: string, by?: string): Promise<RecordOutcome[]> {
      return list.map((fta) => {
        const stored = ftas.get(fta.ftaId);
        if (stored) return by !== undefined && stored.recordBy === by ? 'new' : 'repeated';
        ftas.set(fta.ftaId, { fta, recordedAt, published: false, status: 'OPEN', recordBy: by });
        return 'new';
      });
    },
    async *unpublishedFtas() {
      const page = [...ftas.values()].filter((f) => !f.published);
      if (page.length) yield page;
    },
    async markFtasPublished(list: readonly Fta[]) {
      for (const f of list) {
        const entry = ftas.get(f.ftaId);
        if (entry) entry.published = true;
      }
    },
    async saveDropReport(report: DropReport) {
      reports.push(report);
    },
    async recordCaseSightings(list) {
      for (const s of list) {
        sightings.set(s.caseId, s.dropId);
        omitted.delete(s.caseId);
      }
    },
    async recordAddresses(entries) {
      for (const e of entries) addresses.set(`${e.caseId}|${e.source}|${JSON.stringify(e.address)}|${e.changedOn}`, e);
    },
    async recordHearings(list) {
      for (const h of list) hearings.set(h.scheduleId, h);
    },
    async findOpenFtas(keys, by) {
      return keys.flatMap((k) => {
        const f = ftas.get(k.ftaId);
        return f && (f.status === 'OPEN' || (by !== undefined && f.rescindBy === by)) && f.fta.caseId === k.caseId ? [open(f)] : [];
      });
    },
    async openFtasOfCases(caseIds, by) {
      const ids = new Set(caseIds);
      return [...ftas.values()].filter((f) => (f.status === 'OPEN' || (by !== undefined && f.rescindBy === by)) && ids.has(f.fta.caseId)).map(open);
    },
    async rescindFtas(list, rescindedAt, by) {
      let n = 0;
      for (const r of list) {
        const f = ftas.get(r.fta.ftaId);
        if (f && f.status === 'RESCINDED' && by !== undefined && f.rescindBy === by) n += 1;
        if (!f || f.status !== 'OPEN') continue;
        f.status = 'RESCINDED';
        f.rescindReason = r.reason;
        f.rescindBy = by;
        rescissionOutbox.push({
          type: 'FTA_RESCINDED', version: 1, ftaId: f.fta.ftaId, kind: f.fta.kind, caseId: f.fta.caseId,
          aor: f.fta.aor, reason: r.reason, dropId: r.dropId, rescindedAt,
        });
        n += 1;
      }
      return n;
    },
    async *unpublishedRescissions() {
      if (rescissionOutbox.length) yield [...rescissionOutbox];
    },
    async markRescissionsPublished(messages) {
      for (const m of messages) {
        const i = rescissionOutbox.findIndex((x) => x.ftaId === m.ftaId);
        if (i >= 0) rescissionOutbox.splice(i, 1);
      }
    },
    async flagUcCasesNotSeen(dropId) {
      let n = 0;
      for (const id of ucCases) {
        if (sightings.get(id) !== dropId && (!omitted.has(id) || omitted.get(id) === dropId)) {
          omitted.set(id, dropId);
          n += 1;
        }
      }
      return n;
    },
  };
}

/** FTA signals in memory (`ucCases`: the case store's UC marks, read by lookupCases). */
export function memoryFtaSignals(ucCases: ReadonlySet<string>, markDropOf: (caseId: string) => string | undefined = () => undefined): FtaSignalStore & { items: Map<string, StoredSignal> } {
  const items = new Map<string, StoredSignal>();
  const settled = new Map<string, boolean>();
  const ofCase = (caseId: string): StoredSignal[] => [...items.values()].filter((s) => s.caseId === caseId);
  return {
    items,
    async lookupCases(caseIds) {
      const found = new Map<string, CaseEvidence>();
      for (const id of caseIds) {
        const list = ofCase(id);
        const markedByDrop = markDropOf(id);
        found.set(id, {
          uc: ucCases.has(id),
          ...(markedByDrop === undefined ? {} : { markedByDrop }),
          settled: settled.get(id) === true,
          signals:
            list.length === 0
              ? null
              : {
                  orders: new Map(list.filter((s) => s.kind === 'IN_ABSENTIA_ORDER').map((s) => [s.proceedingId, s.date])),
                  noShows: new Set(list.filter((s) => s.kind === 'NO_SHOW_ADJOURNMENT').map((s) => s.scheduleId ?? '')),
                },
        });
      }
      return found;
    },
    async recordSightings(list) {
      return list.map(({ signal, asOf, ucCase }) => {
        if (!settled.has(signal.caseId)) settled.set(signal.caseId, ucCase);
        const stored = items.get(signal.ftaId) ?? { ...signal, seen: [], withdrawals: [] };
        const dropId = signal.provenance.dropId;
        const known = stored.seen.some((x) => x.asOf === asOf && x.dropId === dropId);
        const next = { ...stored, seen: known ? stored.seen : [...stored.seen, { asOf, dropId }] };
        items.set(signal.ftaId, next);
        return next;
      });
    },
    async recordWithdrawals(list) {
      return list.flatMap((e) => {
        const stored = items.get(e.ftaId);
        if (stored === undefined || stored.caseId !== e.caseId) return [];
        const same = (w: typeof e.withdrawal) => w.asOf === e.withdrawal.asOf && w.reason === e.withdrawal.reason && w.dropId === e.withdrawal.dropId;
        const next = stored.withdrawals.some(same) ? stored : { ...stored, withdrawals: [...stored.withdrawals, e.withdrawal] };
        items.set(e.ftaId, next);
        return [next];
      });
    },
    async signalsOfCases(caseIds) {
      return [...new Set(caseIds)].flatMap(ofCase);
    },
    async markSettled(caseIds) {
      for (const id of caseIds) if (settled.has(id)) settled.set(id, true);
    },
  };
}

/** The A-number index in memory: A-number -> case ids (each pair with the drop that first showed it), and the A-numbers on a roster. */
export function memoryANumberIndex(): ANumberIndex & { cases: Map<string, Set<string>>; roster: Set<string> } {
  const cases = new Map<string, Set<string>>();
  const firstDrop = new Map<string, string>();
  const roster = new Set<string>();
  return {
    cases,
    roster,
    async indexCases(entries, dropId) {
      for (const e of entries) {
        const known = cases.get(e.aNumber) ?? new Set<string>();
        if (!known.has(e.caseId) && dropId !== undefined) firstDrop.set(`${e.aNumber}|${e.caseId}`, dropId);
        cases.set(e.aNumber, new Set([...known, e.caseId]));
      }
      return new Set(entries.filter((e) => roster.has(e.aNumber)).map((e) => e.caseId));
    },
    async indexRoster(aNumbers) {
      for (const a of aNumbers) roster.add(a);
      return [...new Set(aNumbers)].flatMap((aNumber) =>
        [...(cases.get(aNumber) ?? [])].map((caseId) => {
          const dropId = firstDrop.get(`${aNumber}|${caseId}`);
          return { caseId, aNumber, ...(dropId === undefined ? {} : { dropId }) };
        }),
      );
    },
  };
}

/** Claims of drops being read and the cases left to their finish, in memory (`claims`: drop id -> run and until). */
export function memoryReadingDrops(): ReadingDrops & { claims: Map<string, { runId: string; until: string }>; handOffs: Map<string, Set<string>> } {
  const claims = new Map<string, { runId: string; until: string }>();
  const handOffs = new Map<string, Set<string>>();
  return {
    claims,
    handOffs,
    async claim(dropId, runId, until) {
      claims.set(dropId, { runId, until });
    },
    async release(dropId, runId, expiredAt) {
      const held = claims.get(dropId);
      if (held?.runId !== runId || (expiredAt !== undefined && held.until > expiredAt)) return false;
      claims.delete(dropId);
      return true;
    },
    async takeOverExpired(dropId, runId, byRunId, expiredAt) {
      const held = claims.get(dropId);
      if (held?.runId !== runId || held.until > expiredAt) return false;
      claims.set(dropId, { runId: byRunId, until: held.until });
      return true;
    },
    async reading(dropIds, now) {
      return new Set(dropIds.filter((id) => (claims.get(id)?.until ?? '') > now));
    },
    async handOff(dropId, caseIds) {
      handOffs.set(dropId, new Set([...(handOffs.get(dropId) ?? []), ...caseIds]));
    },
    async handedOff(dropId) {
      return [...(handOffs.get(dropId) ?? [])];
    },
    async clearHandOffs(dropId, caseIds) {
      for (const id of caseIds) handOffs.get(dropId)?.delete(id);
    },
    async expired(now) {
      return [...claims].filter(([, c]) => c.until <= now).map(([dropId, c]) => ({ dropId, runId: c.runId }));
    },
  };
}

export function memoryDropAsOf(): DropAsOfStore & { items: Map<string, DropAsOf> } {
  const items = new Map<string, DropAsOf>();
  return {
    items,
    async fix(dropId, candidate) {
      const stored = items.get(dropId);
      if (stored !== undefined) return stored;
      items.set(dropId, candidate);
      return candidate;
    },
  };
}

export function memoryPublisher(options: { failIds?: Set<string> } = {}): FtaPublisher & { sent: FtaEventMessage[] } {
  const sent: FtaEventMessage[] = [];
  return {
    sent,
    async publish(messages) {
      const ok = messages.filter((m) => !options.failIds?.has(m.ftaId));
      sent.push(...ok);
      return new Set(ok.map((m) => m.ftaId));
    },
  };
}

export function memoryQuarantine(): Quarantine & { rows: (QuarantinedRow & { table: EoirTableName })[] } {
  const rows: (QuarantinedRow & { table: EoirTableName })[] = [];
  return {
    rows,
    async write(dropId, table, part, list) {
      rows.push(...list.map((r) => ({ ...r, table })));
      return `quarantine/${dropId}/${table}/${part}.tsv`;
    },
  };
}

export const fixedClock = (iso: string): Clock => ({ now: () => new Date(iso) });

/** A clock one second later at every reading, from `iso`: drops read one after another arrive in that order. */
export function steppingClock(iso: string): Clock {
  let at = Date.parse(iso);
  return { now: () => new Date((at += 1000)) };
}

export const silentLog: Log = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A chunk queue that keeps what was sent; the test delivers the messages (as SQS would, in any order, maybe twice). */
export function memoryChunkQueue(): ChunkQueue & { sent: DropChunkMessage[] } {
  const sent: DropChunkMessage[] = [];
  return {
    sent,
    async send(messages) {
      sent.push(...messages);
    },
  };
}

/** The drop bucket's writes in memory, in the order they were made (`writes`). */
/** `failStreamOf`: a streamed write to a key ending so fails mid-stream (settable between calls). */
export function memoryStaging(options: { failStreamOf?: string } = {}): DropStaging & {
  objects: Map<string, { body: Buffer; contentType: string; metadata: Record<string, string> }>;
  writes: string[];
  failStreamOf?: string;
} {
  const objects = new Map<string, { body: Buffer; contentType: string; metadata: Record<string, string> }>();
  const writes: string[] = [];
  const staging = {
    objects,
    writes,
    failStreamOf: options.failStreamOf,
    async writeStream(key: string, body: AsyncIterable<Uint8Array>, contentType: string, signal?: AbortSignal) {
      const parts: Buffer[] = [];
      for await (const c of body) {
        if (signal?.aborted) throw new Error(`upload of ${key} aborted`);
        parts.push(Buffer.from(c));
        if (staging.failStreamOf !== undefined && key.endsWith(staging.failStreamOf)) throw new Error('connection reset while reading the zip');
      }
      const all = Buffer.concat(parts);
      objects.set(key, { body: all, contentType, metadata: {} });
      writes.push(key);
      return all.length;
    },
    async write(key: string, body: Uint8Array, contentType: string, metadata?: Readonly<Record<string, string>>) {
      objects.set(key, { body: Buffer.from(body), contentType, metadata: { ...metadata } });
      writes.push(key);
    },
    async metadata(key: string) {
      return objects.get(key)?.metadata;
    },
  };
  return staging;
}

/** The notice ledger in memory, with the DynamoDB ledger's conditions. */
export function memoryNoticeLedger(): NoticeLedger & { records: Map<string, NoticeRecord> } {
  const records = new Map<string, NoticeRecord>();
  const id = (k: NoticeKey) => `${k.scope}/${k.noticeId}`;
  return {
    records,
    async get(k) {
      return records.get(id(k));
    },
    async begin(r) {
      if (records.has(id(r))) return false;
      records.set(id(r), { ...r, state: 'SENDING', sentAt: null, sesMessageId: null, providerAcceptedAt: null, bounces: 0, complaints: 0 });
      return true;
    },
    async withhold(r) {
      if (records.has(id(r))) return false;
      records.set(id(r), {
        scope: r.scope, noticeId: r.noticeId, type: r.type, ftaId: r.ftaId, state: 'WITHHELD', withheldReason: r.reason,
        messageIdHeader: '', intentAt: r.at, ftaRecordedAt: null, sentAt: null, sesMessageId: null, providerAcceptedAt: null,
        recipients: 0, bounces: 0, complaints: 0,
      });
      return true;
    },
    async markSent(k, sent) {
      const r = records.get(id(k));
      if (r) records.set(id(k), { ...r, state: 'SENT', sentAt: r.sentAt ?? sent.sentAt, sesMessageId: r.sesMessageId ?? sent.sesMessageId });
    },
    async release(k, messageIdHeader) {
      const r = records.get(id(k));
      if (r?.state !== 'SENDING' || r.messageIdHeader !== messageIdHeader || r.providerAcceptedAt !== null) return false;
      return records.delete(id(k));
    },
    async recordProviderEvent(k, e) {
      const r = records.get(id(k));
      if (!r) return false;
      records.set(id(k), { ...r, sesMessageId: r.sesMessageId ?? e.sesMessageId, providerAcceptedAt: e.type === 'Send' ? e.at : r.providerAcceptedAt });
      return true;
    },
  };
}

/**
 * The notifier's case read over the in-memory ledger: the case's FTAs as `ftasOf` gives them
 * at the moment of the read, their notice records (every record the ledger holds under the
 * case) and the case details.
 */
export function memoryNoticeCase(options: {
  ledger: NoticeLedger & { records: Map<string, NoticeRecord> };
  ftasOf: (caseId: string) => readonly NoticeCaseFta[];
  detailsOf?: (caseId: string) => CaseDetails;
}): NoticeCaseReader {
  return {
    async readCase(caseId) {
      const notices = new Map<string, NoticeRecord>();
      for (const r of options.ledger.records.values()) if (r.scope === caseId) notices.set(r.noticeId, r);
      return {
        ftas: new Map(options.ftasOf(caseId).map((f) => [f.ftaId, f])),
        notices,
        details: options.detailsOf?.(caseId) ?? NO_CASE_DETAILS,
      };
    },
  };
}

/** One pool of send slots in memory (as dynamo-notice-send-slots.ts keeps it): the slots every taker shares. */
export function memorySendSlots(): SendSlots & { readonly taken: number[] } {
  let next = 0;
  const taken: number[] = [];
  return {
    taken,
    async take(intervalMs, nowMs, notAfterMs) {
      const slot = Math.max(next, nowMs);
      if (notAfterMs !== undefined && slot > notAfterMs) return null;
      next = slot + intervalMs;
      taken.push(slot);
      return slot;
    },
  };
}
