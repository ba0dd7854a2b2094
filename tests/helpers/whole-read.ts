import { expect } from 'vitest';
import type { LocalRunResult } from '../../infra/local/run';
import type { DropReport } from '../../shared/domain/drop-report';

/**
 * The counts of a drop report, without what differs by construction between two ways of
 * reading the same drop (times, chunking, the fan-out run, the zip it was unpacked from,
 * the local run's source path, the as-of of a drop first arriving at another time): two reports of one drop must be equal in all the rest.
 */
export function reportCounts(report: DropReport | null | undefined) {
  const { startedAt: _s, finishedAt: _f, fanOut: _o, quarantine: _q, ftasPublished: _p, unpackedFrom: _u, source: _src, asOf: _a, ...rest } = (report ?? {}) as DropReport & { source?: string };
  const tables = Object.fromEntries(
    Object.entries(rest.tables ?? {}).map(([t, c]) => {
      const { chunks: _c, ...plain } = c;
      return [t, plain];
    }),
  );
  return { ...rest, tables };
}

/**
 * A local run of a drop ended as reading the same drop whole in one invocation did
 * (`baseline`): the same counts, its FTAs new once and emailed once, no dead letter, no
 * failed ingest.
 */
export function expectSameOutcomeAsWholeRead(run: LocalRunResult, report: DropReport | undefined, baseline: DropReport): void {
  expect(reportCounts(report)).toEqual(reportCounts(baseline));
  expect(report?.ftas).toEqual({ new: baseline.ftas.new, repeated: 0, rescinded: 0 });
  expect(run.emails).toHaveLength(baseline.ftas.new);
  expect(run.summary.deadLetters).toEqual({ orrNotices: 0, ntaSchedule: 0, dropChunks: 0 });
  expect(run.summary.ingestFailures).toEqual([]);
}
