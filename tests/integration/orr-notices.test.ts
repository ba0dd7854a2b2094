import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulators } from '../../infra/local/emulators';
import { fetchReceivedEmails } from '../../infra/local/outputs';
import { LOCAL_SES_MAX_SEND_RATE } from '../../infra/local/pipeline';
import { recipientKey } from '../../shared/adapters/cases-table/pii-keys';
import { createDynamoRosterStore } from '../../shared/adapters/cases-table/dynamo-roster-store';
import type { RosterUc } from '../../shared/domain/roster';
import { localClientConfig, provisionLocalResources } from '../../infra/local/provision';
import { createDynamoCaseDetails } from '../../shared/adapters/cases-table/dynamo-case-details';
import { createDynamoCaseStore } from '../../shared/adapters/cases-table/dynamo-case-store';
import { createDynamoNoticeCase } from '../../shared/adapters/cases-table/dynamo-notice-case';
import { createDynamoNoticeLedger } from '../../shared/adapters/cases-table/dynamo-notice-ledger';
import { createSesMailer } from '../../shared/adapters/ses-mailer';
import type { Fta } from '../../shared/domain/fta';
import { toFtaRecordedMessage } from '../../shared/messages/fta-recorded';
import type { CaseDetailsReader } from '../../shared/ports/case-details';
import type { Clock } from '../../shared/ports/clock';
import { MailNotSentError, type Mailer } from '../../shared/ports/mailer';
import { loadNoticeRenderer } from '../../shared/runtime/templates';
import { NoticeUnconfirmedError } from '../../shared/use-cases/steps/deliver-notice-once';
import { ftaNoticeKey, notifyOrrOfFta, notifyOrrOfIdentity, notifyOrrOfRescission, type NotifyDeps } from '../../shared/use-cases/notify-orr';
import { recordSesEvent } from '../../shared/use-cases/record-ses-event';
import { sendOrrDigest } from '../../shared/use-cases/send-orr-digest';
import { FAULTS, FaultProxy, type ProxiedCall } from '../helpers/fault-proxy';
import { sesNoticeOf } from '../helpers/faulty-stack';
import { silentLog } from '../helpers/in-memory-ports';
import { connectEmulators, uniqueSuffix } from '../helpers/local-stack';

/**
 * The notifier's use cases with their real adapters on the emulators (DynamoDB Local and
 * aws-ses-v2-local). The emulator keeps what it parsed and re-creates the .eml without our
 * own headers, so the raw MIME each SendRawEmail carried is also captured on the client.
 */
describe('ORR notices through the emulators', () => {
  let emulators: Emulators;
  let dynamo: DynamoDBDocumentClient;
  let ses: SESClient;
  const raw: Buffer[] = [];
  const suffix = uniqueSuffix();
  const inbox = `orr${suffix}@example.gov`;
  const fojc = `fojc${suffix}@example.gov`;
  // The notifier's ports, and the case details the digest also reads.
  let deps: NotifyDeps & { readonly caseDetails: CaseDetailsReader };
  let tableName: string;
  let now = new Date('2026-03-02T10:00:00Z');
  const clock: Clock = { now: () => now };

  const fta = (id: string, over: Partial<Fta> = {}): Fta => ({
    ftaId: `IA-${id}`,
    kind: 'IN_ABSENTIA_ORDER',
    caseId: `7${id}`,
    proceedingId: id,
    scheduleId: null,
    date: '2026-02-27',
    court: 'HOU',
    aor: 'HOU',
    provenance: { dropId: `drop${suffix}`, table: 'B_TblProceeding', lineNumber: 2 },
    ...over,
  });

  const received = async (): Promise<ParsedMail[]> => {
    const mine = (await fetchReceivedEmails(emulators.endpoints.ses)).filter((e) => e.to.some((t) => t.includes(suffix)));
    return Promise.all(mine.map((e) => simpleParser(e.eml)));
  };
  const receivedFor = async (ref: string) => (await received()).filter((m) => m.subject?.includes(`ref ${ref}`));
  const rawFor = async (ref: string) =>
    Promise.all(raw.map((r) => simpleParser(r))).then((all) => all.filter((m) => m.headers.get('x-docket-watch-reference') === ref));

  const record = async (f: Fta, at = '2026-03-01T08:00:00.000Z') => {
    await createDynamoCaseStore({ client: dynamo, tableName }).recordFtas([f], at);
    return toFtaRecordedMessage(f, at);
  };

  /** The next drop rescinds the FTA: the store says RESCINDED before the correction message is handled. */
  const rescindInStore = async (f: Fta) => {
    const store = createDynamoCaseStore({ client: dynamo, tableName });
    const [open] = await store.findOpenFtas([{ caseId: f.caseId, ftaId: f.ftaId }]);
    await store.rescindFtas([{ fta: open!, reason: 'ABSENTIA_WITHDRAWN', dropId: 'd2' }], now.toISOString());
  };

  beforeAll(async () => {
    emulators = await connectEmulators();
    const resources = await provisionLocalResources(emulators.endpoints, { suffix });
    tableName = resources.casesTable;
    dynamo = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(emulators.endpoints.dynamodb)), {
      marshallOptions: { removeUndefinedValues: true },
    });
    ses = new SESClient(localClientConfig(emulators.endpoints.ses));
    ses.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { RawMessage?: { Data?: Uint8Array } };
        if (input.RawMessage?.Data) raw.push(Buffer.from(input.RawMessage.Data));
        return next(args);
      },
      { step: 'initialize', name: 'captureRawMime' },
    );
    deps = {
      cases: createDynamoNoticeCase({ client: dynamo, tableName }),
      caseDetails: createDynamoCaseDetails({ client: dynamo, tableName }),
      ledger: createDynamoNoticeLedger({ client: dynamo, tableName }),
      // SES's default production rate, so nothing waits for GetSendQuota (the emulator never answers it).
      mailer: createSesMailer({ client: ses, maxSendRate: LOCAL_SES_MAX_SEND_RATE }),
      renderer: loadNoticeRenderer(),
      clock,
      log: silentLog,
      inbox,
      from: 'docket-watch@example.gov',
      juvenileCoordinators: { HOU: fojc },
      messageIdDomain: 'example.gov',
      sesMessageIdDomain: 'email.amazonses.com',
      unconfirmedGraceMs: 10 * 60_000,
    };
  });

  afterAll(async () => {
    dynamo?.destroy();
    ses?.destroy();
    await emulators?.stop();
  });

  it('sends one MIME notice with text and HTML, the child, addresses and FOJC copy, and records it', async () => {
    const f = fta('9001');
    const message = await record(f);
    await dynamo.send(new PutCommand({ TableName: tableName, Item: { pk: `CASE#${f.caseId}`, sk: 'UC', caseId: f.caseId, aNumber: '012345678' } }));
    await dynamo.send(
      new PutCommand({
        TableName: tableName,
        Item: { pk: `CASE#${f.caseId}`, sk: 'PROFILE', firstName: 'Ana', lastName: 'Lopez', birthDate: '2010-07-14', country: 'Guatemala', sponsorName: 'Rosa Lopez', sponsorRelationship: 'Mother' },
      }),
    );
    await dynamo.send(
      new PutCommand({
        TableName: tableName,
        Item: { pk: `CASE#${f.caseId}`, sk: 'ADDR#ORR_SPONSOR#1', source: 'ORR_SPONSOR', street: '9 Oak Ave', city: 'Dallas', state: 'TX', zip: '75201', asOf: '2025-11-03' },
      }),
    );

    const outcome = await notifyOrrOfFta(message, deps);
    expect(outcome.outcome).toBe('sent');

    const [mail, ...others] = await receivedFor(f.ftaId);
    expect(others).toHaveLength(0);
    expect(mail?.subject).toBe(`[Docket Watch] 2026-02-27 FTA in-absentia order - EOIR case ${f.caseId} - HOU - ref ${f.ftaId}`);
    expect(mail?.text).toContain('Name:             Ana Lopez');
    expect(mail?.text).toContain('A-number:         012345678');
    expect(mail?.text).toContain('Age at hearing:   15');
    expect(mail?.text).toContain('ORR sponsor address (2025-11-03): 9 Oak Ave, Dallas, TX 75201');
    expect(mail?.html).toContain('Rosa Lopez (Mother)');
    expect(mail?.html).toContain(fojc);
    const cc = mail?.cc && !Array.isArray(mail.cc) ? mail.cc.text : '';
    expect(cc).toBe(fojc);

    const [sent] = await rawFor(f.ftaId);
    const ledger = await deps.ledger.get(ftaNoticeKey(f));
    expect(ledger).toMatchObject({ state: 'SENT', type: 'FTA', ftaRecordedAt: '2026-03-01T08:00:00.000Z', recipients: 2 });
    expect(ledger?.sentAt).toBeTruthy();
    expect(sent?.messageId).toBe(ledger?.messageIdHeader);
    expect(sent?.text).toContain('012345678');
    expect(sent?.html).toContain('Ana Lopez');
  });

  it('sends a correction that references the original notice', async () => {
    const f = fta('9002');
    const message = await record(f);
    await notifyOrrOfFta(message, deps);
    const original = await deps.ledger.get(ftaNoticeKey(f));
    await rescindInStore(f);
    await notifyOrrOfRescission(
      { type: 'FTA_RESCINDED', version: 1, ftaId: f.ftaId, kind: f.kind, caseId: f.caseId, aor: f.aor, reason: 'ABSENTIA_WITHDRAWN', dropId: 'd2', rescindedAt: now.toISOString() },
      deps,
    );
    const correction = (await receivedFor(f.ftaId)).find((m) => m.subject?.startsWith('CORRECTION: '));
    expect(correction?.text).toContain('this failure to appear has been rescinded');
    expect(correction?.html).toContain('later docket shows the proceeding without an in-absentia order');
    const rawCorrection = (await rawFor(f.ftaId)).find((m) => m.subject?.startsWith('CORRECTION: '));
    expect(rawCorrection?.inReplyTo).toBe(original?.messageIdHeader);
    expect(rawCorrection?.references).toEqual([original?.messageIdHeader, `<${original?.sesMessageId}@email.amazonses.com>`]);
  });

  it('sends one email however often the same FTA message is handled', async () => {
    const message = await record(fta('9003'));
    const outcomes = [];
    for (let i = 0; i < 3; i++) outcomes.push((await notifyOrrOfFta(message, deps)).outcome);
    expect(outcomes).toEqual(['sent', 'already-sent', 'already-sent']);
    expect(await receivedFor('IA-9003')).toHaveLength(1);
  });

  it('sends one email when the function dies between the send and the ledger write', async () => {
    const f = fta('9004');
    const message = await record(f);
    // The crash: SES accepts the message, then the process dies before the ledger says SENT.
    const crashing: Mailer = {
      async send(mail) {
        const out = await deps.mailer.send(mail);
        throw new Error(`crash after SES accepted ${out.messageId}`);
      },
    };
    await expect(notifyOrrOfFta(message, { ...deps, mailer: crashing })).rejects.toThrow('crash after SES accepted');
    expect(await receivedFor(f.ftaId)).toHaveLength(1);

    // The retry (redelivered SQS message) finds the unconfirmed intent and does not send.
    await expect(notifyOrrOfFta(message, deps)).rejects.toBeInstanceOf(NoticeUnconfirmedError);
    expect(await receivedFor(f.ftaId)).toHaveLength(1);

    // SES publishes its Send event (configuration set -> SNS -> record-ses-events).
    // This file's inbox only: files running at the same time share the SES emulator, and FTA ids repeat between them.
    const sesMessageId = (await fetchReceivedEmails(emulators.endpoints.ses)).find((e) => e.to.some((t) => t.includes(suffix)) && e.subject.includes(`ref ${f.ftaId}`))?.messageId ?? '';
    const key = ftaNoticeKey(f);
    await recordSesEvent(
      { eventType: 'Send', mail: { messageId: sesMessageId, timestamp: now.toISOString(), tags: { scope: [key.scope], notice: [key.noticeId] } } },
      { ledger: deps.ledger, log: silentLog, clock },
    );
    const retry = await notifyOrrOfFta(message, deps);
    expect(retry.outcome).toBe('confirmed-from-ses-event');
    expect(await deps.ledger.get(key)).toMatchObject({ state: 'SENT', sesMessageId });
    expect((await notifyOrrOfFta(message, deps)).outcome).toBe('already-sent');
    expect(await receivedFor(f.ftaId)).toHaveLength(1);
  });

  it('records bounces and complaints against the notice', async () => {
    const f = fta('9005');
    await notifyOrrOfFta(await record(f), deps);
    const key = ftaNoticeKey(f);
    const ev = (eventType: 'Bounce' | 'Complaint') => ({
      eventType,
      mail: { messageId: 'x', timestamp: now.toISOString(), tags: { scope: [key.scope], notice: [key.noticeId] } },
      bounce: { bounceType: 'Permanent', bounceSubType: 'General' },
      complaint: { complaintFeedbackType: 'abuse' },
    });
    const depsEv = { ledger: deps.ledger, log: silentLog, clock };
    expect((await recordSesEvent(ev('Bounce'), depsEv)).permanentBounce).toBe(true);
    await recordSesEvent(ev('Complaint'), depsEv);
    expect(await deps.ledger.get(key)).toMatchObject({ bounces: 1, complaints: 1 });
  });

  it('sends the daily digest once per recipient with the day’s FTAs as a CSV attachment', async () => {
    const day = '2026-03-05';
    await record(fta('9101'), `${day}T01:00:00.000Z`);
    await record(fta('9102', { aor: 'SND', court: null }), `${day}T02:00:00.000Z`);
    await record(fta('9103'), '2026-03-06T02:00:00.000Z');
    now = new Date('2026-03-06T06:00:00Z');
    const recipients = [{ address: `digest-all${suffix}@example.gov` }, { address: `digest-hou${suffix}@example.gov`, aors: ['HOU'] }];
    const digestDeps = { ...deps, ftas: createDynamoCaseStore({ client: dynamo, tableName }), recipients, recipientKey };
    await sendOrrDigest(day, digestDeps);
    await sendOrrDigest(day, digestDeps); // a re-run sends nothing more

    const digests = (await received()).filter((m) => m.subject?.includes('daily digest'));
    expect(digests).toHaveLength(2);
    const all = digests.find((m) => (m.to && !Array.isArray(m.to) ? m.to.text : '').startsWith('digest-all'));
    expect(all?.subject).toBe(`[Docket Watch] ${day} daily digest - 2 new FTA(s)`);
    expect(all?.html).toContain('IA-9101');
    const [csv] = all?.attachments ?? [];
    expect(csv?.filename).toBe(`docket-watch-ftas-${day}.csv`);
    expect(csv?.contentType).toBe('text/csv');
    // The raw MIME we sent carries the CSV; the emulator's re-created .eml base64-encodes it
    // once more (aws-ses-v2-local keeps attachment content as base64 text), so decode it once.
    const rawDigest = (await rawFor(`DIGEST.${day}.${recipientKey(recipients[0]!.address)}`))[0];
    const sentCsv = rawDigest?.attachments[0]?.content.toString('utf8') ?? '';
    expect(Buffer.from(csv?.content.toString('utf8') ?? '', 'base64').toString('utf8')).toBe(sentCsv);
    const rows = sentCsv.trimEnd().split('\r\n');
    expect(rows[0]).toBe('reference,date,kind,eoir_case_id,eoir_proceeding_id,court,aor,a_number');
    expect(rows.slice(1).map((r) => r.split(',')[0])).toEqual(['IA-9101', 'IA-9102']);
    const hou = digests.find((m) => m !== all);
    expect(hou?.text).toContain('IA-9101');
    expect(hou?.text).not.toContain('IA-9102');
  });

  const rosterUc = (aNumber: string, eoirCaseId: string | null, over: Partial<RosterUc> = {}): RosterUc => ({
    aNumber,
    firstName: 'Lucia',
    lastName: 'Ramirez',
    birthDate: '2010-04-02',
    country: 'Honduras',
    orrTransferDate: '2024-01-02',
    orrReleaseDate: '2024-02-03',
    releaseType: 'SPONSOR',
    sponsorName: 'Marta Ramirez',
    sponsorRelationship: 'AUNT',
    sponsorAddress: { street: '12 Elm St', city: 'Houston', state: 'TX', zip: '77002' },
    aor: 'HOU',
    ntaServedDate: null,
    eoirCaseId,
    safetyFlag: false,
    ...over,
  });
  const landRoster = async (ucs: RosterUc[], rosterId: string) => {
    const roster = createDynamoRosterStore({ client: dynamo, tableName });
    await roster.saveRosterUcs(ucs, rosterId, now.toISOString());
    const links = ucs.filter((u) => u.eoirCaseId !== null).map((u) => ({ caseId: u.eoirCaseId as string, aNumber: u.aNumber }));
    await roster.linkRosterCases(links, rosterId);
  };

  it('names the child, birth month, country, sponsor, relationship and sponsor address of a case the roster links by EOIR_CASE_ID', async () => {
    const f = fta('9201');
    await landRoster([rosterUc('301000001', f.caseId)], `r${suffix}`);
    await notifyOrrOfFta(await record(f), deps);
    const [sent] = await rawFor(f.ftaId);
    expect(sent?.text).toContain('Name:             Lucia Ramirez');
    expect(sent?.text).toContain('A-number:         301000001');
    expect(sent?.text).toContain('Born (month):     2010-04');
    expect(sent?.text).toContain('Country:          Honduras');
    expect(sent?.text).toContain('Marta Ramirez (AUNT)');
    expect(sent?.text).toContain('Address: 12 Elm St, Houston, TX 77002');
    expect(sent?.text).not.toContain('IDENTITY NOT IN THE DATA');
    expect(await deps.ledger.get(ftaNoticeKey(f))).toMatchObject({ state: 'SENT', identified: true });
  });

  it('names the child of a case the roster knows by A-number only (ALIEN_NBR on the case)', async () => {
    const f = fta('9202');
    await landRoster([rosterUc('301000002', null, { firstName: 'Testa', lastName: 'Ejemplo' })], `r2${suffix}`);
    await createDynamoCaseStore({ client: dynamo, tableName }).recordCaseSightings([{ caseId: f.caseId, dropId: 'd', aNumber: '301000002' }]);
    await notifyOrrOfFta(await record(f), deps);
    const [sent] = await rawFor(f.ftaId);
    expect(sent?.text).toContain('Name:             Testa Ejemplo');
    expect(sent?.text).toContain('Marta Ramirez (AUNT)');
  });

  it('names the child from the DOJ-to-DHS identity columns when no roster has them', async () => {
    const f = fta('9203');
    await createDynamoCaseStore({ client: dynamo, tableName }).recordCaseSightings([
      { caseId: f.caseId, dropId: 'd', aNumber: '301000003', firstName: 'Rosa', lastName: 'Diaz' },
    ]);
    await notifyOrrOfFta(await record(f), deps);
    const [sent] = await rawFor(f.ftaId);
    expect(sent?.text).toContain('Name:             Rosa Diaz');
    expect(sent?.text).toContain('A-number:         301000003');
  });

  it('sends one follow-up, threaded under the notice, when a roster names the child after the notice went out', async () => {
    const f = fta('9204');
    await notifyOrrOfFta(await record(f), deps);
    const original = await deps.ledger.get(ftaNoticeKey(f));
    expect(original).toMatchObject({ state: 'SENT', identified: false });
    await landRoster([rosterUc('301000004', f.caseId)], `r3${suffix}`);
    const message = { type: 'CASE_IDENTIFIED' as const, version: 1 as const, caseId: f.caseId, source: `roster:r3${suffix}` };
    expect((await notifyOrrOfIdentity(message, deps)).map((o) => o.outcome)).toEqual(['sent']);
    expect((await notifyOrrOfIdentity(message, deps)).map((o) => o.outcome)).toEqual(['already-sent']);
    const followUps = (await rawFor(f.ftaId)).filter((m) => m.subject?.startsWith('CHILD IDENTIFIED: '));
    expect(followUps).toHaveLength(1);
    expect(followUps[0]?.inReplyTo).toBe(original?.messageIdHeader);
    expect(followUps[0]?.references).toEqual([original?.messageIdHeader, `<${original?.sesMessageId}@email.amazonses.com>`]);
    expect(followUps[0]?.text).toContain('Name:             Lucia Ramirez');
  });

  it('sends neither notice nor correction when the rescission is handled first, and the ledger says why', async () => {
    const f = fta('9205');
    const message = await record(f);
    await rescindInStore(f);
    const rescission = { type: 'FTA_RESCINDED' as const, version: 1 as const, ftaId: f.ftaId, kind: f.kind, caseId: f.caseId, aor: f.aor, reason: 'ABSENTIA_WITHDRAWN' as const, dropId: 'd2', rescindedAt: now.toISOString() };
    expect((await notifyOrrOfRescission(rescission, deps)).outcome).toBe('withheld');
    expect((await notifyOrrOfFta(message, deps)).outcome).toBe('withheld');
    expect(await rawFor(f.ftaId)).toHaveLength(0);
    expect(await deps.ledger.get(ftaNoticeKey(f))).toMatchObject({ state: 'WITHHELD', withheldReason: 'FTA_RESCINDED_BEFORE_NOTICE' });
  });

  it('keys the digest by recipient: a reordered list on a re-run sends nobody a second digest', async () => {
    const day = '2026-03-07';
    const f = fta('9301');
    await landRoster([rosterUc('301000031', f.caseId)], `r4${suffix}`);
    await record(f, `${day}T01:00:00.000Z`);
    const a = { address: `digest-a${suffix}@example.gov` };
    const b = { address: `digest-b${suffix}@example.gov` };
    const digestDeps = (recipients: { address: string }[]) => ({ ...deps, ftas: createDynamoCaseStore({ client: dynamo, tableName }), recipients, recipientKey });
    await sendOrrDigest(day, digestDeps([a, b]));
    const rerun = await sendOrrDigest(day, digestDeps([b, a]));
    expect(rerun.map((o) => o.outcome)).toEqual(['already-sent', 'already-sent']);
    const digests = raw.length === 0 ? [] : (await Promise.all(raw.map((r) => simpleParser(r)))).filter((m) => m.subject?.includes(`${day} daily digest`));
    expect(digests).toHaveLength(2);
    const csv = digests[0]?.attachments[0]?.content.toString('utf8') ?? '';
    // The A-number column is filled from the roster.
    expect(csv).toContain(`${f.ftaId},${f.date},IN_ABSENTIA_ORDER,${f.caseId},${f.proceedingId},HOU,HOU,301000031`);
  });

  it('keeps the intent through the fault proxy when a reset is followed by 5 x 503: the next delivery sends no second email', async () => {
    const proxy = await FaultProxy.start(emulators.endpoints.ses);
    // The SDK's own 3 attempts per call, as deployed: the reset is one of the SDK's retries.
    const viaProxy = new SESClient(localClientConfig(proxy.endpoint));
    try {
      const f = fta('9401');
      const message = await record(f);
      const isMine = (call: ProxiedCall) => sesNoticeOf(call)?.reference === f.ftaId;
      const reset = proxy.inject({ operation: 'SendRawEmail', fault: FAULTS.reset, times: 1, match: isMine });
      const unavailable = proxy.inject({ operation: 'SendRawEmail', fault: FAULTS.sesServiceUnavailable, times: 5, match: isMine });
      // 2 mailer attempts x 3 SDK attempts: the reset, then five 503s.
      const proxied = { ...deps, mailer: createSesMailer({ client: viaProxy, maxAttempts: 2, maxSendRate: LOCAL_SES_MAX_SEND_RATE, sleepMs: async () => undefined }) };
      const failed = await notifyOrrOfFta(message, proxied).catch((e: unknown) => e);
      expect(reset.injected() + unavailable.injected()).toBe(6);
      expect(failed).not.toBeInstanceOf(MailNotSentError);
      expect(await deps.ledger.get(ftaNoticeKey(f))).toMatchObject({ state: 'SENDING' });
      proxy.clear();
      await expect(notifyOrrOfFta(message, proxied)).rejects.toBeInstanceOf(NoticeUnconfirmedError);
      expect(await receivedFor(f.ftaId)).toHaveLength(0);
    } finally {
      viaProxy.destroy();
      await proxy.close();
    }
  });
});
