import { cartAuditView } from '../domain/audit-view.js';
import { type Cart, closeCart } from '../domain/cart.js';
import { emailHash } from '../domain/email-hash.js';
import type { AuditAction, Contact } from '../ports.js';
import { auditClosed, auditEntry } from './cart-progress.js';
import type { EngineDeps } from './engine-deps.js';
import { retryOnConflict } from './retry-on-conflict.js';

export type UnsubscribeDeps = Pick<
  EngineDeps,
  'carts' | 'contacts' | 'scheduler' | 'audit' | 'clock' | 'rules' | 'log'
>;

export interface UnsubscribeOutcome {
  emailHash: string;
  alreadyUnsubscribed: boolean;
  before: Contact | undefined;
  after: Contact;
  closed: { cartId: string; status: Cart['status'] }[];
}

/**
 * Unsubscribes one email for good: no reminder for any of its carts, now or later. Its open carts
 * close as `unsubscribed`; the change and each closing are audited. Idempotent.
 */
export async function unsubscribeEmail(
  deps: UnsubscribeDeps,
  input: { emailKey: string; reason: string; actor: string; action: AuditAction },
): Promise<UnsubscribeOutcome> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const { version } = await deps.rules.current();
  const context = { at, actor: input.actor, rulesVersion: version };
  const hash = emailHash(input.emailKey);
  const { before, after } = await deps.contacts.unsubscribe(input.emailKey, {
    at,
    reason: input.reason,
    actor: input.actor,
  });
  const alreadyUnsubscribed = Boolean(before?.unsubscribedAt);
  if (!alreadyUnsubscribed) {
    await deps.audit.record(
      auditEntry(context, {
        action: input.action,
        emailHash: hash,
        before: contactView(before),
        after: contactView(after),
        detail: { reason: input.reason },
      }),
    );
  }
  const closed: UnsubscribeOutcome['closed'] = [];
  for (const open of await deps.carts.openCartsByEmail(input.emailKey)) {
    const done = await retryOnConflict(async () => {
      const cart = await deps.carts.get(open.id);
      if (!cart || cart.status !== 'open') return undefined;
      const saved = await deps.carts.put(
        closeCart(cart, 'unsubscribed', at, `unsubscribed: ${input.reason}`),
        cart.version,
      );
      if (cart.wake) await deps.scheduler.cancel({ cartId: cart.id, seq: cart.wake.seq });
      await auditClosed(deps, cart, saved, context, [`the email was unsubscribed (${input.action})`]);
      return saved;
    });
    if (done) closed.push({ cartId: done.id, status: done.status });
  }
  deps.log.info('email unsubscribed', {
    emailHash: hash,
    actor: input.actor,
    closed: closed.length,
    alreadyUnsubscribed,
  });
  return { emailHash: hash, alreadyUnsubscribed, before, after, closed };
}

/**
 * The shopper's one-click unsubscribe: the token names its own email and nothing else.
 * @throws InvalidUnsubscribeTokenError for a forged, damaged or foreign token.
 */
export async function unsubscribeByToken(
  deps: UnsubscribeDeps & { links: Pick<EngineDeps['links'], 'tokens'> },
  token: string,
): Promise<UnsubscribeOutcome & { cartId: string }> {
  const { emailKey, cartId } = deps.links.tokens.open(token);
  const outcome = await unsubscribeEmail(deps, {
    emailKey,
    reason: `one-click unsubscribe from a reminder for cart ${cartId}`,
    actor: 'shopper',
    action: 'shopper.unsubscribe',
  });
  return { ...outcome, cartId };
}

/** A contact as the audit keeps it: no address, only its hash. */
export function contactView(contact: Contact | undefined): Record<string, unknown> | undefined {
  if (!contact) return undefined;
  const { emailKey, ...rest } = contact;
  return { emailHash: emailHash(emailKey), ...rest };
}

export { cartAuditView };
