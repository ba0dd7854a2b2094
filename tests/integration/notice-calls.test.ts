import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsCall } from '../../infra/local/aws-calls';
import { captureLambdaOutput } from '../../infra/local/capture-output';
import type { Emulators } from '../../infra/local/emulators';
import { runLocalPipeline, type LocalRunResult } from '../../infra/local/run';
import type { FunctionName } from '../../shared/runtime/config';
import { connectEmulators, pipelineTestOptions, SAMPLE_DROP, tempDir, uniqueSuffix } from '../helpers/local-stack';

/*
 * The AWS calls the ORR notifier makes per notice, and the NTA scheduler per FTA, counted
 * from the calls the local stack records (IAM actions: a TransactWriteItems counts once per
 * item, as IAM checks it). A notice sent on a clean run: one consistent Query of the case
 * (the FTA, its notice record, the case details; a second Query when an A-number links the
 * case to the roster), the idempotency record (PutItem, then UpdateItem on completion), the
 * SENDING intent (PutItem), the send slot taken from the notifiers' shared pool (one
 * conditional UpdateItem: a single notifier always knows the pool's next slot), the send,
 * and SENT with the notice counters (one transaction, two UpdateItems). No GetItem: nothing
 * is read twice. The scheduler: one Query for the
 * case's roster link and UC mark, and the task with its index and counters in one
 * transaction. A budget grown back fails here; the time it costs is `npm run bench`.
 */
const NOTIFIER_PER_NOTICE: Readonly<Record<string, number>> = {
  'dynamodb:Query cases': 1,
  'dynamodb:PutItem idempotency': 1,
  'dynamodb:UpdateItem idempotency': 1,
  'dynamodb:PutItem cases': 1,
  'dynamodb:UpdateItem cases': 3,
  'ses:SendRawEmail ses:identity/mailFrom': 1,
};
const SCHEDULER_PER_FTA: Readonly<Record<string, number>> = {
  'dynamodb:Query cases': 1,
  'dynamodb:PutItem cases': 2,
  'dynamodb:UpdateItem cases': 3,
};

/** A function's calls by action and logical resource. */
function callsOf(calls: readonly AwsCall[], fn: FunctionName): Map<string, number> {
  const counts = new Map<string, number>();
  for (const c of calls) if (c.fn === fn) counts.set(`${c.action} ${c.resource}`, (counts.get(`${c.action} ${c.resource}`) ?? 0) + 1);
  return counts;
}

/**
 * The calls over budget: each action's count against `perUnit` x `units` (plus `extra`
 * allowed calls of some actions), and actions not in the budget at all.
 */
function overBudget(
  counts: ReadonlyMap<string, number>,
  perUnit: Readonly<Record<string, number>>,
  units: number,
  extra: Readonly<Record<string, number>> = {},
): Record<string, string> {
  const over: Record<string, string> = {};
  for (const [call, n] of counts) {
    const allowed = (perUnit[call] ?? 0) * units + (extra[call] ?? 0);
    if (n > allowed) over[call] = `${n} calls, budget ${allowed} (${units} x ${perUnit[call] ?? 0} + ${extra[call] ?? 0})`;
  }
  return over;
}

describe('calls per notice and per FTA scheduled, on the local stack', () => {
  let emulators: Emulators;
  let restore: () => void;
  let run: LocalRunResult;
  const suffix = uniqueSuffix();

  beforeAll(async () => {
    restore = captureLambdaOutput({ onLog: () => undefined, onMetrics: () => undefined });
    emulators = await connectEmulators();
    run = await runLocalPipeline(emulators, pipelineTestOptions(suffix, { drops: [SAMPLE_DROP], outDir: tempDir('notice-calls') }));
  });

  afterAll(async () => {
    await run?.pipeline.stop();
    restore();
    await emulators?.stop();
  });

  it('sends each notice with 8 calls, none a GetItem: one Query of the case (one more for a case with an A-number)', async () => {
    const calls = run.pipeline.recordedCalls();
    const notices = calls.filter((c) => c.fn === 'notifyOrr' && c.action === 'ses:SendRawEmail').length;
    expect(notices).toBe(9); // the sample drop's 8 in-absentia orders and 1 no-show adjournment
    // No roster in this run: only a case whose UC item carries EOIR's ALIEN_NBR is looked up on it.
    const rosterLookups = run.ftas.filter((f) => f.aNumber !== null && f.aNumber !== '').length;
    const counts = callsOf(calls, 'notifyOrr');
    expect(overBudget(counts, NOTIFIER_PER_NOTICE, notices, { 'dynamodb:Query cases': rosterLookups })).toEqual({});
    expect([...counts.keys()].filter((k) => k.startsWith('dynamodb:GetItem'))).toEqual([]);
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(8 * notices + rosterLookups);
  });

  it('schedules each FTA with one Query and one transaction, no GetItem', async () => {
    const calls = run.pipeline.recordedCalls();
    const counts = callsOf(calls, 'scheduleNta');
    expect(overBudget(counts, SCHEDULER_PER_FTA, run.ftas.length)).toEqual({});
    expect(counts.get('dynamodb:Query cases')).toBe(run.ftas.length);
  });
});
