import { type ApplyOutcome, applyCartEvent, type Cart, closeByPurchase } from '../domain/cart.js';
import { type CartCheckedOutEvent, type CartEvent, parseCartEvent } from '../domain/cart-event.js';
import { type Move, settleCart } from '../domain/decide-move.js';
import { emailHash } from '../domain/email-hash.js';
import type { ValidationError } from '../domain/errors.js';
import { isoTime } from '../domain/iso-time.js';
import type { RulesVersion } from '../ports.js';
import {
  type AuditContext,
  auditClosed,
  auditContext,
  auditSettlement,
  planWake,
  shopperHistory,
} from './cart-progress.js';
import type { EngineDeps } from './engine-deps.js';
import { retryOnConflict } from './retry-on-conflict.js';

export type IngestDeps = Pick<
  EngineDeps,
  'carts' | 'contacts' | 'scheduler' | 'rules' | 'audit' | 'clock' | 'log'
>;

export type IngestResult =
  | {
      kind: 'accepted';
      eventId: string;
      cartId: string;
      outcome: ApplyOutcome;
      /** Carts this event closed (the cart itself, or other carts of a shopper who bought). */
      closed: { cartId: string; status: Cart['status'] }[];
      /** What the engine decided for the cart right away. */
      moves: Move[];
      wakeAt?: string;
    }
  | { kind: 'duplicate'; eventId: string; cartId: string }
  | { kind: 'rejected'; error: ValidationError };

/**
 * Takes one cart event (the webhook body, a saved-link or import row) into the cart list.
 *
 * 1. Validate the event; a bad one is rejected with every field error and logged, never half-stored.
 * 2. Fold it into the stored cart with a conditional write; a repeated event id is a duplicate.
 * 3. Decide right away: a cart whose shopper unsubscribed or already bought closes now; one without a
 *    pending wake-up (or due sooner than it) gets one, scheduled before the cart is written.
 * 4. A checkout also closes the shopper's other open carts whose last activity precedes it.
 */
export async function ingestCartEvent(deps: IngestDeps, body: unknown): Promise<IngestResult> {
  const now = deps.clock.now();
  const parsed = parseCartEvent(body, now);
  if (!parsed.ok) {
    deps.log.warn('cart event rejected', { errors: parsed.error.errors });
    return { kind: 'rejected', error: parsed.error };
  }
  const event = parsed.event;
  const { rules, version } = await deps.rules.current();
  const context = auditContext(now.getTime(), 'storefront', version);

  // The commonest call, a newer snapshot of a known cart with a pending wake-up, is one conditional
  // write; anything else (a new cart, a duplicate, a late or closing event) reads and folds below.
  if (event.type === 'cart.updated') {
    const fast = await deps.carts.applyNewerSnapshot({
      cartId: event.cart.id,
      eventId: event.id,
      occurredAt: event.occurredAt,
      snapshot: event.cart,
    });
    if (fast) {
      const settled = await settleAfterUpdate(deps, fast, { rules, version, now, context });
      deps.log.info('cart event accepted', {
        eventId: event.id,
        cartId: event.cart.id,
        type: event.type,
        result: 'updated',
      });
      return { kind: 'accepted', eventId: event.id, cartId: event.cart.id, outcome: 'updated', ...settled };
    }
  }

  const result = await retryOnConflict(async (): Promise<IngestResult> => {
    const stored = await deps.carts.get(event.cart.id);
    const applied = applyCartEvent(stored, event, context.at, rules.attributionDays);
    if (applied.outcome === 'duplicate')
      return { kind: 'duplicate', eventId: event.id, cartId: event.cart.id };
    // Results are built with their own keys first: see auditEntry on spreading and then growing.
    const accepted = {
      kind: 'accepted' as const,
      eventId: event.id,
      cartId: event.cart.id,
      outcome: applied.outcome,
    };

    if (applied.cart.status !== 'open') {
      await deps.carts.put(applied.cart, stored?.version ?? 0);
      if (stored?.status === 'open') {
        if (stored.wake) await deps.scheduler.cancel({ cartId: stored.id, seq: stored.wake.seq });
        await auditClosed(deps, stored, applied.cart, context, ['the shopper checked out']);
      } else if (!stored && applied.outcome === 'checked_out') {
        await auditClosed(deps, undefined, applied.cart, context, ['the shopper checked out']);
      }
      const closed =
        stored?.status === 'open' || !stored
          ? [{ cartId: applied.cart.id, status: applied.cart.status }]
          : [];
      return { closed, moves: [], ...accepted };
    }

    // The shopper's history can only close a cart (unsubscribed, bought elsewhere), never bring its
    // wake-up forward; a cart with a pending wake-up is checked then, which saves a read per update.
    const history = await shopperHistory(deps, applied.cart.emailKey, { read: !stored?.wake });
    const settled = settleCart(applied.cart, history, rules, now, version);
    const planned = planWake(settled.cart, settled.next, now, false);
    if (planned.schedule) await deps.scheduler.schedule(planned.schedule);
    const saved = await deps.carts.put(planned.cart, stored?.version ?? 0);
    if (planned.replaces) await deps.scheduler.cancel(planned.replaces);
    await auditSettlement(deps, applied.cart, saved, settled.moves, context);
    return {
      closed: saved.status === 'open' ? [] : [{ cartId: saved.id, status: saved.status }],
      moves: settled.moves,
      ...(planned.schedule ? { wakeAt: isoTime(planned.schedule.at.getTime()) } : {}),
      ...accepted,
    };
  });

  if (result.kind === 'accepted' && event.type === 'cart.checked_out') {
    result.closed.push(
      ...(await closeOtherCarts(deps, event, result.cartId, context, rules.attributionDays)),
    );
  }
  deps.log.info('cart event accepted', {
    eventId: event.id,
    cartId: event.cart.id,
    type: event.type,
    result: result.kind === 'accepted' ? result.outcome : result.kind,
  });
  return result;
}

/**
 * After the one-write update: decide with the new snapshot. Mostly nothing more happens (the pending
 * wake-up will look again); a cart now due sooner gets an earlier wake-up, written with its version.
 */
async function settleAfterUpdate(
  deps: IngestDeps,
  updated: Cart,
  at: {
    rules: RulesVersion['rules'];
    version: string;
    now: Date;
    context: AuditContext;
  },
): Promise<{ closed: { cartId: string; status: Cart['status'] }[]; moves: Move[]; wakeAt?: string }> {
  let current: Cart | undefined = updated;
  return retryOnConflict(async () => {
    const cart = current ?? (await deps.carts.get(updated.id));
    current = undefined;
    if (!cart || cart.status !== 'open') return { closed: [], moves: [] };
    const history = await shopperHistory(deps, cart.emailKey, { read: false });
    const settled = settleCart(cart, history, at.rules, at.now, at.version);
    const planned = planWake(settled.cart, settled.next, at.now, false);
    if (!planned.schedule && settled.cart === cart) return { closed: [], moves: settled.moves };
    if (planned.schedule) await deps.scheduler.schedule(planned.schedule);
    const saved = await deps.carts.put(planned.cart, cart.version);
    if (planned.replaces) await deps.scheduler.cancel(planned.replaces);
    await auditSettlement(deps, cart, saved, settled.moves, at.context);
    return {
      closed: saved.status === 'open' ? [] : [{ cartId: saved.id, status: saved.status }],
      moves: settled.moves,
      ...(planned.schedule ? { wakeAt: isoTime(planned.schedule.at.getTime()) } : {}),
    };
  });
}

/** A checkout means the shopper bought: their other open carts last touched before it close too. */
async function closeOtherCarts(
  deps: IngestDeps,
  event: CartCheckedOutEvent,
  cartId: string,
  context: AuditContext,
  attributionDays: number,
): Promise<{ cartId: string; status: Cart['status'] }[]> {
  const cart = await deps.carts.get(cartId);
  const key = cart?.emailKey;
  if (!key) return [];
  await deps.contacts.recordCheckout(key, event.occurredAt);
  const closed: { cartId: string; status: Cart['status'] }[] = [];
  for (const other of await deps.carts.openCartsByEmail(key)) {
    if (other.id === cartId) continue;
    const done = await retryOnConflict(async () => {
      const current = await deps.carts.get(other.id);
      if (
        !current ||
        current.status !== 'open' ||
        !current.lastActivityAt ||
        current.lastActivityAt >= event.occurredAt
      ) {
        return undefined;
      }
      const why = `the shopper checked out cart ${cartId} at ${event.occurredAt}`;
      const closed = closeByPurchase(current, {
        boughtAt: event.occurredAt,
        closedAt: context.at,
        why,
        attributionDays,
      });
      const after = await deps.carts.put(closed, current.version);
      if (current.wake) await deps.scheduler.cancel({ cartId: current.id, seq: current.wake.seq });
      await auditClosed(deps, current, after, context, [why]);
      return after;
    });
    if (done) closed.push({ cartId: done.id, status: done.status });
  }
  if (closed.length > 0)
    deps.log.info('other carts closed by a checkout', {
      cartId,
      emailHash: emailHash(key),
      count: closed.length,
    });
  return closed;
}

export type { CartEvent };
