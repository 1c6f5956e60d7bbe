import { cartAuditView } from '../domain/audit-view.js';
import { type Cart, changeCart } from '../domain/cart.js';
import { type Move, type SettledMove, type ShopperHistory, settleCart } from '../domain/decide-move.js';
import { emailHash } from '../domain/email-hash.js';
import { isoTime, timeOf } from '../domain/iso-time.js';
import type { Rules } from '../domain/rules.js';
import type { AuditEntry, Wake } from '../ports.js';
import type { EngineDeps } from './engine-deps.js';
import { retryOnConflict } from './retry-on-conflict.js';

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
  const atMs = next.kind === 'wait' ? timeOf(next.until) : now.getTime();
  const pending = cart.wake;
  if (pending && !fired && timeOf(pending.at) <= atMs) return { cart };
  const seq = (pending?.seq ?? 0) + 1;
  const at = new Date(atMs);
  const schedule: Wake = { cartId: cart.id, seq, at };
  const replaces =
    pending && !fired ? { cartId: cart.id, seq: pending.seq, at: new Date(pending.at) } : undefined;
  return {
    cart: changeCart(cart, { wake: { at: isoTime(atMs), seq } }),
    schedule,
    ...(replaces ? { replaces } : {}),
  };
}

/**
 * What the decision knows of a cart's shopper: their contact record (unless `read` is false) and their
 * holdout bucket, the contact store's keyed hash of the email, so the domain gets it as plain data.
 */
export async function shopperHistory(
  deps: Pick<EngineDeps, 'contacts'>,
  emailKey: string | undefined,
  options: { read: boolean } = { read: true },
): Promise<ShopperHistory> {
  if (!emailKey) return {};
  const contact = options.read ? await deps.contacts.get(emailKey) : undefined;
  return { ...contact, holdoutBucket: await deps.contacts.holdoutBucket(emailKey) };
}

/** What every audit entry of one step of a use case shares. */
export interface AuditContext {
  readonly at: string;
  readonly actor: string;
  readonly rulesVersion: string;
}

/** The context of a step at `now` (epoch ms), by `actor`, under rules `rulesVersion`. */
export function auditContext(now: number, actor: string, rulesVersion: string): AuditContext {
  return { at: isoTime(now), actor, rulesVersion };
}

/** An audit entry made in `context`; `fields.at` may override its time. */
export function auditEntry(
  context: AuditContext,
  fields: Omit<AuditEntry, 'actor' | 'rulesVersion' | 'at'> & { at?: string },
): AuditEntry {
  return { ...context, ...fields, at: fields.at ?? context.at };
}

/** Audits what settling did to a cart: skipped reminders and a closing. */
export async function auditSettlement(
  deps: Pick<EngineDeps, 'audit'>,
  before: Cart,
  after: Cart,
  moves: readonly Move[],
  context: AuditContext,
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
  context: AuditContext,
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

export interface SettleOptions {
  rules: Rules;
  version: string;
  now: Date;
  /** True when the cart's pending wake-up has fired (the wake and send paths): always schedule anew. */
  fired: boolean;
  context: AuditContext;
}

/**
 * Re-reads a cart, applies `change` (undefined: leave it), settles it with the shopper's history and
 * schedules the wake-up it needs next, in one conditional write retried on conflict. Skips and
 * closings are audited. Returns the cart before and after and the moves, or undefined when the cart
 * is gone, closed, or `change` declined.
 */
export async function changeAndSettle(
  deps: Pick<EngineDeps, 'carts' | 'contacts' | 'scheduler' | 'audit'>,
  cartId: string,
  change: (cart: Cart) => Cart | undefined,
  options: SettleOptions,
): Promise<{ before: Cart; after: Cart; moves: Move[] } | undefined> {
  return retryOnConflict(async () => {
    const cart = await deps.carts.get(cartId);
    if (!cart || cart.status !== 'open') return undefined;
    const changed = change(cart);
    if (!changed) return undefined;
    const history = await shopperHistory(deps, changed.emailKey);
    const settled = settleCart(changed, history, options.rules, options.now, options.version);
    const planned = planWake(settled.cart, settled.next, options.now, options.fired);
    if (planned.schedule) await deps.scheduler.schedule(planned.schedule);
    const saved = await deps.carts.put(planned.cart, cart.version);
    if (planned.replaces) await deps.scheduler.cancel(planned.replaces);
    await auditSettlement(deps, cart, saved, settled.moves, options.context);
    return { before: cart, after: saved, moves: settled.moves };
  });
}
