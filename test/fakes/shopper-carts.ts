import type { MemoryEngine } from '#engine/adapters/memory/memory-engine.js';
import { ingestCartEvent } from '#engine/use-cases/ingest-cart-event.js';
import updatedFixture from '#test/events/storefront/cart-updated.json' with { type: 'json' };

/** The carts `seedShopperCarts` stores: two of one shopper (the email in two cases), one of another. */
export const SHOPPER_CART_IDS = ['cart-1001', 'cart-1002', 'cart-other'] as const;

/**
 * Two open carts of shopper@example.com (one stored as Shopper@Example.com) and one of
 * other@example.com, all waiting for a reminder, ingested as the storefront would send them.
 */
export async function seedShopperCarts(engine: MemoryEngine): Promise<void> {
  const emails = ['Shopper@Example.com', 'shopper@example.com', 'other@example.com'];
  for (const [i, id] of SHOPPER_CART_IDS.entries()) {
    const event = structuredClone(updatedFixture);
    event.id = `evt-${id}`;
    event.occurredAt = '2026-06-10T15:30:00Z';
    event.cart.id = id;
    event.cart.email = emails[i] ?? '';
    await ingestCartEvent(engine.deps, event);
  }
}
