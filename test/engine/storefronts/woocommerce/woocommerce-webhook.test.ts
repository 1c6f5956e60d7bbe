import { describe, expect, it } from 'vitest';
import {
  isWooCommercePing,
  wooCommerceCartEvent,
} from '#engine/storefronts/woocommerce/woocommerce-webhook.js';
import orderFixture from '#test/events/woocommerce/order-created-on-hold.json' with { type: 'json' };

const order = (status: string) => ({ ...structuredClone(orderFixture), status });
const translate = (body: unknown, topic = 'order.created', deliveryId: string | null = 'd-1') =>
  wooCommerceCartEvent({ topic, deliveryId: deliveryId ?? undefined, body });

describe('wooCommerceCartEvent', () => {
  it.each(['pending', 'on-hold', 'processing', 'completed'])(
    'takes an order with status %s as a checkout by the billing email (the shopper ordered)',
    (status) => {
      expect(translate(order(status))).toEqual({
        kind: 'event',
        fields: expect.any(Object),
        event: {
          id: 'woocommerce:d-1',
          type: 'cart.checked_out',
          occurredAt: '2026-06-10T14:20:00Z',
          cart: { id: 'woocommerce:order:727', email: 'Grace.Woo@Example.com' },
        },
      });
    },
  );

  it.each(['failed', 'cancelled', 'checkout-draft'])(
    'ignores an order with status %s: no purchase',
    (status) => {
      expect(translate(order(status))).toEqual({
        kind: 'ignored',
        reason: `an order with status "${status}" is not a purchase`,
      });
    },
  );

  it('reads order.updated the same way, and ignores topics it does not use', () => {
    expect(translate(order('on-hold'), 'order.updated').kind).toBe('event');
    expect(translate(order('on-hold'), 'product.updated')).toEqual({
      kind: 'ignored',
      reason: 'the topic "product.updated" is not one we use',
    });
  });

  it('names the missing delivery id header and malformed order fields', () => {
    expect(translate(order('on-hold'), 'order.created', null)).toEqual({
      kind: 'invalid',
      errors: [{ path: 'X-WC-Webhook-Delivery-ID', message: 'is missing' }],
    });
    expect(translate({ ...order('on-hold'), status: 3, date_created_gmt: 'yesterday' })).toEqual({
      kind: 'invalid',
      errors: [
        { path: 'status', message: 'is required: the order status' },
        { path: 'date_created_gmt', message: 'must be a date such as "2026-06-10T14:00:00"' },
      ],
    });
  });

  it('ignores an order without a billing email: there is no shopper to match', () => {
    const noEmail = { ...order('processing'), billing: { ...orderFixture.billing, email: '' } };

    expect(translate(noEmail)).toEqual({
      kind: 'ignored',
      reason: 'the order has no billing email to match carts by',
    });
  });
});

describe('isWooCommercePing', () => {
  it('knows the ping WooCommerce sends when a webhook is saved, and nothing else', () => {
    expect(isWooCommercePing(Buffer.from('webhook_id=12'))).toBe(true);
    expect(isWooCommercePing(Buffer.from('webhook_id=12&x=1'))).toBe(false);
    expect(isWooCommercePing(Buffer.from(JSON.stringify(orderFixture)))).toBe(false);
  });
});
