import { assembleDropReport } from '../../../domain/drop-plan';
import { REPORT_LIST_LIMIT, type DropReport } from '../../../domain/drop-report';
import { parseBaseCityLookup } from '../../../domain/base-city-lookup';
import type { MetricPoint } from '../../../domain/program-metrics';
import type { WriteStep } from '../../../ports/case-store';
import type { DropRun } from '../../../ports/drop-ledger';
import { sweepFtaOutbox, sweepRescissionOutbox } from '../publish-ftas';
import { settleRepeatedKeys, withRepeatedKeys } from '../repeated-keys';
import { settleCases, type SettleOutcome } from '../settle-cases';
import { settleHandOffs } from '../settle-hand-offs';
import type { ChunkDeps } from './ingest-ports';

/**
 * The drop's last step, once every chunk is recorded: the run's claim on the drop is
 * released, the FTAs of the cases noted by the chunks, and of those a roster left to this
 * drop while it was read, are settled from their signals (cases that became UC cases: their FTAs recorded
 * with the status the evidence gives; withdrawals from this drop: OPEN FTAs rescinded,
 * never one some line of this drop shows), the keys repeated with conflicting values are
 * collected for review, the omitted-case sweep of a full drop, the outbox sweeps, then the
 * report (assembled from the chunk results) is stored. Safe to run again: settling is
 * idempotent and the sweep counts what a crashed attempt did.
 */
export async function finishDropRun(run: DropRun, deps: ChunkDeps): Promise<DropReport> {
  const { drop } = run;
  const by: WriteStep = `${run.runId}#FINISH`;
  // The whole drop is in: a roster settles what it finds from now on. Released before the
  // hand-offs are read, so a roster that left a case to this run either is read below or
  // finds the claim released and settles the case itself.
  await deps.store.readingDrops.release(drop.dropId, run.runId);
  // FTAs settling finds stored already are not this drop's repeats: not counted.
  const settled = { new: 0, rescinded: 0, published: 0 };
  const add = (out: SettleOutcome): void => {
    settled.new += out.new;
    settled.rescinded += out.rescinded;
    settled.published += out.published;
  };
  for await (const page of deps.ledger.toSettle(run)) add(await settleCases(page, deps, { recordedAt: deps.clock.now().toISOString(), by }));
  // Cases a roster left to this drop (or to an earlier run of it that died) while it was
  // read: a step of its own, so a case settled above as well counts its FTAs as repeats
  // (not published twice).
  add(await settleHandOffs(drop.dropId, deps, { recordedAt: deps.clock.now().toISOString(), by: `${run.runId}#HANDOFFS` }));
  // The keys repeated with conflicting values (their FTAs kept; settling above decided them).
  const conflicts = await settleRepeatedKeys(run, deps);
  let ucCasesOmitted = 0;
  if (run.caseTableReadable && run.fullDrop) {
    ucCasesOmitted = await deps.store.flagUcCasesNotSeen(drop.dropId, deps.clock.now().toISOString());
    if (ucCasesOmitted > 0) deps.log.warn('UC cases omitted by a full drop', { dropId: drop.dropId, count: ucCasesOmitted });
  }
  const published = settled.published + (await sweepFtaOutbox(deps)) + (await sweepRescissionOutbox(deps));
  const results = await deps.ledger.chunkResults(run);
  const report = assembleDropReport(
    run.plan,
    results,
    { recordedAtFinish: settled.new, rescindedAtFinish: settled.rescinded, ucCasesOmitted, ftasPublished: published },
    deps.clock.now().toISOString(),
  );
  withRepeatedKeys(report, conflicts);
  const courtLookup = await readCourtLookup(run, deps);
  if (courtLookup !== undefined) report.courtLookup = courtLookup;
  if (run.fannedOut) report.fanOut = { runId: run.runId, chunks: run.stages.reduce((n, s) => n + s.length, 0) };
  for (const [table, check] of Object.entries(report.countCheck ?? {})) {
    if (check && !check.matches) deps.log.warn('Count.txt mismatch', { dropId: drop.dropId, table, expected: check.expected, read: check.read });
  }
  if (report.quarantine !== undefined && report.quarantine.length > REPORT_LIST_LIMIT && deps.reports !== undefined) {
    const key = await deps.reports.writeList(drop.dropId, run.runId, 'quarantine-parts', report.quarantine);
    report.lists = { ...report.lists, quarantine: { key, count: report.quarantine.length } };
    report.quarantine = report.quarantine.slice(0, REPORT_LIST_LIMIT);
  }
  if (report.failure) deps.log.error('drop failed', { dropId: drop.dropId, runId: run.runId, reason: report.failure.reason, detail: report.failure.detail });
  deps.metrics?.publish(dropMetrics(report));
  await deps.store.saveDropReport(report);
  // Its S3 notification starts what follows a drop; written before the run is marked finished.
  await deps.reports?.writeReport?.(drop.dropId, run.runId, report);
  await deps.ledger.finishRun(run, report);
  deps.log.info('drop ingested', { dropId: drop.dropId, runId: run.runId, ftas: report.ftas, ucCasesMarked: report.ucCasesMarked, ucCasesOmitted: report.ucCasesOmitted });
  return report;
}

/**
 * Reads the release's Lookup/tblLookupBaseCity (97 rows) and stores each court's street
 * address for the hearing reminders, the latest release's standing. A file that cannot be
 * read is reported, never fatal: the bundled court table (city and state) stands in.
 */
async function readCourtLookup(run: DropRun, deps: ChunkDeps): Promise<DropReport['courtLookup']> {
  const file = run.plan.courtLookupFile;
  if (file === undefined || deps.courts === undefined) return undefined;
  try {
    const parts: Buffer[] = [];
    for await (const part of deps.source.openTable(run.drop, file)) parts.push(Buffer.from(part));
    const lookup = parseBaseCityLookup(Buffer.concat(parts));
    await deps.courts.record(lookup.courts, { asOf: run.asOf.asOf, dropId: run.drop.dropId });
    if (lookup.rejected > 0) deps.log.warn('court lookup rows rejected', { dropId: run.drop.dropId, rejected: lookup.rejected, byReason: lookup.rejectedByReason });
    return {
      file, read: lookup.read, accepted: lookup.accepted, rejected: lookup.rejected, rejectedByReason: { ...lookup.rejectedByReason },
      ...(lookup.fileRejection === undefined ? {} : { fileRejection: lookup.fileRejection }),
    };
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    deps.log.warn('court lookup not read', { dropId: run.drop.dropId, error: detail });
    return { file, read: 0, accepted: 0, rejected: 0, rejectedByReason: {}, fileRejection: `not read: ${detail}` };
  }
}

/**
 * What the operator is alarmed on after each drop: DropsFailed (1 when nothing in it could
 * be read), and the Count.txt shortfall (tables read short of EOIR's count, and the rows
 * missing): a table read short may have lost FTAs.
 */
export function dropMetrics(report: DropReport): MetricPoint[] {
  const short = Object.values(report.countCheck ?? {}).filter((c) => c !== undefined && c.read < c.expected);
  return [
    { name: 'DropsFailed', unit: 'Count', value: report.failure ? 1 : 0 },
    { name: 'CountShortfallTables', unit: 'Count', value: short.length },
    { name: 'CountShortfallRows', unit: 'Count', value: short.reduce((n, c) => n + (c ? c.expected - c.read : 0), 0) },
  ];
}
