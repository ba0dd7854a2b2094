import { SESClient } from '@aws-sdk/client-ses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulators } from '../../infra/local/emulators';
import { localClientConfig } from '../../infra/local/provision';
import { createSesMailer } from '../../shared/adapters/ses-mailer';
import { MailNotSentError, type OutgoingMail } from '../../shared/ports/mailer';
import { FaultProxy } from '../helpers/fault-proxy';
import { sesNoticeOf } from '../helpers/faulty-stack';
import { connectEmulators, uniqueSuffix } from '../helpers/local-stack';

const quota = (maxSendRate: number) => ({
  status: 200,
  contentType: 'text/xml',
  body: `<GetSendQuotaResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><GetSendQuotaResult><Max24HourSend>200000.0</Max24HourSend><MaxSendRate>${maxSendRate}</MaxSendRate><SentLast24Hours>0.0</SentLast24Hours></GetSendQuotaResult><ResponseMetadata><RequestId>stub</RequestId></ResponseMetadata></GetSendQuotaResponse>`,
});
const messageRejected = {
  kind: 'respond',
  status: 400,
  contentType: 'text/xml',
  body: '<ErrorResponse><Error><Type>Sender</Type><Code>MessageRejected</Code><Message>Email address is not verified.</Message></Error><RequestId>injected</RequestId></ErrorResponse>',
} as const;

/**
 * The SES mailer against the SES emulator, through the fault proxy (which answers
 * GetSendQuota, as the emulator does not, and injects SES's own errors): sends are paced
 * under the quota SES reports, and a final rejection is not retried.
 */
describe('the SES mailer through the fault proxy and the SES emulator', () => {
  let emulators: Emulators;
  let proxy: FaultProxy;
  const inbox = `orr${uniqueSuffix()}@example.gov`;
  const mail = (n: number): OutgoingMail => ({
    to: [inbox],
    from: 'docket-watch@example.gov',
    subject: `[Docket Watch] pacing ${n}`,
    text: 'plain',
    html: '<p>html</p>',
    messageIdHeader: `<FTA.IA-${n}.1@example.gov>`,
    referenceId: `IA-${n}`,
  });

  beforeAll(async () => {
    emulators = await connectEmulators();
    proxy = await FaultProxy.start(emulators.endpoints.ses);
  });
  afterAll(async () => {
    await proxy?.close();
    await emulators?.stop();
  });

  it('paces its sends under the MaxSendRate SES reports (4 a second, half of it: one each 500 ms)', async () => {
    proxy.stub('GetSendQuota', quota(4));
    const arrivals: number[] = [];
    proxy.onAnswer((call, status) => {
      if (status === 200 && sesNoticeOf(call)?.reference.startsWith('IA-10')) arrivals.push(Date.now());
    });
    const client = new SESClient(localClientConfig(proxy.endpoint));
    const mailer = createSesMailer({ client, rateShare: 0.5 });
    for (let i = 0; i < 5; i++) await mailer.send(mail(100 + i));
    client.destroy();
    expect(arrivals).toHaveLength(5);
    // The 5th send leaves 3 intervals after the 2nd (the 1st also carries the connection's
    // set-up): never sooner, as a load only makes it later, less the difference of two
    // requests' transit (generous: unpaced, they would arrive within a few ms of each other).
    expect(arrivals[4]! - arrivals[1]!).toBeGreaterThanOrEqual(3 * 500 - 200);
  });

  it('does not retry a final rejection (MessageRejected): one call reaches SES, MailNotSentError', async () => {
    proxy.stub('GetSendQuota', quota(50));
    const rejected = proxy.inject({ operation: 'SendRawEmail', fault: messageRejected });
    const client = new SESClient(localClientConfig(proxy.endpoint));
    const mailer = createSesMailer({ client, sleepMs: async () => undefined });
    await expect(mailer.send(mail(200))).rejects.toBeInstanceOf(MailNotSentError);
    proxy.clear();
    client.destroy();
    // Neither the mailer's 6 attempts nor the SDK's own 3: once.
    expect(rejected.injected()).toBe(1);
  });
});
