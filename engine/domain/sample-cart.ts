import { applyCartEvent, type Cart } from './cart.js';
import { type CartUpdatedInput, parseCartEvent } from './cart-event.js';
import type { Rules } from './rules.js';

/** Who a sample cart belongs to: an address no mail is delivered to (RFC 2606). */
export const SAMPLE_SHOPPER = 'shopper@example.com';

/**
 * A cart event of a plausible cart at this store, for the owner's preview and test send when no real
 * cart is named: three items (one of them twice), in the store's currency, returning to the store's
 * website when it has one.
 */
export function sampleCartEvent(rules: Rules, now: Date, locale?: string): CartUpdatedInput {
  const home = rules.store.url ?? 'https://example.com';
  return {
    id: 'sample-event',
    type: 'cart.updated',
    occurredAt: now.toISOString(),
    cart: {
      id: 'sample-cart',
      email: SAMPLE_SHOPPER,
      firstName: 'Alex',
      currency: rules.store.currency,
      total: '91.00',
      items: [
        { sku: 'SAMPLE-1', title: 'Merino wool beanie', quantity: 1, price: '36.00' },
        { sku: 'SAMPLE-2', title: 'Canvas tote bag', quantity: 2, price: '18.50' },
        { sku: 'SAMPLE-3', title: 'Stoneware mug', quantity: 1, price: '18.00' },
      ],
      returnUrl: home,
      ...(locale ? { locale } : rules.store.language ? { locale: rules.store.language } : {}),
    },
  };
}

/**
 * A cart as the engine would hold it after `event` (a `cart.updated` webhook body), through the same
 * parse and fold as the webhook.
 * @returns the cart, or the event's field errors.
 */
export function cartFromEvent(
  event: unknown,
  now: Date,
): { ok: true; cart: Cart } | { ok: false; errors: readonly { path: string; message: string }[] } {
  const parsed = parseCartEvent(event);
  if (!parsed.ok) return { ok: false, errors: parsed.error.errors };
  if (parsed.event.type !== 'cart.updated')
    return { ok: false, errors: [{ path: 'type', message: 'a preview needs a "cart.updated" event' }] };
  return { ok: true, cart: applyCartEvent(undefined, parsed.event, now.toISOString()).cart };
}
