import { z } from 'zod';
import type { Log } from '../ports/log';
import type { NoticeLedger, ProviderEventType } from '../ports/notice-ledger';

/**
 * The part of an SES event-publishing record we read (SES -> configuration set event
 * destination -> SNS). `mail.tags` echoes the tags we sent: `scope` and `notice`.
 * Recipient addresses and diagnostic text are not kept (PII, free text).
 */
export const SesEventRecord = z.object({
  eventType: z.enum(['Send', 'Delivery', 'Bounce', 'Complaint', 'Reject', 'DeliveryDelay', 'RenderingFailure']),
  mail: z.object({
    messageId: z.string(),
    timestamp: z.string(),
    tags: z.record(z.string(), z.array(z.string())).default({}),
  }),
  bounce: z.object({ bounceType: z.string(), bounceSubType: z.string().optional() }).optional(),
  complaint: z.object({ complaintFeedbackType: z.string().optional() }).optional(),
});
export type SesEventRecord = z.infer<typeof SesEventRecord>;

export interface RecordSesEventDeps {
  readonly ledger: NoticeLedger;
  readonly log: Log;
  readonly clock: { now(): Date };
}

export type SesEventOutcome = { readonly recorded: boolean; readonly type: ProviderEventType; readonly permanentBounce: boolean };

/**
 * Records one SES event against the notice it is about (found by its tags): `Send`
 * confirms SES accepted the message (closes a send whose ledger write was lost), bounces
 * and complaints are counted on the notice. Events for mail we did not tag are ignored.
 * Safe to repeat (SNS delivers at least once): the counters may count a repeat twice,
 * which only errs towards attention.
 */
export async function recordSesEvent(event: SesEventRecord, deps: RecordSesEventDeps): Promise<SesEventOutcome> {
  const scope = event.mail.tags.scope?.[0];
  const noticeId = event.mail.tags.notice?.[0];
  const permanentBounce = event.eventType === 'Bounce' && event.bounce?.bounceType === 'Permanent';
  if (!scope || !noticeId) {
    deps.log.warn('ses event without notice tags', { eventType: event.eventType, sesMessageId: event.mail.messageId });
    return { recorded: false, type: event.eventType, permanentBounce };
  }
  const detail =
    event.eventType === 'Bounce'
      ? `${event.bounce?.bounceType ?? ''}/${event.bounce?.bounceSubType ?? ''}`
      : event.eventType === 'Complaint'
        ? (event.complaint?.complaintFeedbackType ?? null)
        : null;
  const at = event.eventType === 'Send' ? event.mail.timestamp : deps.clock.now().toISOString();
  const recorded = await deps.ledger.recordProviderEvent({ scope, noticeId }, { type: event.eventType, sesMessageId: event.mail.messageId, at, detail });
  deps.log.info('ses event recorded', { eventType: event.eventType, noticeId, sesMessageId: event.mail.messageId, recorded });
  return { recorded, type: event.eventType, permanentBounce };
}
