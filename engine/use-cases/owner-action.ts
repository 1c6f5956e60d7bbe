import { type CartAuditView, cartAuditView } from '../domain/audit-view.js';
import { type Cart, closeCart } from '../domain/cart.js';
import { emailKey as toEmailKey } from '../domain/email-key.js';
import { NotFoundError } from '../domain/errors.js';
import type { OwnerAction } from '../domain/owner-action.js';
import type { EngineDeps } from './engine-deps.js';
import { retryOnConflict } from './retry-on-conflict.js';
import { contactView, unsubscribeEmail } from './unsubscribe.js';

export type OwnerActionDeps = Pick<
  EngineDeps,
  'carts' | 'contacts' | 'scheduler' | 'audit' | 'clock' | 'rules' | 'log'
>;

export interface OwnerActionOutcome {
  action: OwnerAction['action'];
  /** False when the target was already in that state: the action is idempotent. */
  changed: boolean;
  before: unknown;
  after: unknown;
  closed: { cartId: string; status: Cart['status'] }[];
}

/**
 * Carries out an owner's action: suppress or write off a cart (or every open cart of an email), or
 * unsubscribe an email (given directly or through one of its carts). Audited with before/after.
 * @throws NotFoundError when a named cart is unknown.
 */
export async function ownerAction(deps: OwnerActionDeps, input: OwnerAction): Promise<OwnerActionOutcome> {
  if (input.action === 'unsubscribe') {
    const key = input.email
      ? toEmailKey(input.email)
      : (await requireCart(deps, input.cartId ?? '')).emailKey;
    if (!key) throw new NotFoundError(`cart ${input.cartId} has no email address to unsubscribe`);
    const outcome = await unsubscribeEmail(deps, {
      emailKey: key,
      reason: input.reason,
      actor: input.actor,
      action: 'owner.unsubscribe',
    });
    return {
      action: input.action,
      changed: !outcome.alreadyUnsubscribed,
      before: contactView(outcome.before) ?? null,
      after: contactView(outcome.after),
      closed: outcome.closed,
    };
  }

  const status = input.action === 'suppress' ? 'suppressed' : 'written_off';
  const targets = input.cartId
    ? [(await requireCart(deps, input.cartId)).id]
    : (await deps.carts.openCartsByEmail(toEmailKey(input.email ?? ''))).map((c) => c.id);
  const now = deps.clock.now().toISOString();
  const { version } = await deps.rules.current();
  const befores: CartAuditView[] = [];
  const afters: CartAuditView[] = [];
  const closed: OwnerActionOutcome['closed'] = [];
  for (const id of targets) {
    await retryOnConflict(async () => {
      const cart = await deps.carts.get(id);
      if (!cart) return;
      if (cart.status !== 'open') {
        befores.push(cartAuditView(cart));
        afters.push(cartAuditView(cart));
        return;
      }
      const saved = await deps.carts.put(
        closeCart(cart, status, now, `${input.action}: ${input.reason}`),
        cart.version,
      );
      if (cart.wake) await deps.scheduler.cancel({ cartId: cart.id, seq: cart.wake.seq });
      befores.push(cartAuditView(cart));
      afters.push(cartAuditView(saved));
      closed.push({ cartId: saved.id, status: saved.status });
      await deps.audit.record({
        at: now,
        action: input.action === 'suppress' ? 'owner.suppress' : 'owner.write_off',
        actor: input.actor,
        cartId: saved.id,
        before: cartAuditView(cart),
        after: cartAuditView(saved),
        rulesVersion: version,
        detail: { reason: input.reason },
      });
    });
  }
  deps.log.info('owner action done', { action: input.action, actor: input.actor, closed: closed.length });
  const single = input.cartId !== undefined;
  return {
    action: input.action,
    changed: closed.length > 0,
    before: single ? (befores[0] ?? null) : befores,
    after: single ? (afters[0] ?? null) : afters,
    closed,
  };
}

async function requireCart(deps: Pick<EngineDeps, 'carts'>, cartId: string): Promise<Cart> {
  const cart = await deps.carts.get(cartId);
  if (!cart) throw new NotFoundError(`no cart with id "${cartId}" is known to Cart Recovery`);
  return cart;
}
