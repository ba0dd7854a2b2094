import { SendEmailCommand, type SESClient } from '@aws-sdk/client-ses';
import type { Mailer, OutgoingMail } from '../ports/mailer';

export interface SesMailerOptions {
  readonly client: SESClient;
}

/** Sends plain-text email through SES (v1 SendEmail). */
export function createSesMailer({ client }: SesMailerOptions): Mailer {
  return {
    async send(mail: OutgoingMail): Promise<{ messageId: string }> {
      const out = await client.send(
        new SendEmailCommand({
          Source: mail.from,
          Destination: { ToAddresses: [...mail.to] },
          Message: {
            Subject: { Data: mail.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: mail.text, Charset: 'UTF-8' } },
          },
          Tags: [{ Name: 'reference', Value: mail.referenceId }],
        }),
      );
      if (!out.MessageId) throw new Error('SES returned no MessageId');
      return { messageId: out.MessageId };
    },
  };
}
