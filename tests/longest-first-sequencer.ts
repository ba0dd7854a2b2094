import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Orders the files suite by suite (Vitest project), the suite with the most file time first,
 * and in each suite the longest file first, so that the long integration files start at once
 * and no long file is left for the end.
 *
 * A suite's files stay together because a worker of a suite with `isolate: false` (unit,
 * integration, infra) is handed the next file only when the next queued file is of the same
 * suite; a file of another suite in between ends the worker, and the next file of the suite
 * starts a new one, loading the AWS SDK, Powertools or aws-cdk-lib again.
 *
 * The length is the file's duration in Vitest's results cache (node_modules/.vite); a file
 * not in it (a fresh clone) counts as long when it is an integration file.
 */
export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const root = this.ctx.config.root;
    const length = (spec: TestSpecification): number => {
      const cached = this.ctx.cache.getFileTestResults(`${spec.project.name}:${relative(root, spec.moduleId)}`);
      if (cached !== undefined) return cached.duration;
      return spec.project.name === 'integration' ? Number.MAX_SAFE_INTEGER : 0;
    };
    const timed = sorted.map((spec) => ({ spec, suite: spec.project.name, ms: length(spec) }));
    const suiteMs = new Map<string, number>();
    for (const f of timed) suiteMs.set(f.suite, Math.min(Number.MAX_SAFE_INTEGER, (suiteMs.get(f.suite) ?? 0) + f.ms));
    // A stable sort: suites and files of equal length keep Vitest's order.
    return timed
      .sort((a, b) => (suiteMs.get(b.suite) ?? 0) - (suiteMs.get(a.suite) ?? 0) || (a.suite === b.suite ? b.ms - a.ms : a.suite.localeCompare(b.suite)))
      .map(({ spec }) => spec);
  }
}
