import { describe, expect, it } from 'vitest';
import { parseCartEvent } from '#engine/domain/cart-event.js';
import { shopifyCartEvent } from '#engine/storefronts/shopify/shopify-webhook.js';
import checkoutFixture from '#test/events/shopify/checkouts-update.json' with { type: 'json' };
import orderFixture from '#test/events/shopify/orders-create-pending.json' with { type: 'json' };

const delivery = (
  topic: string,
  body: unknown,
  ids: { eventId?: string; webhookId?: string } = { eventId: 'e-1' },
) => ({
  topic,
  eventId: ids.eventId,
  webhookId: ids.webhookId,
  triggeredAt: '2026-06-10T14:00:01Z',
  body,
});
const eventOf = (translation: ReturnType<typeof shopifyCartEvent>) => {
  if (translation.kind !== 'event') throw new Error(`expected an event, got ${translation.kind}`);
  return translation.event;
};

describe('shopifyCartEvent', () => {
  it('turns a checkout into a cart update in our terms, with the sku, title and first name Shopify sends', () => {
    const event = eventOf(shopifyCartEvent(delivery('checkouts/update', structuredClone(checkoutFixture))));
    const parsed = parseCartEvent(event);

    expect(event).toEqual({
      id: 'shopify:checkouts/update:e-1',
      type: 'cart.updated',
      occurredAt: '2026-06-10T10:00:00-04:00',
      cart: {
        id: 'shopify:b1946ac92492d2347c6235b4d2611184',
        email: 'Ada.Shopify@Example.com',
        firstName: 'Ada',
        currency: 'USD',
        total: '178.50',
        items: [
          { sku: 'TRL-42', title: 'Trail Runner Shoes (42 / Slate)', quantity: 1, price: '129.00' },
          // Shopify's sku may be empty: the variant stands in.
          { sku: 'variant-808950811', title: 'Merino Hiking Socks', quantity: 2, price: '24.75' },
        ],
        returnUrl: checkoutFixture.abandoned_checkout_url,
        locale: 'en-US',
        marketingConsent: true,
      },
    });
    expect(parsed.ok).toBe(true);
  });

  it("falls back to the checkout's id when the deprecated token has left the payload", () => {
    const { token: _gone, cart_token: _alsoGone, ...checkout } = structuredClone(checkoutFixture);

    const event = eventOf(shopifyCartEvent(delivery('checkouts/create', checkout)));

    expect(event.cart.id).toBe('shopify:35681729634571');
  });

  it('takes a completed checkout as a checkout at its completion time', () => {
    const checkout = { ...structuredClone(checkoutFixture), completed_at: '2026-06-10T10:05:00-04:00' };

    const event = eventOf(shopifyCartEvent(delivery('checkouts/update', checkout)));

    expect(event).toEqual({
      id: 'shopify:checkouts/update:e-1',
      type: 'cart.checked_out',
      occurredAt: '2026-06-10T10:05:00-04:00',
      cart: { id: 'shopify:b1946ac92492d2347c6235b4d2611184', email: 'Ada.Shopify@Example.com' },
    });
  });

  it('takes a pending order (awaiting a bank deposit) as a checkout of its checkout, by token', () => {
    const event = eventOf(shopifyCartEvent(delivery('orders/create', structuredClone(orderFixture))));

    expect(orderFixture.financial_status).toBe('pending');
    expect(event).toEqual({
      id: 'shopify:orders/create:e-1',
      type: 'cart.checked_out',
      occurredAt: '2026-06-10T10:20:00-04:00',
      cart: { id: 'shopify:b1946ac92492d2347c6235b4d2611184', email: 'Ada.Shopify@Example.com' },
    });
  });

  it('puts an order without a checkout on a cart of its own, to close the shopper’s carts by email', () => {
    const order = { ...structuredClone(orderFixture), checkout_token: null, checkout_id: null };

    const event = eventOf(shopifyCartEvent(delivery('orders/create', order)));

    expect(event.cart).toEqual({ id: 'shopify:order:5846173204546', email: 'Ada.Shopify@Example.com' });
  });

  it('dedupes on the event id, or the webhook id when there is none, and names the header when both are missing', () => {
    const byWebhook = eventOf(
      shopifyCartEvent(delivery('orders/create', structuredClone(orderFixture), { webhookId: 'w-9' })),
    );
    const neither = shopifyCartEvent(delivery('orders/create', structuredClone(orderFixture), {}));

    expect(byWebhook.id).toBe('shopify:orders/create:w-9');
    expect(neither).toEqual({
      kind: 'invalid',
      errors: [{ path: 'x-shopify-event-id', message: 'is missing (and so is X-Shopify-Webhook-Id)' }],
    });
  });

  it('ignores topics it does not use, saying which', () => {
    expect(shopifyCartEvent(delivery('products/update', { id: 1 }))).toEqual({
      kind: 'ignored',
      reason: 'the topic "products/update" is not one we use',
    });
  });

  it("names the checkout's own fields when they are malformed", () => {
    const checkout = {
      ...structuredClone(checkoutFixture),
      line_items: 'none',
      buyer_accepts_marketing: 'yes',
    };

    const result = shopifyCartEvent(delivery('checkouts/update', checkout));

    expect(result).toEqual({
      kind: 'invalid',
      errors: [
        { path: 'line_items', message: 'must be a list' },
        { path: 'buyer_accepts_marketing', message: 'must be true or false' },
      ],
    });
  });

  it('refuses a checkout of over 200 line items with one error, not one per line', () => {
    const checkout = { ...structuredClone(checkoutFixture), line_items: Array(125_000).fill(0) };

    const result = shopifyCartEvent(delivery('checkouts/update', checkout));

    expect(result).toEqual({
      kind: 'invalid',
      errors: [{ path: 'line_items', message: 'a cart holds at most 200 items' }],
    });
  });

  it('lists at most 50 field errors and counts the rest', () => {
    const checkout = { ...structuredClone(checkoutFixture), line_items: Array(200).fill(0) };

    const result = shopifyCartEvent(delivery('checkouts/update', checkout));

    if (result.kind !== 'invalid') throw new Error(`expected invalid, got ${result.kind}`);
    expect(result.errors).toHaveLength(51);
    expect(result.errors.slice(0, 2).map((e) => e.path)).toEqual(['line_items[0]', 'line_items[1]']);
    expect(result.errors.at(-1)).toEqual({ path: '', message: 'and 150 more problems not listed' });
  });
});
