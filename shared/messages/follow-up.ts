import { z } from 'zod';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/**
 * Follow-up results of a field office (sent to the NTA schedule queue, or read from a
 * returned work list): a verified address, or an I-830 filed, either closing the case's open
 * re-verification tasks; or an NTA served, taking the roster UC out of the NTA backlog.
 * ADDRESS_VERIFIED carries the address (PII): the queue is encrypted, and consumers never
 * log message bodies.
 */
export const AddressVerifiedMessage = z.object({
  type: z.literal('ADDRESS_VERIFIED'),
  version: z.literal(1),
  caseId: z.string().regex(/^\d+$/),
  verifiedOn: isoDate,
  address: z.object({
    street: z.string().nullable(),
    city: z.string().nullable(),
    state: z.string().nullable(),
    zip: z.string().nullable(),
  }),
});

export const I830FiledMessage = z.object({
  type: z.literal('I830_FILED'),
  version: z.literal(1),
  caseId: z.string().regex(/^\d+$/),
  filedOn: isoDate,
});

export const NtaServedMessage = z.object({
  type: z.literal('NTA_SERVED'),
  version: z.literal(1),
  aNumber: z.string().regex(/^\d{9}$/),
  servedOn: isoDate,
});

export const FollowUpMessage = z.discriminatedUnion('type', [AddressVerifiedMessage, I830FiledMessage, NtaServedMessage]);
export type FollowUpMessage = z.infer<typeof FollowUpMessage>;
