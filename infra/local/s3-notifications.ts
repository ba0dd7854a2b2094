import type { S3Event, S3EventRecord } from 'aws-lambda';
import type { ReconcileRun } from '../../functions/reconcile-opla/handler';
import { dropTriggeredBy } from '../../shared/adapters/s3-docket-source';
import type { DropReport } from '../../shared/domain/drop-report';
import type { RosterReport } from '../../shared/ports/roster-store';
import { DROP_BUCKET, FUNCTIONS, INGEST_TRIGGERS, OPLA_RECONCILIATION, ROSTER_DROPS, WORK_LIST_RETURNS } from '../../shared/runtime/resources';
import type { WorkListReturnReport } from '../../shared/use-cases/record-work-list-return';
import { lambdaContext } from './lambda-runtime';
import type { LocalFunctions } from './local-functions';

/** The records of one S3 event, by the function whose bucket notification they match. */
export interface RoutedS3Event {
  /** ingest-roster: prefix rosters/ only (the handler refuses what is not a roster, in any letter case). */
  readonly rosters: S3EventRecord[];
  /** record-work-list-returns: prefix returns/ only. */
  readonly returns: S3EventRecord[];
  /** reconcile-opla: prefix opla/; or prefix reports/drops/ with suffix /report.json. */
  readonly reconcile: S3EventRecord[];
  /** ingest-docket: the drop prefixes only (the handler tells markers by name). */
  readonly ingest: S3EventRecord[];
}

/**
 * The deployed bucket's notification filters, applied to an S3 event (keys URL-encoded as
 * S3 sends them): ObjectCreated events of the drop bucket, by prefix and suffix.
 */
export function routeS3Event(event: S3Event, dropBucket: string): RoutedS3Event {
  const created = event.Records.filter((r) => r.eventName.startsWith('ObjectCreated:') && r.s3.bucket.name === dropBucket);
  const keyOf = (r: S3EventRecord): string => decodeURIComponent(r.s3.object.key.replace(/\+/g, ' '));
  const matching = (filter: (key: string) => boolean): S3EventRecord[] => created.filter((r) => filter(keyOf(r)));
  return {
    rosters: matching((key) => key.startsWith(ROSTER_DROPS.prefix)),
    returns: matching((key) => key.startsWith(WORK_LIST_RETURNS.prefix)),
    reconcile: matching(
      (key) =>
        key.startsWith(OPLA_RECONCILIATION.prefix) ||
        (key.startsWith(OPLA_RECONCILIATION.dropReportPrefix) && key.endsWith(OPLA_RECONCILIATION.dropReportSuffix)),
    ),
    ingest: matching((key) => INGEST_TRIGGERS.some((t) => key.startsWith(t.prefix))),
  };
}

/** Lambda retries a failed asynchronous invocation twice (S3 notifications are async). */
export const ASYNC_ATTEMPTS = 3;

/** What an asynchronous invocation tells the local pipeline. */
export interface AsyncInvocationHooks {
  invocationStarted(): void;
  invocationEnded(): void;
  progress(line: string): void;
  /** Every attempt failed; `error` is the last one's message. */
  failed(error: string): void;
}

/**
 * One asynchronous invocation of function `fnName` as Lambda makes it: `invoke` runs up to
 * ASYNC_ATTEMPTS times, at once after a failure (deployed, Lambda waits a minute or more);
 * after the last failed attempt the event goes to the failure destination (`failed`).
 */
export async function invokeAsync(fnName: string, invoke: () => Promise<void>, hooks: AsyncInvocationHooks): Promise<void> {
  for (let attempt = 1; attempt <= ASYNC_ATTEMPTS; attempt++) {
    hooks.invocationStarted();
    try {
      await invoke();
      return;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      hooks.progress(`${fnName}: attempt ${attempt} failed: ${message}`);
      if (attempt === ASYNC_ATTEMPTS) hooks.failed(message);
    } finally {
      hooks.invocationEnded();
    }
  }
}

/** What the S3-triggered functions returned, kept by the local pipeline. */
export interface S3TriggeredResults {
  readonly ingestReports: DropReport[];
  readonly rosterReports: RosterReport[];
  readonly returnReports: WorkListReturnReport[];
  readonly reconcileRuns: ReconcileRun[];
  /** Drops fanned out to the chunk worker whose report is not in yet. */
  readonly fannedOut: { dropId: string; runId: string; key: string }[];
}

/**
 * The functions S3 notifications invoke (ingest-docket, ingest-roster,
 * record-work-list-returns, reconcile-opla), each as an asynchronous invocation
 * (invokeAsync), their results kept in `results` and told to `progress`.
 */
export class S3TriggeredFunctions {
  constructor(
    private readonly handlers: LocalFunctions,
    private readonly results: S3TriggeredResults,
    private readonly progress: (line: string) => void,
    /** The hooks of one invocation; a last failure is kept under `key`. */
    private readonly hooks: (key: string) => AsyncInvocationHooks,
  ) {}

  async ingest(event: S3Event, key: string): Promise<void> {
    const fn = FUNCTIONS.ingestDocket;
    const decoded = decodeURIComponent(key.replace(/\+/g, ' '));
    const starts = dropTriggeredBy(decoded, { drops: DROP_BUCKET.dropPrefix, unpacked: DROP_BUCKET.unpackedPrefix }) !== undefined;
    if (starts) this.progress(`ingest: ${decoded} landed, ingesting the drop`);
    await invokeAsync('ingest', async () => {
      const started = await this.handlers.ingest(event, lambdaContext('ingest-docket', fn.timeoutSeconds, fn.memoryMb));
      for (const s of started) {
        if (s.kind === 'ingested') {
          const r = s.report;
          this.results.ingestReports.push(r);
          this.progress(`ingest: drop ${r.dropId}: ${r.ftas.new} new FTA(s), ${r.ftas.repeated} repeated, ${r.ucCasesMarked} UC case(s) marked`);
        } else if (s.kind === 'unpacked') {
          this.progress(
            s.duplicate
              ? `ingest: zip drop ${s.dropId} was unpacked by this event already`
              : `ingest: zip drop ${s.dropId} unpacked: ${s.tables} table(s), ${s.bytes} bytes, into ${s.folder}; ${s.marker.replace(/^.*\//, '')} starts its ingest`,
          );
        } else if (s.report !== null) {
          this.results.ingestReports.push(s.report);
          this.progress(`ingest: drop ${s.dropId}: run ${s.runId} had finished already (a duplicate event)`);
        } else {
          if (!this.results.fannedOut.some((f) => f.runId === s.runId)) this.results.fannedOut.push({ dropId: s.dropId, runId: s.runId, key });
          this.progress(`ingest: drop ${s.dropId} fanned out: ${s.chunks} chunk(s) to the chunk queue, in stages`);
        }
      }
    }, this.hooks(key));
  }

  async returns(event: S3Event): Promise<void> {
    const fn = FUNCTIONS.recordWorkListReturns;
    const key = decodeURIComponent(event.Records[0]?.s3.object.key ?? '');
    this.progress(`record-work-list-returns: ${key} landed, recording the outcomes`);
    await invokeAsync('record-work-list-returns', async () => {
      const reports = await this.handlers.returns(event, lambdaContext('record-work-list-returns', fn.timeoutSeconds, fn.memoryMb));
      this.results.returnReports.push(...reports);
      for (const r of reports) {
        this.progress(`record-work-list-returns: ${r.objectKey}: ${r.rows.accepted} accepted, ${r.rows.rejected} rejected, ${r.rowsWithoutOutcome} without outcome`);
      }
    }, this.hooks(key));
  }

  async reconcile(event: S3Event): Promise<void> {
    const fn = FUNCTIONS.reconcileOpla;
    const key = decodeURIComponent(event.Records[0]?.s3.object.key ?? '');
    this.progress(`reconcile-opla: ${key} landed, reconciling DOJ FTAs with OPLA's list`);
    await invokeAsync('reconcile-opla', async () => {
      const run = await this.handlers.reconcile(event, lambdaContext('reconcile-opla', fn.timeoutSeconds, fn.memoryMb));
      this.results.reconcileRuns.push(run);
      for (const i of run.ingested) this.progress(`reconcile-opla: OPLA export ${i.exportId}: ${i.rows.accepted} accepted, ${i.rows.rejected} rejected`);
      const r = run.reconciliation;
      if (r !== null) {
        this.progress(`reconcile-opla: export ${r.exportId} vs drop ${r.dropId ?? 'none'}: ${r.totals.missingFromOpla} missing from OPLA, ${r.totals.unsupported} unsupported, ${r.totals.matched} matched`);
      }
    }, this.hooks(key));
  }

  async roster(event: S3Event): Promise<void> {
    const fn = FUNCTIONS.ingestRoster;
    const key = decodeURIComponent(event.Records[0]?.s3.object.key ?? '');
    this.progress(`ingest-roster: ${key} landed, ingesting the roster`);
    await invokeAsync('ingest-roster', async () => {
      const reports = await this.handlers.roster(event, lambdaContext('ingest-roster', fn.timeoutSeconds, fn.memoryMb));
      this.results.rosterReports.push(...reports);
      for (const r of reports) {
        this.progress(`ingest-roster: roster ${r.rosterId}: ${r.rows.accepted} accepted, ${r.rows.rejected} rejected, ${r.ucs.BACKLOG} in the NTA backlog`);
      }
    }, this.hooks(key));
  }
}
