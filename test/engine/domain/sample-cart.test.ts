import { describe, expect, it } from 'vitest';
import { cartFromEvent, SAMPLE_SHOPPER, sampleCartEvent } from '#engine/domain/sample-cart.js';
import { sampleRules } from '#test/fakes/sample-cart.js';

const now = new Date('2026-06-10T14:00:00Z');

const sampleItems = [
  { sku: 'SAMPLE-1', title: 'Merino wool beanie', quantity: 1, price: '36.00' },
  { sku: 'SAMPLE-2', title: 'Canvas tote bag', quantity: 2, price: '18.50' },
  { sku: 'SAMPLE-3', title: 'Stoneware mug', quantity: 1, price: '18.00' },
];

describe('sampleCartEvent', () => {
  it("describes Alex's cart of three items (one twice) in the store's currency, updated now", () => {
    // Prepare
    const rules = sampleRules({ store: { currency: 'EUR', url: 'https://acme.example/shop' } });

    // Act
    const event = sampleCartEvent(rules, now);

    // Assess
    expect(event).toEqual({
      id: 'sample-event',
      type: 'cart.updated',
      occurredAt: '2026-06-10T14:00:00.000Z',
      cart: {
        id: 'sample-cart',
        email: 'shopper@example.com',
        firstName: 'Alex',
        currency: 'EUR',
        total: '91.00',
        items: sampleItems,
        returnUrl: 'https://acme.example/shop',
      },
    });
  });

  it('belongs to an address no mail is delivered to', () => {
    // Act
    const event = sampleCartEvent(sampleRules(), now);

    // Assess
    expect(SAMPLE_SHOPPER).toBe('shopper@example.com');
    expect(event.cart.email).toBe(SAMPLE_SHOPPER);
  });

  it('has a total that its lines add up to', () => {
    // Act
    const { cart } = sampleCartEvent(sampleRules(), now);

    // Assess
    const cents = cart.items.reduce((sum, item) => sum + Number(item.price) * 100 * item.quantity, 0);
    expect(cents).toBe(Number(cart.total) * 100);
  });

  it('returns to example.com when the store has no website', () => {
    // Prepare
    const rules = sampleRules();

    // Act
    const event = sampleCartEvent(rules, now);

    // Assess
    expect(rules.store.url).toBeUndefined();
    expect(event.cart.returnUrl).toBe('https://example.com');
  });

  it('is in the locale asked for, over the store language', () => {
    // Act
    const event = sampleCartEvent(sampleRules({ store: { language: 'de' } }), now, 'fr-FR');

    // Assess
    expect(event.cart.locale).toBe('fr-FR');
  });

  it("is in the store's language when no locale is asked for", () => {
    // Act
    const event = sampleCartEvent(sampleRules({ store: { language: 'de' } }), now);

    // Assess
    expect(event.cart.locale).toBe('de');
  });

  it('has no locale when none is asked for and the store names no language', () => {
    // Act
    const event = sampleCartEvent(sampleRules(), now);

    // Assess
    expect(Object.keys(event.cart)).not.toContain('locale');
  });
});

describe('cartFromEvent', () => {
  it('folds a cart.updated event into the open cart the webhook would hold', () => {
    // Prepare
    const event = sampleCartEvent(sampleRules({ store: { url: 'https://acme.example' } }), now);

    // Act
    const result = cartFromEvent(event, new Date('2026-06-10T14:00:05Z'));

    // Assess
    expect(result).toEqual({
      ok: true,
      cart: {
        id: 'sample-cart',
        emailKey: 'shopper@example.com',
        snapshot: {
          id: 'sample-cart',
          email: 'shopper@example.com',
          firstName: 'Alex',
          currency: 'USD',
          total: '91.00',
          items: sampleItems,
          returnUrl: 'https://acme.example',
          source: 'storefront',
        },
        firstSeenAt: '2026-06-10T14:00:05.000Z',
        lastActivityAt: '2026-06-10T14:00:00.000Z',
        lastEventId: 'sample-event',
        status: 'open',
        reminders: [],
        recentEventIds: ['sample-event'],
        version: 1,
      },
    });
  });

  it("returns the event's field errors when it is not a valid cart event", () => {
    // Act
    const result = cartFromEvent({ id: 'evt-1', type: 'cart.updated', occurredAt: 'yesterday' }, now);

    // Assess
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          path: 'occurredAt',
          message: 'occurredAt must be an ISO-8601 time with an offset, such as "2026-06-10T14:00:00Z"',
        },
        {
          path: 'cart',
          message: 'cart is required: an object with the cart id and, for cart.updated, its contents',
        },
      ],
    });
  });

  it('refuses a checkout, which holds no contents to preview', () => {
    // Prepare
    const event = {
      id: 'evt-2',
      type: 'cart.checked_out',
      occurredAt: now.toISOString(),
      cart: { id: 'cart-1' },
    };

    // Act
    const result = cartFromEvent(event, now);

    // Assess
    expect(result).toEqual({
      ok: false,
      errors: [{ path: 'type', message: 'a preview needs a "cart.updated" event' }],
    });
  });
});
