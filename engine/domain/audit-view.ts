import type { Cart } from './cart.js';
import { emailHash } from './email-hash.js';

/** The part of a cart an audit entry keeps as its before/after snapshot: no email address, no URLs. */
export interface CartAuditView {
  id: string;
  status: Cart['status'];
  emailHash?: string;
  total?: string;
  currency?: string;
  items?: number;
  lastActivityAt?: string;
  checkedOutAt?: string;
  closedWhy?: string;
  /** How the purchase was credited, once the cart was bought. */
  attribution?: Cart['attribution'];
  reminders: { n: number; state: string; at: string; reason?: string; clickedAt?: string }[];
  version: number;
}

export function cartAuditView(cart: Cart): CartAuditView {
  const view: CartAuditView = {
    id: cart.id,
    status: cart.status,
    reminders: cart.reminders.map((r) => ({
      n: r.n,
      state: r.state,
      at: r.at,
      ...(r.reason ? { reason: r.reason } : {}),
      ...(r.clickedAt ? { clickedAt: r.clickedAt } : {}),
    })),
    version: cart.version,
  };
  if (cart.emailKey) view.emailHash = emailHash(cart.emailKey);
  if (cart.snapshot) {
    view.total = cart.snapshot.total;
    view.currency = cart.snapshot.currency;
    view.items = cart.snapshot.items.length;
  }
  if (cart.lastActivityAt) view.lastActivityAt = cart.lastActivityAt;
  if (cart.checkedOutAt) view.checkedOutAt = cart.checkedOutAt;
  if (cart.closedWhy) view.closedWhy = cart.closedWhy;
  if (cart.attribution) view.attribution = cart.attribution;
  return view;
}
