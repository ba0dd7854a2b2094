import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AwsCall } from '../../infra/local/aws-calls';
import type { FunctionName } from '../../shared/runtime/config';
import { DIGEST_TO, FOJC_HOU, isAllowed, synthesizedPolicies, unusedGrants } from './iam-check';
import { MAIL_FROM, ORR_INBOX } from './synth-docket-watch';

/*
 * The oracle is what the functions did, not what the code that grants says: every AWS call
 * each function made in the integration and fault suites, recorded on the local stack
 * (infra/local/aws-calls.ts) and kept, reviewed, in recorded-aws-calls.json. Each must be
 * allowed by that function's synthesized policy, conditions included (a missing grant),
 * and each grant must serve at least one of them (an unused grant). The suites' own run
 * checks its calls against the policies as well (tests/global-setup.ts).
 */
const recorded = JSON.parse(readFileSync(join(import.meta.dirname, 'recorded-aws-calls.json'), 'utf8')) as AwsCall[];
const { functions, statementsOf, nameOf } = synthesizedPolicies();
const names = Object.keys(functions) as FunctionName[];

/**
 * Grants for code paths no suite drives through the local stack, each reviewed: the
 * recorded calls cannot prove them used, so they are listed here, with the path.
 */
const UNEXERCISED: Partial<Record<FunctionName, readonly string[]>> = {
  // The digest's notice ledger releases an intent SES certainly refused (deliverNoticeOnce;
  // tests/unit/deliver-notice.test.ts): no emulator test makes SES refuse a digest.
  sendOrrDigest: ['dynamodb:DeleteItem'],
  // The reminders' notice ledger releases an intent SES certainly refused, likewise.
  sendHearingReminders: ['dynamodb:DeleteItem'],
  // Powertools idempotency reads a record when its conditional put finds one it cannot
  // decide from the put's answer alone (an expired in-progress record).
  notifyOrr: ['dynamodb:GetItem'],
  // A re-plan that changes the plan: its transactions carry the AOR lease's ConditionCheck,
  // and it writes the AOR's work lists (tests/integration/nta-plan.test.ts drives the roster
  // ingest's re-plan; the recorded runs of the scheduler and the morning job changed none).
  scheduleNta: ['dynamodb:ConditionCheckItem', 's3:Abort*'],
  // The same lease-guarded re-plan transactions; GetItem: the roster link of an FTA's case
  // read by the matching when the case has no roster row (findRosterUcForCase).
  planNta: ['dynamodb:ConditionCheckItem', 'dynamodb:GetItem'],
  // A fanned-out drop's finish runs in the chunk worker that completes the last stage; only
  // a report with more than REPORT_LIST_LIMIT files not read or quarantine parts writes its
  // lists under reports/drops/ (tests/integration/drops-as-they-arrive.test.ts drives that
  // through the inline ingest, not the chunk worker).
  ingestDropChunk: ['s3:Abort*'],
  // NTA served re-plans the UC's AOR under the lease (ConditionCheckItem; see scheduleNta);
  // the case link of a row named by EOIR case id is read with GetItem when the UC mark has
  // the A-number (findRosterUcForCase); the failure queue is Lambda's on-failure destination
  // after the asynchronous retries, which no suite exhausts for a return.
  recordWorkListReturns: ['dynamodb:ConditionCheckItem', 'dynamodb:GetItem', 'sqs:SendMessage'],
  // The reconciliation's notice ledger releases an intent SES certainly refused
  // (deliverNoticeOnce; tests/unit/deliver-notice.test.ts), as the digest's does; the failure
  // queue is Lambda's on-failure destination after the asynchronous retries.
  reconcileOpla: ['dynamodb:DeleteItem', 'sqs:SendMessage'],
};

/**
 * Grants no local run can exercise, for any function holding them: there is no Secrets
 * Manager emulator, so the local stack hands the functions PII_KEY_SECRET itself. The
 * deployed read (installPiiKey: GetSecretValue, once per cold start) is tested against a
 * mocked client (tests/unit/config.test.ts), and which functions get the grant, on that
 * one secret only, in tests/infra/pii-key-secret.test.ts.
 */
const UNEXERCISED_ANYWHERE = ['piiKeySecret: secretsmanager:GetSecretValue'] as const;

describe('least privilege, proven by the calls the functions made', () => {
  it('has recorded calls of every function', () => {
    expect(names.filter((n) => !recorded.some((c) => c.fn === n))).toEqual([]);
  });

  it.each(names)('allows %s every call it made, conditions included', (name) => {
    const denied = recorded.filter((c) => c.fn === name && !isAllowed(statementsOf(name), nameOf, c));
    expect(denied).toEqual([]);
  });

  it.each(names)('grants %s nothing it never uses', (name) => {
    const unused = unusedGrants(statementsOf(name), nameOf, recorded.filter((c) => c.fn === name));
    const reviewed = [...(UNEXERCISED[name] ?? []), ...UNEXERCISED_ANYWHERE];
    expect(unused.filter((g) => !reviewed.some((u) => g.endsWith(u)))).toEqual([]);
  });

  it.each(names)('names every resource %s may touch: no wildcard resource, no wildcard service', (name) => {
    const grants = statementsOf(name).flatMap((s) => [s.Resource].flat().flatMap((r) => [s.Action].flat().map((a) => `${nameOf(r)}: ${a}`)));
    expect(grants.filter((g) => (g.startsWith('*:') && g !== '*: ses:GetSendQuota') || g.startsWith('UNKNOWN'))).toEqual([]);
    expect(grants.filter((g) => /: [a-z0-9]+:\*$/.test(g))).toEqual([]);
  });
});

describe('the checker refuses what IAM would refuse', () => {
  const call = (over: Partial<AwsCall>): AwsCall => ({ fn: 'notifyOrr', action: 'dynamodb:GetItem', resource: 'cases', ...over });

  it('a DynamoDB action the role lacks, on a table it has', () => {
    expect(isAllowed(statementsOf('computeMetrics'), nameOf, call({ fn: 'computeMetrics', action: 'dynamodb:PutItem' }))).toBe(false);
    expect(isAllowed(statementsOf('computeMetrics'), nameOf, call({ fn: 'computeMetrics', action: 'dynamodb:Query' }))).toBe(true);
  });

  it('a send to an address that is not a configured recipient, or from another sender', () => {
    const send = (from: string, to: string[]) =>
      call({ action: 'ses:SendRawEmail', resource: 'ses:identity/mailFrom', context: { 'ses:FromAddress': from, 'ses:Recipients': to } });
    expect(isAllowed(statementsOf('notifyOrr'), nameOf, send('mailFrom', ['orrInbox', 'fojc']))).toBe(true);
    expect(isAllowed(statementsOf('notifyOrr'), nameOf, send('mailFrom', ['orrInbox', 'other:someone@example.com']))).toBe(false);
    expect(isAllowed(statementsOf('notifyOrr'), nameOf, send('other:x@example.com', ['orrInbox']))).toBe(false);
    expect(isAllowed(statementsOf('sendOrrDigest'), nameOf, send('mailFrom', ['orrInbox']))).toBe(false);
  });

  it('a listing outside the prefixes the function reads', () => {
    const list = (prefix: string) => call({ fn: 'ingestDocket', action: 's3:ListBucket', resource: 'dropBucket', context: { 's3:prefix': prefix } });
    expect(isAllowed(statementsOf('ingestDocket'), nameOf, list('drops/*'))).toBe(true);
    expect(isAllowed(statementsOf('ingestDocket'), nameOf, list('rosters/*'))).toBe(false);
    expect(isAllowed(statementsOf('ingestDocket'), nameOf, list(''))).toBe(false);
  });

  it('an unused grant is named', () => {
    const onlyReads = [call({ fn: 'notifyOrr' })];
    expect(unusedGrants(statementsOf('notifyOrr'), nameOf, onlyReads)).toContain('cases: dynamodb:DeleteItem');
  });
});

describe('the grants the checks above cannot see', () => {
  it('binds SES sending to mailFrom and the configured recipients', () => {
    const ses = (name: FunctionName) => statementsOf(name).filter((s) => JSON.stringify(s.Action).includes('ses:Send'));
    for (const s of ses('notifyOrr')) {
      expect(s.Condition).toEqual({ StringEquals: { 'ses:FromAddress': MAIL_FROM }, 'ForAllValues:StringEquals': { 'ses:Recipients': [ORR_INBOX, FOJC_HOU] } });
    }
    for (const s of ses('sendOrrDigest')) {
      expect(s.Condition).toEqual({ StringEquals: { 'ses:FromAddress': MAIL_FROM }, 'ForAllValues:StringEquals': { 'ses:Recipients': [DIGEST_TO] } });
    }
    expect(ses('notifyOrr')).toHaveLength(1);
    expect(ses('sendOrrDigest')).toHaveLength(1);
  });

  it('lets only the notifier touch the idempotency table', () => {
    for (const name of names.filter((n) => n !== 'notifyOrr')) {
      expect(statementsOf(name).filter((s) => [s.Resource].flat().some((r) => nameOf(r) === 'idempotency'))).toEqual([]);
    }
  });
});
