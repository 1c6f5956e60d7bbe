import { describe, expect, it } from 'vitest';
import { emailKey, type ParsedEvent, parseCartEvent } from '#engine/domain/cart-event.js';
import { type FieldError, ValidationError } from '#engine/domain/errors.js';
import checkedOutFixture from '#test/events/storefront/cart-checked-out.json' with { type: 'json' };
import updatedFixture from '#test/events/storefront/cart-updated.json' with { type: 'json' };
import looseFixture from '#test/events/storefront/cart-updated-loose.json' with { type: 'json' };

type Json = Record<string, unknown>;

/** The storefront's cart.updated fixture with `cart` fields changed (`undefined` removes one). */
function updatedWith(cart: Json = {}, envelope: Json = {}): Json {
  const event: Json & { cart: Json } = structuredClone(updatedFixture);
  for (const [key, value] of Object.entries(cart)) {
    if (value === undefined) delete event.cart[key];
    else event.cart[key] = value;
  }
  return { ...event, ...envelope };
}

function errorsOf(parsed: ParsedEvent): readonly FieldError[] {
  if (parsed.ok) throw new Error('expected the event to be rejected');
  return parsed.error.errors;
}

describe('parseCartEvent', () => {
  it('accepts the storefront fixture as it is, with occurredAt in UTC ISO form', () => {
    // Act
    const parsed = parseCartEvent(structuredClone(updatedFixture));

    // Assess
    expect(parsed).toEqual({
      ok: true,
      event: { ...updatedFixture, occurredAt: '2026-06-10T14:00:00.000Z' },
    });
  });

  it('normalises a loose storefront event', () => {
    // Prepare: an offset time, number amounts, a lower-case currency, a padded email, nulls and extra fields.
    const body = structuredClone(looseFixture);

    // Act
    const parsed = parseCartEvent(body);

    // Assess
    expect(parsed).toEqual({
      ok: true,
      event: {
        id: 'evt-upd-2002',
        type: 'cart.updated',
        // 16:00 at +02:00 is 14:00 UTC.
        occurredAt: '2026-06-10T14:00:00.000Z',
        cart: {
          id: 'cart-2002',
          email: 'Loose.Shopper@Example.com',
          currency: 'EUR',
          total: '42.5',
          items: [{ sku: 'MUG-8', title: 'Enamel mug', quantity: 2, price: '21.25' }],
          returnUrl: 'https://acme.example/cart/cart-2002',
          source: 'storefront',
        },
      },
    });
    if (!parsed.ok || parsed.event.type !== 'cart.updated') return;
    expect(JSON.stringify(parsed.event)).not.toContain('null');
    expect(parsed.event).not.toHaveProperty('checkoutToken');
    expect(parsed.event.cart).not.toHaveProperty('abandonedCheckoutUrl');
    expect(parsed.event.cart.items[0]).not.toHaveProperty('variantId');
  });

  it('keeps a given source and defaults a missing one to storefront', () => {
    // Act
    const given = parseCartEvent(updatedWith({ source: 'saved_link' }));
    const missing = parseCartEvent(updatedWith({ source: undefined }));

    // Assess
    expect(given.ok && given.event.type === 'cart.updated' && given.event.cart.source).toBe('saved_link');
    expect(missing.ok && missing.event.type === 'cart.updated' && missing.event.cart.source).toBe(
      'storefront',
    );
  });

  it('accepts a checkout that names only the cart id', () => {
    // Prepare
    const body = {
      id: 'evt-9',
      type: 'cart.checked_out',
      occurredAt: '2026-06-10T10:30:00-04:00',
      cart: { id: 'c-9' },
    };

    // Act
    const parsed = parseCartEvent(body);

    // Assess
    expect(parsed).toEqual({
      ok: true,
      event: {
        id: 'evt-9',
        type: 'cart.checked_out',
        occurredAt: '2026-06-10T14:30:00.000Z',
        cart: { id: 'c-9' },
      },
    });
  });

  it('trims the checkout email and ignores the fields a checkout does not use', () => {
    // Prepare
    const body = structuredClone(checkedOutFixture);
    body.cart.email = '  Shopper@Example.com ';

    // Act
    const parsed = parseCartEvent({ ...body, cart: { ...body.cart, total: 'not checked' } });

    // Assess
    expect(parsed).toEqual({
      ok: true,
      event: {
        id: 'evt-chk-1001',
        type: 'cart.checked_out',
        occurredAt: '2026-06-10T15:30:00.000Z',
        cart: { id: 'cart-1001', email: 'Shopper@Example.com' },
      },
    });
  });

  it('rejects a body that is not a JSON object', () => {
    // Act / Assess
    for (const body of [null, [], 'cart', 42]) {
      expect(errorsOf(parseCartEvent(body))).toEqual([
        { path: '', message: 'the event must be a JSON object' },
      ]);
    }
  });

  it('rejects an unknown event type', () => {
    // Act
    const errors = errorsOf(parseCartEvent(updatedWith({}, { type: 'cart.abandoned' })));

    // Assess
    expect(errors).toEqual([{ path: 'type', message: 'type must be "cart.updated" or "cart.checked_out"' }]);
  });

  const OCCURRED_AT = 'occurredAt must be an ISO-8601 time with an offset, such as "2026-06-10T14:00:00Z"';
  it.each([
    ['an empty id', {}, { id: ' ' }, 'id', 'id is required: a unique event id'],
    ['an id over 200 characters', {}, { id: 'e'.repeat(201) }, 'id', 'id must be at most 200 characters'],
    ['a time without an offset', {}, { occurredAt: '2026-06-10T14:00:00' }, 'occurredAt', OCCURRED_AT],
    ['a time that is not a time', {}, { occurredAt: 'yesterday' }, 'occurredAt', OCCURRED_AT],
    ['a missing cart id', { id: undefined }, {}, 'cart.id', 'cart.id is required'],
    [
      'a cart id over 200 characters',
      { id: 'c'.repeat(201) },
      {},
      'cart.id',
      'cart.id must be at most 200 characters',
    ],
    [
      'a bad email',
      { email: 'shopper at example' },
      {},
      'cart.email',
      'email must be an email address such as "shopper@example.com"',
    ],
    ['an email that is not text', { email: 42 }, {}, 'cart.email', 'email must be an email address'],
    [
      'a currency of four letters',
      { currency: 'EURO' },
      {},
      'cart.currency',
      'currency must be a three-letter code such as "USD"',
    ],
    [
      'a negative total',
      { total: '-1.00' },
      {},
      'cart.total',
      'total must be a decimal amount of at least 0, such as "42.50"',
    ],
    [
      'a total with 7 decimals',
      { total: '1.1234567' },
      {},
      'cart.total',
      'total must be a decimal amount of at least 0, such as "42.50"',
    ],
    [
      'a total that is not a number',
      { total: true },
      {},
      'cart.total',
      'total must be a decimal amount such as "42.50"',
    ],
    ['items that are not a list', { items: 'shoes' }, {}, 'cart.items', 'items must be a list'],
    [
      'more than 200 items',
      { items: Array.from({ length: 201 }, () => updatedFixture.cart.items[1]) },
      {},
      'cart.items',
      'a cart holds at most 200 items',
    ],
    [
      'an item without a sku',
      { items: [{ title: 'A', quantity: 1, price: '1' }] },
      {},
      'cart.items[0].sku',
      'sku is required',
    ],
    [
      'an item with a blank title',
      { items: [{ sku: 'A', title: ' ', quantity: 1, price: '1' }] },
      {},
      'cart.items[0].title',
      'title is required',
    ],
    [
      'an item quantity of 0',
      { items: [{ sku: 'A', title: 'A', quantity: 0, price: '1' }] },
      {},
      'cart.items[0].quantity',
      'quantity must be a whole number of at least 1',
    ],
    [
      'an item quantity of 1.5',
      { items: [{ sku: 'A', title: 'A', quantity: 1.5, price: '1' }] },
      {},
      'cart.items[0].quantity',
      'quantity must be a whole number of at least 1',
    ],
    [
      'an item quantity over 100000',
      { items: [{ sku: 'A', title: 'A', quantity: 100_001, price: '1' }] },
      {},
      'cart.items[0].quantity',
      'quantity must be at most 100000',
    ],
    [
      'an item price in words',
      { items: [{ sku: 'A', title: 'A', quantity: 1, price: 'ten' }] },
      {},
      'cart.items[0].price',
      'price must be a decimal amount of at least 0, such as "42.50"',
    ],
    [
      'an item image that is not http(s)',
      { items: [{ sku: 'A', title: 'A', quantity: 1, price: '1', imageUrl: 'ftp://x.example/a.png' }] },
      {},
      'cart.items[0].imageUrl',
      'imageUrl must be an http(s) URL',
    ],
    [
      'an item link to a script',
      { items: [{ sku: 'A', title: 'A', quantity: 1, price: '1', url: 'javascript:alert(1)' }] },
      {},
      'cart.items[0].url',
      'url must be an http(s) URL',
    ],
    [
      'a return URL that is not a URL',
      { returnUrl: 'acme.example/cart' },
      {},
      'cart.returnUrl',
      'returnUrl must be an http(s) URL',
    ],
    [
      'a return URL over 2048 characters',
      { returnUrl: `https://acme.example/${'x'.repeat(2048)}` },
      {},
      'cart.returnUrl',
      'returnUrl is longer than 2048 characters',
    ],
    [
      'an unknown time zone',
      { timezone: 'Mars/Olympus' },
      {},
      'cart.timezone',
      'timezone must be an IANA time zone such as "Europe/Berlin"',
    ],
    [
      'a locale that is not a language tag',
      { locale: 'english please' },
      {},
      'cart.locale',
      'locale must be a language tag such as "de-DE"',
    ],
    [
      'a consent of "yes"',
      { marketingConsent: 'yes' },
      {},
      'cart.marketingConsent',
      'marketingConsent must be true or false',
    ],
    [
      'an unknown source',
      { source: 'bot' },
      {},
      'cart.source',
      'source must be storefront, saved_link or import',
    ],
  ])('rejects %s with its path and message', (_what, cart, envelope, path, message) => {
    // Act
    const errors = errorsOf(parseCartEvent(updatedWith(cart, envelope)));

    // Assess
    expect(errors).toEqual([{ path, message }]);
  });

  it('rejects a checkout without a cart id', () => {
    // Act
    const errors = errorsOf(
      parseCartEvent({ id: 'e', type: 'cart.checked_out', occurredAt: '2026-06-10T14:00:00Z', cart: {} }),
    );

    // Assess
    expect(errors).toEqual([{ path: 'cart.id', message: 'cart.id is required' }]);
  });

  it('reports every field error at once in a ValidationError', () => {
    // Act
    const parsed = parseCartEvent(updatedWith({ currency: 'dollars', total: 'lots' }, { occurredAt: 'now' }));

    // Assess
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toBeInstanceOf(ValidationError);
    expect(parsed.error.errors.map((e) => e.path)).toEqual(['occurredAt', 'cart.currency', 'cart.total']);
    expect(parsed.error.message).toMatch(/^The cart event is invalid: occurredAt: /);
  });

  it('says in plain words that a missing cart is required', () => {
    // Act
    const errors = errorsOf(
      parseCartEvent({ id: 'e', type: 'cart.updated', occurredAt: '2026-06-10T14:00:00Z' }),
    );

    // Assess: the storefront developer reads this; a bare "expected object" does not name what is missing.
    expect(errors).toHaveLength(1);
    expect(errors[0]?.path).toBe('cart');
    expect(errors[0]?.message).toMatch(/cart/);
  });
});

describe('emailKey', () => {
  it('trims and lower-cases an email', () => {
    // Act / Assess
    expect(emailKey('  Shopper@Example.COM\t')).toBe('shopper@example.com');
  });
});
