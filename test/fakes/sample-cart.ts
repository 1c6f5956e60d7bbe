import type { Cart } from '#engine/domain/cart.js';
import type { CartSnapshot } from '#engine/domain/cart-event.js';
import { parseRules, type Rules } from '#engine/domain/rules.js';

/** Fields of a sample cart to change; `snapshot` is merged into the sample snapshot. */
export type SampleCartOverrides = Partial<Omit<Cart, 'snapshot'>> & {
  snapshot?: Partial<CartSnapshot> | null;
};

/** Fields of sample rules to change, in the rules doc's shape; `store` is merged into the sample store. */
export type SampleRulesOverrides = Record<string, unknown> & { store?: Partial<Rules['store']> };

/**
 * An open cart of shopper@example.com holding two items (one with an image and a link, one without)
 * in USD, en-US, total $178.50. `snapshot: null` gives a cart without a snapshot.
 */
export function sampleCart(overrides: SampleCartOverrides = {}): Cart {
  const { snapshot, ...rest } = overrides;
  const base: CartSnapshot = {
    id: 'cart-1001',
    email: 'Shopper@Example.com',
    firstName: undefined,
    currency: 'USD',
    total: '178.50',
    items: [
      {
        sku: 'TRL-42',
        title: 'Trail Runner Shoes',
        quantity: 1,
        price: '129.00',
        imageUrl: 'https://cdn.acme.example/img/trail-runner.jpg',
        url: 'https://acme.example/products/trail-runner',
      },
      {
        sku: 'SCK-3',
        title: 'Merino Hiking Socks',
        quantity: 2,
        price: '24.75',
        imageUrl: undefined,
        url: undefined,
      },
    ],
    returnUrl: 'https://acme.example/cart/cart-1001?recover=1',
    locale: 'en-US',
    timezone: 'America/New_York',
    marketingConsent: true,
    source: 'storefront',
  };
  const cart: Cart = {
    id: 'cart-1001',
    emailKey: 'shopper@example.com',
    snapshot: { ...base, ...snapshot },
    firstSeenAt: '2026-06-10T14:00:00.000Z',
    lastActivityAt: '2026-06-10T14:00:00.000Z',
    status: 'open',
    reminders: [],
    recentEventIds: ['evt-1'],
    version: 1,
    ...rest,
  };
  if (snapshot === null) delete cart.snapshot;
  return cart;
}

/** Rules of Acme Outfitters (America/New_York, USD), every other field at its default. */
export function sampleRules(overrides: SampleRulesOverrides = {}): Rules {
  const { store, ...rest } = overrides;
  return parseRules({
    store: {
      name: 'Acme Outfitters',
      timezone: 'America/New_York',
      currency: 'USD',
      fromEmail: 'hello@acme.example',
      address: '1 Main Street, Springfield, USA',
      ...store,
    },
    ...rest,
  });
}
