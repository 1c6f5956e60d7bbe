import { emailHash } from '../domain/email-hash.js';
import { timeOf } from '../domain/iso-time.js';
import { auditContext, auditEntry } from './cart-progress.js';
import type { EngineDeps } from './engine-deps.js';
import { LOST_CLAIM_SECONDS, REMINDER_VISIBILITY_SECONDS } from './sender-timing.js';
import { wakeCart } from './wake-cart.js';

export type SweepDeps = Pick<
  EngineDeps,
  'carts' | 'contacts' | 'scheduler' | 'queue' | 'rules' | 'audit' | 'clock' | 'log'
>;

/**
 * How overdue a wake-up must be before the sweep steps in: longer than any normal path takes. A
 * wake-up that sent a reminder to the queue leaves the cart's wake-up in the past until the sender is
 * done, and the queue may deliver that job up to five times, a visibility timeout apart.
 */
export const SWEEP_GRACE_SECONDS = 5 * REMINDER_VISIBILITY_SECONDS + 15 * 60;

/** At most this many carts a run; the next run takes the rest. */
export const SWEEP_BATCH = 200;

export interface SweepResult {
  /** Overdue carts the index named. */
  found: number;
  /** Woken again, as their lost wake-up would have done. */
  woken: number;
  /** A reminder claim left by a stopped sender: its job queued again. */
  requeued: number;
}

/**
 * Heals carts that nothing will move on: open, with a wake-up overdue by more than the grace period
 * (its schedule lost, or its job gone with a crash). Idempotent and audited.
 *
 * 1. Read the overdue carts from the open-by-wake index; re-read each (the index lags).
 * 2. A cart whose last reminder is still `claimed` by a stopped sender gets its job queued again
 *    (the sender takes the claim over). Any other is woken with its own pending `seq`, exactly as its
 *    wake-up would have: a late original wake-up then finds itself stale.
 * 3. Audit `cart.swept` with what was done.
 */
export async function sweepStuckCarts(deps: SweepDeps): Promise<SweepResult> {
  const now = deps.clock.now();
  const cutoff = now.getTime() - SWEEP_GRACE_SECONDS * 1000;
  const ids = await deps.carts.openCartsWokenBefore(new Date(cutoff).toISOString(), SWEEP_BATCH);
  const result: SweepResult = { found: ids.length, woken: 0, requeued: 0 };
  if (ids.length === 0) return result;
  const { rules, version } = await deps.rules.current();
  const context = auditContext(now.getTime(), 'sweep', version);
  for (const cartId of ids) {
    const cart = await deps.carts.get(cartId);
    const wake = cart?.wake;
    if (!cart || cart.status !== 'open' || !wake || timeOf(wake.at) >= cutoff) continue;
    const last = cart.reminders.at(-1);
    const lostClaim =
      last?.state === 'claimed' && now.getTime() - timeOf(last.at) >= LOST_CLAIM_SECONDS * 1000;
    let detail: Record<string, unknown>;
    if (lostClaim && last) {
      await deps.queue.enqueue({ cartId, n: last.n, seq: wake.seq, rules, rulesVersion: version });
      result.requeued++;
      detail = { overdueSince: wake.at, done: 'reminder job queued again', n: last.n };
    } else {
      if (last?.state === 'sending') {
        // A send cut short inside the mail call: it may have gone out, so it is never repeated; say so
        // here, as the job's redelivery would have (it finds the cart woken and stays quiet).
        await deps.audit.record(
          auditEntry(context, {
            action: 'reminder.failed',
            cartId,
            ...(cart.emailKey ? { emailHash: emailHash(cart.emailKey) } : {}),
            detail: {
              n: last.n,
              error: 'handed to the mail service but never recorded as sent; not retried',
            },
          }),
        );
      }
      const woken = await wakeCart(deps, { cartId, seq: wake.seq });
      result.woken++;
      detail = { overdueSince: wake.at, done: 'woken', result: woken.kind };
    }
    await deps.audit.record(auditEntry(context, { action: 'cart.swept', cartId, detail }));
  }
  if (result.found > 0) deps.log.warn('overdue carts swept', { ...result });
  return result;
}
