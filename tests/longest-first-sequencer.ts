import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Starts the longest test files first, whichever suite they belong to, so the long
 * integration files (mostly waiting on the emulators) overlap the CPU-bound unit and
 * infra files instead of queueing behind them (Vitest's own order is suite by suite).
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
    // A stable sort: files of equal length keep Vitest's order.
    return sorted.map((spec) => ({ spec, ms: length(spec) })).sort((a, b) => b.ms - a.ms).map(({ spec }) => spec);
  }
}
