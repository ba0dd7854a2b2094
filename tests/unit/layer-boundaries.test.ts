import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

// Lints source text as if it were a file at `filePath` (the file need not exist; the
// modules it imports do), with the project's eslint.config.js.
const eslint = new ESLint({ cwd: process.cwd() });

async function layerErrors(filePath: string, source: string, ruleId = 'boundaries/dependencies'): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === ruleId).map((m) => m.message);
}

// Loading the config (typescript-eslint, the plugin, the resolver) is the slow part: once, before the tests.
beforeAll(async () => {
  await eslint.calculateConfigForFile('shared/domain/aor.ts');
}, 60_000);

describe('layer boundaries in npm run lint (eslint.layers.js)', { timeout: 30_000 }, () => {
  it('refuses the AWS SDK in the domain', async () => {
    const errors = await layerErrors('shared/domain/probe.ts', "import { S3Client } from '@aws-sdk/client-s3';\nexport const probe = S3Client;\n");
    expect(errors).toEqual([expect.stringContaining('"@aws-sdk/client-s3" are not allowed in elements of type "domain"')]);
  });

  it('refuses an adapter, the runtime and Powertools in a use case, and allows the domain and ports there', async () => {
    const errors = await layerErrors(
      'shared/use-cases/probe.ts',
      [
        "import { createS3Objects } from '../adapters/s3-objects';",
        "import { loadConfig } from '../runtime/config';",
        "import { Logger } from '@aws-lambda-powertools/logger';",
        "import { AORS } from '../domain/aor';",
        "import { systemClock } from '../ports/clock';",
        'export const probe = [createS3Objects, loadConfig, Logger, AORS, systemClock];',
      ].join('\n'),
    );
    expect(errors).toHaveLength(3);
    expect(errors[0]).toContain('type "adapters" are not allowed in elements of type "use-cases"');
    expect(errors[1]).toContain('type "runtime"');
    expect(errors[2]).toContain('@aws-lambda-powertools/logger');
  });

  it('refuses a use case and the runtime in an adapter', async () => {
    const errors = await layerErrors(
      'shared/adapters/probe.ts',
      "import { planWeekday } from '../use-cases/plan-weekday';\nimport { loadConfig } from '../runtime/config';\nexport const probe = [planWeekday, loadConfig];\n",
    );
    expect(errors).toEqual([
      expect.stringContaining('type "use-cases" are not allowed in elements of type "adapters"'),
      expect.stringContaining('type "runtime"'),
    ]);
  });

  it('lets a wiring module import a use case for its types only', async () => {
    const value = await layerErrors('shared/runtime/wiring/plan-nta.ts', "import { planWeekday } from '../../use-cases/plan-weekday';\nexport const probe = planWeekday;\n");
    const type = await layerErrors('shared/runtime/wiring/plan-nta.ts', "import type { WeekdayPlan } from '../../use-cases/plan-weekday';\nexport type Probe = WeekdayPlan;\n");
    expect(value).toEqual([expect.stringContaining('kind "value" to elements of type "use-cases"')]);
    expect(type).toEqual([]);
  });

  it("keeps a handler to its own wiring, never an adapter or another function's wiring", async () => {
    const own = await layerErrors('functions/plan-nta/handler.ts', "import { deps } from '../../shared/runtime/wiring/plan-nta';\nexport const probe = deps;\n");
    const other = await layerErrors('functions/plan-nta/handler.ts', "import { wireNotifyOrr } from '../../shared/runtime/wiring/notify-orr';\nexport const probe = wireNotifyOrr;\n");
    const adapter = await layerErrors('functions/plan-nta/handler.ts', "import { createS3Objects } from '../../shared/adapters/s3-objects';\nexport const probe = createS3Objects;\n");
    expect(own).toEqual([]);
    expect(other).toEqual([expect.stringContaining('"notify-orr.ts" are not allowed in elements of type "functions"')]);
    expect(adapter).toEqual([expect.stringContaining('type "adapters" are not allowed in elements of type "functions"')]);
  });

  it('keeps the data tables free of the domain that reads them', async () => {
    const errors = await layerErrors('shared/data/probe.ts', "import { AORS } from '../domain/aor';\nexport const probe = AORS;\n");
    expect(errors).toEqual([expect.stringContaining('type "domain" are not allowed in elements of type "data"')]);
  });

  it('keeps an entry use case from calling another entry, and a step from calling an entry, but lets both call steps', async () => {
    const entryToEntry = await layerErrors('shared/use-cases/probe.ts', "import { planWeekday } from './plan-weekday';\nexport const probe = planWeekday;\n", 'no-restricted-imports');
    const entryToStep = await layerErrors('shared/use-cases/probe.ts', "import { replanNtaBacklog } from './steps/replan-nta-backlog';\nexport const probe = replanNtaBacklog;\n", 'no-restricted-imports');
    const stepToEntry = await layerErrors('shared/use-cases/steps/probe.ts', "import { planWeekday } from '../plan-weekday';\nexport const probe = planWeekday;\n");
    expect(entryToEntry).toEqual([expect.stringContaining('An entry use case does not call another entry')]);
    expect(entryToStep).toEqual([]);
    expect(stepToEntry).toEqual([expect.stringContaining('type "use-cases" are not allowed in elements of type "steps"')]);
  });
});
