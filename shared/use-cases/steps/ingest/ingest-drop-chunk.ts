import { CASE_TABLE, type CaseRow } from '../../../domain/case';
import { chunkId, type ChunkResult, type DropChunk } from '../../../domain/drop-plan';
import type { TableSpec } from '../../../domain/eoir-table';
import type { ScannedRows } from '../../../domain/eoir-table-rows';
import type { Fta } from '../../../domain/fta';
import { ftaOfSignal, signalStatus, type StoredSignal } from '../../../domain/fta-signal';
import { classifyCaseRows, keptCaseRows } from '../../../domain/ingest-rules/classify-case-rows';
import { classifyJuvenileRows } from '../../../domain/ingest-rules/classify-juvenile-rows';
import { classifyProceedingRows } from '../../../domain/ingest-rules/classify-proceeding-rows';
import { classifyScheduleRows } from '../../../domain/ingest-rules/classify-schedule-rows';
import type { KeyLine, StandingOf } from '../../../domain/ingest-rules/row-verdicts';
import { JUVENILE_HISTORY_TABLE } from '../../../domain/juvenile';
import { PROCEEDING_TABLE } from '../../../domain/proceeding';
import type { RowRejectionReason } from '../../../domain/rejections';
import { SCHEDULE_TABLE } from '../../../domain/schedule';
import type { EoirAddressSighting, CaseStore, Hearing, UcMark, WriteStep } from '../../../ports/case-store';
import type { DropRun } from '../../../ports/drop-ledger';
import type { CaseEvidence, SignalSighting, WithdrawalEvidence } from '../../../ports/fta-signals';
import { publishFtas } from '../publish-ftas';
import { KeySet } from '../../../lib/key-set';
import { readTableChunk } from './read-drop-table';
import { ChunkKeys, oneHearingPerSchedule, ValueNotes } from '../repeated-keys';
import type { ChunkDeps } from './ingest-ports';
import { listsSignal, UcCases } from './uc-cases';

/** Hearings handed to the store per call (bench/writes.bench.ts measures the store at this size). */
export const HEARING_WRITE_BATCH = 2000;

/** Collects items and writes them `size` at a time (callers run one batch at a time, so no overlap). */
class WriteBuffer<T> {
  private items: T[] = [];
  constructor(private readonly size: number, private readonly write: (items: T[]) => Promise<void>) {}
  async add(items: readonly T[]): Promise<void> {
    this.items.push(...items);
    if (this.items.length >= this.size) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.items.length === 0) return;
    const list = this.items;
    this.items = [];
    await this.write(list);
  }
}
const NONE: ReadonlyMap<number, RowRejectionReason> = new Map();

/**
 * Ingests one chunk (a byte range of one table file) and records its result in the ledger,
 * exactly once. Every write is idempotent and carries the chunk's step id, so a retry
 * after a crash mid-chunk reports what the crashed attempt did (FTAs 'new' again, its
 * UC-mark claims and first sightings of keys counted again) and the ledger stores one
 * result per chunk. Withdrawal evidence is only stored here; the finish step settles it.
 * Returns 'duplicate' when the chunk's result was already stored (nothing counted twice).
 */
export async function ingestDropChunk(run: DropRun, chunk: DropChunk, deps: ChunkDeps, uc = new UcCases(deps.store)): Promise<'recorded' | 'duplicate'> {
  const { drop } = run;
  const asOf = run.asOf.asOf;
  const by: WriteStep = `${run.runId}#${chunkId(chunk)}`;
  const tally = { ucCasesMarked: 0, ftas: { new: 0, repeated: 0, rescinded: 0 }, ftasPublished: 0, hearingsRecorded: 0, addressesRecorded: 0 };
  // UC cases this chunk marked (IDNCASEs: a KeySet, 8-16 bytes a case).
  const marked = new KeySet();
  const mark = async (marks: UcMark[]): Promise<void> => {
    // A case repeated in the list (a repeated line) is one mark. A case this invocation
    // marked in the run already (the juvenile stage before the case table) is not sent
    // again: its claim's condition would fail and write nothing (the first step's basis is
    // the drop's).
    const fresh = [...new Map(marks.filter((m) => !marked.has(m.caseId) && !uc.markedInRun(m.caseId)).map((m) => [m.caseId, m])).values()];
    // Known as UC cases (uc) only once their marks are written: another chunk of this
    // invocation records a UC case's row on its mark's item, which must exist by then.
    for (const m of fresh) marked.add(m.caseId);
    if (fresh.length === 0) return;
    tally.ucCasesMarked += await deps.store.markUcCases(fresh, { runId: run.runId, by });
    for (const m of fresh) uc.noteMarkedInRun(m.caseId);
    // Cases that are UC cases now and whose signals were read before: their FTAs are
    // settled when the drop finishes (after this drop's own evidence is in). Looked up
    // after marking, so a retry after a crash finds them again.
    await settleLater([...(await deps.store.signals.lookupCases(fresh.map((m) => m.caseId)))]);
  };
  const settleLater = async (evidence: readonly (readonly [string, CaseEvidence])[], also: readonly string[] = []): Promise<void> => {
    const ids = new Set(also);
    for (const [id, e] of evidence) if (e.uc && e.signals !== null && !e.settled) ids.add(id);
    if (ids.size > 0) await deps.ledger.noteToSettle(run, [...ids]);
  };
  const recordedAt = deps.clock.now().toISOString();
  // FTAs this chunk recorded: a key repeated on a later line or batch of the chunk is the
  // same record (the store counts a write by the same step as a retry of it, 'new' again).
  const recordedHere = new Set<string>();
  const record = async (candidates: Fta[]): Promise<void> => {
    const ftas = [...new Map(candidates.filter((f) => !recordedHere.has(f.ftaId)).map((f) => [f.ftaId, f])).values()];
    if (ftas.length === 0) return;
    for (const f of ftas) recordedHere.add(f.ftaId);
    const outcomes = await deps.store.recordFtas(ftas, recordedAt, by);
    const fresh = ftas.filter((_, i) => outcomes[i] === 'new');
    tally.ftas.new += fresh.length;
    tally.ftas.repeated += ftas.length - fresh.length;
    tally.ftasPublished += await publishFtas(fresh.map((fta) => ({ fta, recordedAt })), deps);
  };
  const isUc = (evidence: ReadonlyMap<string, CaseEvidence>, caseId: string): boolean => evidence.get(caseId)?.uc === true || uc.has(caseId);
  /**
   * Stores this batch's signals (any case) and withdrawal evidence (cases with signals).
   * A UC case's signal first shown by this drop is recorded as an FTA at once (this drop
   * cannot rescind it) by the one chunk of the run that claims its key (`claims`), so a
   * key repeated across chunks is recorded and queued once. Everything else that changes
   * a UC case's FTAs waits for the finish step, when the whole drop has been read: a
   * withdrawal in one line must not beat a `Y` in another, and an FTA of a case that
   * became a UC case in this drop gets the status the whole drop gives it before any
   * notice goes out.
   */
  const storeEvidence = async (
    evidence: ReadonlyMap<string, CaseEvidence>,
    sightings: SignalSighting[],
    withdrawals: WithdrawalEvidence[],
    claims: (signal: StoredSignal) => boolean,
  ): Promise<void> => {
    // A key repeated within the batch is one record.
    const unique = sightings.length > 1 ? [...new Map(sightings.map((x) => [x.signal.ftaId, x])).values()] : sightings;
    const write = async (list: readonly SignalSighting[]): Promise<readonly StoredSignal[]> => {
      const out = list.length > 0 ? await deps.store.signals.recordSightings(list, { known: evidence, soleWriter: deps.soleWriter === true }) : [];
      uc.noteSightings(list);
      return out;
    };
    // UC cases' signals first, their FTAs recorded and queued next; then the other cases'
    // (kept in case they become UC cases, most of a batch), whose write comes back empty.
    const stored = await write(unique.filter((x) => x.ucCase));
    const others = unique.filter((x) => !x.ucCase);
    const open: Fta[] = [];
    const later: string[] = [];
    for (const s of stored) {
      if (!isUc(evidence, s.caseId)) continue;
      if (s.seen.some((x) => x.asOf < asOf)) {
        // Shown by an earlier drop: a repeat when the case's FTAs are settled already (else
        // the finish step records it, with the status the evidence gives).
        if (evidence.get(s.caseId)?.settled === true && claims(s)) tally.ftas.repeated += 1;
      } else if (signalStatus(s).status === 'OPEN') {
        if (claims(s)) open.push(ftaOfSignal(s));
      } else later.push(s.caseId);
    }
    await record(open);
    await write(others);
    // Only UC cases' withdrawn signals are read back: the others change no FTA now.
    const withdrawn: readonly StoredSignal[] =
      withdrawals.length > 0 ? await deps.store.signals.recordWithdrawals(withdrawals, new Set(withdrawals.map((w) => w.caseId).filter((id) => isUc(evidence, id)))) : [];
    // Evidence can only rescind a signal some earlier drop showed.
    for (const s of withdrawn) if (isUc(evidence, s.caseId) && s.seen.some((x) => x.asOf < asOf)) later.push(s.caseId);
    later.push(...(await ucSince(evidence, unique, withdrawals)));
    await settleLater([...evidence], later);
  };
  /**
   * Cases taken for cases that are not UC cases that are UC cases now, of those this batch
   * gave a signal their marker did not list or a withdrawal: a roster (or another drop)
   * that marked one between its lookup and this write may have settled its signals
   * without this evidence, so the finish step settles it. A signal the marker listed
   * existed before the lookup: a roster reading the case's signals after it saw it.
   */
  const ucSince = async (evidence: ReadonlyMap<string, CaseEvidence>, sightings: readonly SignalSighting[], withdrawals: readonly WithdrawalEvidence[]): Promise<string[]> => {
    const ask = new Set<string>();
    for (const { signal: s } of sightings) if (!isUc(evidence, s.caseId) && !listsSignal(evidence.get(s.caseId), s)) ask.add(s.caseId);
    for (const w of withdrawals) if (!isUc(evidence, w.caseId)) ask.add(w.caseId);
    return ask.size > 0 ? uc.markedSince([...ask]) : [];
  };
  // Repeated keys of the rows kept (UC cases'): each batch's lines per key, noted in the
  // run, so duplicates are counted and each FTA is claimed by one chunk whatever the chunks.
  const keys = new ChunkKeys(chunk.table);
  const notes = new ValueNotes();
  const read = <T>(spec: TableSpec<T>, onBatch: (rows: ScannedRows<T>) => Promise<ReadonlyMap<number, RowRejectionReason>>) =>
    readTableChunk({ drop, chunk, spec, source: deps.source, quarantine: deps.quarantine }, onBatch);

  const dropContext = { dropId: drop.dropId, asOf };
  /** What the rules know of a case: its UC mark (the store's, or made in this run) and its signals. */
  const standingIn = (evidence: ReadonlyMap<string, CaseEvidence>): StandingOf => (caseId) => {
    const e = evidence.get(caseId);
    return { uc: e?.uc === true || uc.has(caseId), signals: e?.signals ?? null };
  };
  const noteKeyLines = (lines: readonly KeyLine[]): void => {
    for (const l of lines) keys.line(l.key, l.value, l.fta);
  };

  let reading: ReturnType<typeof read>;
  switch (chunk.table) {
    case 'tbl_JuvenileHistory':
      reading = read(JUVENILE_HISTORY_TABLE, async (rows) => {
        const { ucCaseIds, keyLines } = classifyJuvenileRows(rows);
        noteKeyLines(keyLines);
        await mark(ucCaseIds.map((caseId): UcMark => ({ caseId, basis: 'JUVENILE_HISTORY', dropId: drop.dropId })));
        await keys.settle(run, chunk, deps.ledger);
        return NONE;
      });
      break;
    case 'A_TblCase':
      reading = read(CASE_TABLE, async (rows) => {
        const { priorityCaseIds, withANumber, upcoming } = classifyCaseRows(rows, dropContext);
        // CASEPRIORITY UC cases are UC cases once marked below: the store is not asked about them.
        const byPriority = new Set(priorityCaseIds);
        // The rows of UC cases (sightings, addresses), each case's once, as soon as its UC mark
        // is known written (uc knows a case only then).
        const recorded = new Set<string>();
        const recordKnown = async (): Promise<void> => {
          const ids = new Set(rows.caseIds().filter((id) => uc.has(id) && !recorded.has(id)));
          for (const id of ids) recorded.add(id);
          if (ids.size === 0) return;
          const kept = keptCaseRows(rows.where((i) => ids.has(rows.caseId(i))));
          noteKeyLines(kept.keyLines);
          tally.addressesRecorded += await recordCases(kept.unique, drop.dropId, deps.store);
        };
        // The store is asked which of the batch's other cases are UC cases (marked by an
        // earlier drop or a roster) while the batch's marks are written and the rows of the
        // cases known already (marked by this run) are recorded: neither needs the other.
        await Promise.all([
          uc.filter(rows.caseIds().filter((id) => !byPriority.has(id)), (id) => id),
          (async () => {
            // The DOJ-to-DHS feed's ALIEN_NBR: noted for rosters to come, and matched against rosters seen.
            const onRoster = withANumber.length > 0 ? await deps.store.aNumbers.indexCases(withANumber, drop.dropId) : new Set<string>();
            await mark([
              ...priorityCaseIds.map((caseId): UcMark => ({ caseId, basis: 'CASE_PRIORITY', dropId: drop.dropId })),
              ...rows.where((i) => onRoster.has(rows.caseId(i))).map((r): UcMark => ({ caseId: r.value.caseId, basis: 'ROSTER', dropId: drop.dropId, aNumber: r.value.aNumber ?? undefined })),
            ]);
            // After the marks: a sighting is written to the case's UC mark item, which must
            // exist. Any case's hearing ahead is kept: the case may become a UC case later.
            await Promise.all([recordKnown(), deps.hearings?.record(upcoming)]);
          })(),
        ]);
        // Then the UC cases the store knew (marked by an earlier drop or a roster).
        await recordKnown();
        await keys.settle(run, chunk, deps.ledger);
        return NONE;
      });
      break;
    case 'B_TblProceeding':
      reading = read(PROCEEDING_TABLE, async (rows) => {
        const evidence = await uc.evidence(rows.caseIds(), (id) => id);
        const out = classifyProceedingRows(rows, standingIn(evidence), dropContext);
        notes.addCounts(out.notes);
        noteKeyLines(out.keyLines);
        const recordsFta = await keys.settle(run, chunk, deps.ledger);
        await storeEvidence(evidence, out.shown, out.withdrawn, (s) => recordsFta(s.proceedingId));
        return out.refusals;
      });
      break;
    case 'tbl_schedule': {
      // Hearings are few per stream chunk (UC cases only): write them in large batches so the
      // store keeps its 16 BatchWriteItem calls in flight instead of one or two per chunk.
      const hearingWrites = new WriteBuffer<Hearing>(HEARING_WRITE_BATCH, async (list) => {
        await deps.store.recordHearings(oneHearingPerSchedule(list));
      });
      reading = read(SCHEDULE_TABLE, async (rows) => {
        const evidence = await uc.evidence(rows.caseIds(), (id) => id);
        const out = classifyScheduleRows(rows, standingIn(evidence), dropContext);
        noteKeyLines(out.keyLines);
        await hearingWrites.add(out.hearings);
        if (deps.hearings !== undefined) {
          await deps.hearings.record(out.upcoming);
          await deps.hearings.recordAdjourned(out.adjourned);
        }
        const recordsFta = await keys.settle(run, chunk, deps.ledger);
        await storeEvidence(evidence, out.shown, out.withdrawn, (sig) => sig.scheduleId !== null && recordsFta(sig.scheduleId));
        return out.refusals;
      }).then(async (out) => {
        await hearingWrites.flush();
        // Hearings this chunk added to the drop (a key's first sighting in the run).
        tally.hearingsRecorded += keys.firstKeys;
        return out;
      });
      break;
    }
  }
  const { counts: readCounts, quarantineKeys } = await reading;
  const counts = notes.into(readCounts, keys.duplicates);
  const result: ChunkResult = { table: chunk.table, start: chunk.start, key: chunk.key, ...(chunk.file ? { file: chunk.file } : {}), ...tally, counts, quarantineKeys };
  return deps.ledger.recordChunk(run, chunk, result);
}

/** Sightings and address entries of UC cases' A_TblCase rows; returns the address entries written. */
async function recordCases(rows: readonly CaseRow[], dropId: string, store: CaseStore): Promise<number> {
  if (rows.length === 0) return 0;
  const entries: EoirAddressSighting[] = [];
  for (const r of rows) {
    if (r.address) entries.push({ caseId: r.caseId, source: 'EOIR_ADDRESS_OF_RECORD', address: r.address, changedOn: r.addressChangedOn, dropId });
    if (r.previousAddress) entries.push({ caseId: r.caseId, source: 'EOIR_PREVIOUS_ADDRESS', address: r.previousAddress, changedOn: null, dropId });
  }
  // Items of their own (UC marks, address entries): written at the same time.
  await Promise.all([
    store.recordCaseSightings(rows.map((r) => ({ caseId: r.caseId, dropId, aNumber: r.aNumber, firstName: r.firstName ?? null, lastName: r.lastName ?? null }))),
    store.recordAddresses(entries),
  ]);
  return entries.length;
}

