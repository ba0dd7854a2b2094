import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it, vi } from 'vitest';
import { runLocalPipeline, type LocalRunResult } from '../../infra/local/run';
import { pipelineTestOptions, uniqueSuffix, useLocalStack } from '../helpers/local-stack';

const CASES = join(import.meta.dirname, '../fixtures/cases');
const c01 = (folder: string): string => join(CASES, 'c01-duplicate-lines', folder);
const c04 = (folder: string): string => join(CASES, 'c04-absentia-junk-later-drop', folder);

/** The ORR emails of a run, read from their raw MIME: notices by FTA reference, and corrections. */
async function mailsOf(run: LocalRunResult): Promise<{ notices: string[]; corrections: string[] }> {
  const notices: string[] = [];
  const corrections: string[] = [];
  for (const e of run.emails) {
    const mail = await simpleParser(e.eml);
    const subject = mail.subject ?? '';
    const ref = /ref ((?:IA|NS)-\d+)/.exec(subject)?.[1] ?? subject;
    if (/correct/i.test(subject)) corrections.push(ref);
    else notices.push(ref);
  }
  return { notices: notices.sort(), corrections: corrections.sort() };
}

const statuses = (run: LocalRunResult): Record<string, string> => Object.fromEntries(run.ftas.map((f) => [f.ftaId, f.status]));

describe('repeated lines and junk ABSENTIA end to end on the local AWS stack', () => {
  const stack = useLocalStack();

  // Each test on tables of its own: the handlers read their resource names when loaded, so
  // they are loaded again for each run.
  const run = async (drops: string[], chunkBytes?: number): Promise<LocalRunResult> => {
    vi.resetModules();
    const result = await runLocalPipeline(stack.emulators, pipelineTestOptions(uniqueSuffix(), { drops, scheduledRuns: false, ...(chunkBytes === undefined ? {} : { chunkBytes }) }));
    await result.pipeline.stop();
    return result;
  };


  it.each([undefined, 1024])('c01 drop-fc06 (chunk bytes %s): one record, one email and one re-verification task per FTA, every line and duplicate counted', async (chunkBytes) => {
    const result = await run([c01('drop-fc06')], chunkBytes);
    const [report] = result.summary.drops;
    expect(result.summary.ingestFailures).toEqual([]);
    expect(statuses(result)).toEqual({ 'IA-8100001': 'OPEN', 'NS-9100002': 'OPEN' });
    expect(await mailsOf(result)).toEqual({ notices: ['IA-8100001', 'NS-9100002'], corrections: [] });
    expect(result.summary.ntaTasksScheduled).toBe(2);
    expect(report?.tables.A_TblCase).toMatchObject({ read: 5, accepted: 5, rejected: 0, duplicates: 2 });
    expect(report?.tables.B_TblProceeding).toMatchObject({ read: 4, accepted: 4, rejected: 0, duplicates: 1 });
    expect(report?.tables.tbl_schedule).toMatchObject({ read: 4, accepted: 4, rejected: 0, duplicates: 1 });
    expect(report?.tables.tbl_JuvenileHistory).toMatchObject({ read: 3, accepted: 3, rejected: 0, duplicates: 1 });
    expect(report?.ucCasesMarked).toBe(2);
    expect(report?.ftas).toEqual({ new: 2, repeated: 0, rescinded: 0 });
    expect(chunkBytes === undefined || (report?.fanOut?.chunks ?? 0) > 4, 'a chunked run fans out in more than 4 chunk messages').toBe(true);
    expect(result.summary.deadLetters.dropChunks).toBe(0);
  });

  it.each([
    ['drop-fc06-proc-dup-only', ['IA-8100001', 'NS-9100002']],
    ['drop-fc06-sched-dup-only', ['IA-8100001', 'NS-9100002']],
    ['drop-fc06-case-juv-dup-only', ['IA-8100001', 'NS-9100002']],
    ['drop-fc06-proc-dup-plus-other-order', ['IA-8100001', 'IA-8100009', 'NS-9100002']],
  ] as const)('c01 %s: each FTA OPEN with one email and one task, UC cases each marked once', async (folder, ftaIds) => {
    const result = await run([c01(folder)]);
    const [report] = result.summary.drops;
    expect(Object.keys(statuses(result)).sort()).toEqual([...ftaIds]);
    expect(Object.values(statuses(result))).toEqual(ftaIds.map(() => 'OPEN'));
    expect(await mailsOf(result)).toEqual({ notices: [...ftaIds], corrections: [] });
    expect(result.summary.ntaTasksScheduled).toBe(ftaIds.length);
    expect(report?.ucCasesMarked).toBe(ftaIds.length);
    for (const counts of Object.values(report?.tables ?? {})) expect(counts.read).toBe(counts.accepted + counts.rejected);
  });

  it('c01 rescind pair: the later drop showing the order withdrawn twice rescinds it once, with one correction', async () => {
    const result = await run([c01('rescind-drop-1'), c01('rescind-drop-2-dup-withdrawn')]);
    expect(statuses(result)).toEqual({ 'IA-8100001': 'RESCINDED', 'NS-9100002': 'OPEN' });
    expect(await mailsOf(result)).toEqual({ notices: ['IA-8100001', 'NS-9100002'], corrections: ['IA-8100001'] });
    expect(result.summary.drops[1]?.ftas).toEqual({ new: 0, repeated: 1, rescinded: 1 });
    expect(result.summary.drops[1]?.tables.B_TblProceeding).toMatchObject({ read: 4, duplicates: 1 });
  });

  it('c04: a date in ABSENTIA in a later drop leaves the order OPEN, sends no correction, and is counted with its reason', async () => {
    const result = await run([c04('drop-1'), c04('drop-2')]);
    expect(statuses(result)).toEqual({ 'IA-8100001': 'OPEN', 'NS-9100002': 'OPEN' });
    expect(await mailsOf(result)).toEqual({ notices: ['IA-8100001', 'NS-9100002'], corrections: [] });
    const second = result.summary.drops[1];
    expect(second?.tables.B_TblProceeding).toMatchObject({ read: 3, accepted: 3, rejected: 0, valueNotes: { ABSENTIA_VALUE_UNKNOWN: 1 } });
    // Only the no-show is seen again: the junk value is no order.
    expect(second?.ftas).toEqual({ new: 0, repeated: 1, rescinded: 0 });
    expect(result.summary.total.tables.B_TblProceeding?.valueNotes).toEqual({ ABSENTIA_VALUE_UNKNOWN: 1 });
  });
});
