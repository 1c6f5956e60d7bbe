import { type Move, settleCart } from '../domain/decide-move.js';
import { auditContext, auditSettlement, planWake, shopperHistory } from './cart-progress.js';
import type { EngineDeps } from './engine-deps.js';
import { retryOnConflict } from './retry-on-conflict.js';

export type WakeDeps = Pick<
  EngineDeps,
  'carts' | 'contacts' | 'scheduler' | 'queue' | 'rules' | 'audit' | 'clock' | 'log'
>;

export type WakeResult =
  | { kind: 'ignored'; cartId: string; why: 'unknown_cart' | 'closed' | 'stale' }
  | { kind: 'waiting'; cartId: string; until: string; moves: Move[] }
  | { kind: 'enqueued'; cartId: string; n: 1 | 2; moves: Move[] }
  | { kind: 'closed'; cartId: string; status: string; moves: Move[] };

/**
 * Handles one wake-up of one cart (an EventBridge Scheduler invocation, or the simulator's clock).
 *
 * 1. Load the cart; a closed cart or a stale wake-up (not the cart's current `seq`) changes nothing,
 *    so a second invocation of the same wake-up is harmless.
 * 2. Decide, applying skips and closings.
 * 3. Waiting: schedule the next wake-up, then store the cart. A reminder due: enqueue it for the sender,
 *    which claims it exactly once. Closed: store and audit.
 */
export async function wakeCart(deps: WakeDeps, wake: { cartId: string; seq: number }): Promise<WakeResult> {
  const now = deps.clock.now();
  const { rules, version } = await deps.rules.current();
  const context = auditContext(now.getTime(), 'engine', version);
  const result = await retryOnConflict(async (): Promise<WakeResult> => {
    const cart = await deps.carts.get(wake.cartId);
    if (!cart) return { kind: 'ignored', cartId: wake.cartId, why: 'unknown_cart' };
    if (cart.status !== 'open') return { kind: 'ignored', cartId: cart.id, why: 'closed' };
    if (cart.wake?.seq !== wake.seq) return { kind: 'ignored', cartId: cart.id, why: 'stale' };

    const history = await shopperHistory(deps, cart.emailKey);
    const settled = settleCart(cart, history, rules, now, version);
    const { next, moves } = settled;
    if (next.kind === 'remind') {
      const saved = settled.cart === cart ? cart : await deps.carts.put(settled.cart, cart.version);
      await deps.queue.enqueue({ cartId: cart.id, n: next.n, seq: wake.seq, rules, rulesVersion: version });
      await auditSettlement(deps, cart, saved, moves, context);
      return { kind: 'enqueued', cartId: cart.id, n: next.n, moves };
    }
    const planned = planWake(settled.cart, next, now, true);
    if (planned.schedule) await deps.scheduler.schedule(planned.schedule);
    const saved = await deps.carts.put(planned.cart, cart.version);
    await auditSettlement(deps, cart, saved, moves, context);
    if (next.kind === 'wait') return { kind: 'waiting', cartId: cart.id, until: next.until, moves };
    return { kind: 'closed', cartId: cart.id, status: saved.status, moves };
  });
  deps.log.debug('cart woken', { cartId: wake.cartId, seq: wake.seq, result: result.kind });
  return result;
}
