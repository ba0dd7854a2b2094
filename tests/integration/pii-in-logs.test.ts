import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLambdaOutput } from '../../infra/local/capture-output';
import type { Emulators } from '../../infra/local/emulators';
import { runLocalPipeline, type LocalRunResult } from '../../infra/local/run';
import { generateDrop, type GeneratedDrop } from '../helpers/drop-generator';
import { connectEmulators, pipelineTestOptions, SAMPLE_DROP, tempDir, uniqueSuffix } from '../helpers/local-stack';
import { scanForPii } from '../helpers/pii-scanner';

/**
 * No PII in logs or metrics: the sample drop and generated drops full of names, A-numbers,
 * streets and birth dates go through the whole pipeline (ingest, notifier, scheduler,
 * metrics), and every line the functions wrote is scanned.
 */
describe('PII in logs and metrics', () => {
  let emulators: Emulators;
  let restore: () => void;
  let run: LocalRunResult;
  const logs: string[] = [];
  const emf: string[] = [];
  const suffix = uniqueSuffix();
  const parent = tempDir('pii');
  const drops: GeneratedDrop[] = [
    generateDrop({ seed: 11, cases: 60, shiftedRows: 5, parent }),
    generateDrop({ seed: 12, cases: 40, shiftedRows: 3, parent }),
  ];

  beforeAll(async () => {
    restore = captureLambdaOutput({ onLog: (l) => logs.push(l), onMetrics: (l) => emf.push(l) });
    emulators = await connectEmulators();
    run = await runLocalPipeline(emulators, pipelineTestOptions(suffix, { drops: [SAMPLE_DROP, ...drops.map((d) => d.folder)], outDir: tempDir('pii-out') }));
    await run.pipeline.stop();
  });

  afterAll(async () => {
    restore?.();
    await emulators?.stop();
  });

  it('ran every drop through every function, so there was something to scan', () => {
    const generatedFtas = drops.reduce((n, d) => n + d.expected.ftas, 0);
    // The sample's 9 (8 in-absentia orders + 1 no-show) and exactly the generated ones
    // (the generator's ground truth, tests/unit/drop-generator.test.ts).
    expect(run.summary.total.ftas.new).toBe(9 + generatedFtas);
    expect(run.summary.emailsSent).toBe(run.summary.total.ftas.new);
    for (const d of drops) {
      const report = run.summary.drops.find((r) => r.dropId === d.dropId);
      expect(report?.tables.B_TblProceeding?.read).toBe(d.expected.proceedingRows);
      expect(report?.tables.B_TblProceeding?.rejected).toBe(d.expected.proceedingRejected);
    }
    const services = new Set(logs.map((l) => (JSON.parse(l) as { service?: string }).service));
    expect([...services].sort()).toEqual(expect.arrayContaining(['compute-metrics', 'ingest-docket', 'notify-orr', 'schedule-nta']));
    expect(emf.length).toBeGreaterThan(0);
  });

  it('logs no A-number, name, street or birth date', () => {
    expect(scanForPii(logs, drops.map((d) => d.pii))).toEqual([]);
  });

  it('puts none in metric names, dimensions or values', () => {
    expect(scanForPii(emf, drops.map((d) => d.pii))).toEqual([]);
  });

  it('keeps it out of email subjects: the identity is in the body, for ORR, not in inbox listings', () => {
    expect(scanForPii(run.emails.map((e) => e.subject), drops.map((d) => d.pii))).toEqual([]);
  });
});
