import { cartAuditView } from '../domain/audit-view.js';
import type { Cart } from '../domain/cart.js';
import type { Move, SettledMove } from '../domain/decide-move.js';
import { emailHash } from '../domain/email-hash.js';
import type { Wake } from '../ports.js';
import type { EngineDeps } from './engine-deps.js';

/**
 * The wake-up a settled cart needs. A cart keeps one pending wake-up: a new one is made when there is
 * none, when the old one has fired (`fired`), or when the cart is now due sooner than the pending one
 * (a bigger cart, an email that arrived). Otherwise the pending wake-up will find "still shopping"
 * and reschedule itself, which costs nothing now.
 */
export function planWake(
  cart: Cart,
  next: SettledMove,
  now: Date,
  fired: boolean,
): { cart: Cart; schedule?: Wake; replaces?: Wake } {
  if (cart.status !== 'open' || next.kind === 'closed') return { cart };
  const at = next.kind === 'wait' ? new Date(next.until) : now;
  const pending = cart.wake;
  if (pending && !fired && Date.parse(pending.at) <= at.getTime()) return { cart };
  const seq = (pending?.seq ?? 0) + 1;
  const schedule: Wake = { cartId: cart.id, seq, at };
  const replaces =
    pending && !fired ? { cartId: cart.id, seq: pending.seq, at: new Date(pending.at) } : undefined;
  return {
    cart: { ...cart, wake: { at: at.toISOString(), seq } },
    schedule,
    ...(replaces ? { replaces } : {}),
  };
}

/** Audits what settling did to a cart: skipped reminders and a closing. */
export async function auditSettlement(
  deps: Pick<EngineDeps, 'audit'>,
  before: Cart,
  after: Cart,
  moves: readonly Move[],
  context: { at: string; actor: string; rulesVersion: string },
): Promise<void> {
  for (const move of moves) {
    if (move.kind !== 'skip') continue;
    const hash = after.emailKey ? { emailHash: emailHash(after.emailKey) } : {};
    await deps.audit.record({
      at: context.at,
      action: 'reminder.skipped',
      actor: context.actor,
      cartId: after.id,
      ...hash,
      rulesVersion: context.rulesVersion,
      detail: { n: move.n, reason: move.reason, reasons: move.reasons },
    });
  }
  if (before.status === 'open' && after.status !== 'open') {
    await auditClosed(deps, before, after, context, moves.at(-1)?.reasons ?? []);
  }
}

export async function auditClosed(
  deps: Pick<EngineDeps, 'audit'>,
  before: Cart | undefined,
  after: Cart,
  context: { at: string; actor: string; rulesVersion: string },
  reasons: readonly string[] = [],
): Promise<void> {
  await deps.audit.record({
    at: context.at,
    action: 'cart.closed',
    actor: context.actor,
    cartId: after.id,
    ...(after.emailKey ? { emailHash: emailHash(after.emailKey) } : {}),
    ...(before ? { before: cartAuditView(before) } : {}),
    after: cartAuditView(after),
    rulesVersion: context.rulesVersion,
    detail: { status: after.status, reasons },
  });
}
