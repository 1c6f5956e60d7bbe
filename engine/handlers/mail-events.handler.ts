import type { EventBridgeEvent } from 'aws-lambda';
import * as z from 'zod';
import { emailKey } from '../domain/email-key.js';
import { type UnsubscribeDeps, unsubscribeEmail } from '../use-cases/unsubscribe.js';
import { mailEventsContext } from './aws-context.js';

const recipients = z.array(z.object({ emailAddress: z.string().min(3) })).min(1);

/** The part of an SES event (through an EventBridge event destination) this handler reads. */
const sesEventSchema = z.object({
  detail: z.discriminatedUnion('eventType', [
    z.object({
      eventType: z.literal('Bounce'),
      bounce: z.object({
        bounceType: z.string(),
        bounceSubType: z.string().optional(),
        bouncedRecipients: recipients,
      }),
    }),
    z.object({
      eventType: z.literal('Complaint'),
      complaint: z.object({ complaintFeedbackType: z.string().optional(), complainedRecipients: recipients }),
    }),
  ]),
});

export interface MailEventOutcome {
  kind: 'unsubscribed' | 'ignored';
  count: number;
}

/**
 * SES bounces and complaints: a permanent bounce or any complaint unsubscribes the address for good,
 * across all its carts, audited. Transient bounces (a full mailbox) change nothing.
 */
export async function handleMailEvent(deps: UnsubscribeDeps, event: unknown): Promise<MailEventOutcome> {
  const parsed = sesEventSchema.safeParse(event);
  if (!parsed.success) {
    deps.log.warn('mail event ignored', { reason: 'not an SES bounce or complaint event' });
    return { kind: 'ignored', count: 0 };
  }
  const detail = parsed.data.detail;
  if (detail.eventType === 'Bounce' && detail.bounce.bounceType !== 'Permanent') {
    deps.log.info('transient bounce ignored', { bounceType: detail.bounce.bounceType });
    return { kind: 'ignored', count: 0 };
  }
  const addresses =
    detail.eventType === 'Bounce' ? detail.bounce.bouncedRecipients : detail.complaint.complainedRecipients;
  for (const { emailAddress } of addresses) {
    await unsubscribeEmail(deps, {
      emailKey: emailKey(emailAddress),
      reason:
        detail.eventType === 'Bounce'
          ? `permanent bounce (${detail.bounce.bounceSubType ?? 'General'})`
          : `complaint (${detail.complaint.complaintFeedbackType ?? 'abuse'})`,
      actor: 'ses',
      action: detail.eventType === 'Bounce' ? 'mail.bounce' : 'mail.complaint',
    });
  }
  return { kind: 'unsubscribed', count: addresses.length };
}

export const handler = async (event: EventBridgeEvent<string, unknown>): Promise<MailEventOutcome> =>
  handleMailEvent(await mailEventsContext(), event);
