import { describe, expect, it } from 'vitest';
import {
  type CartSnapshot,
  minorUnitDigits,
  type ParsedEvent,
  parseCartEvent,
} from '#engine/domain/cart-event.js';
import { CART_EVENT_LIMITS } from '#engine/domain/cart-event-limits.js';
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

/** The cart a cart.updated event was read as; fails the test when the event is rejected. */
function cartOf(parsed: ParsedEvent): CartSnapshot {
  if (!parsed.ok) throw new Error(`expected the event to be accepted: ${parsed.error.message}`);
  if (parsed.event.type !== 'cart.updated') throw new Error('expected a cart.updated event');
  return parsed.event.cart;
}

const ITEM = { sku: 'A', title: 'A', quantity: 1, price: '1' };
/** The fixture with one item, changed by `item`. */
const withItem = (item: Json) => updatedWith({ items: [{ ...ITEM, ...item }] });
/** An address of 254 characters, the longest the contract takes (labels of at most 63). */
const LONGEST_EMAIL = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.com`;
/** A well-formed language tag of 64 characters, the longest the contract takes. */
const LONGEST_LOCALE = `en-x-${Array(6).fill('abcdefgh').join('-')}-zzzzz`;
/** An http(s) link of exactly `length` characters. */
const linkOf = (length: number) => {
  const base = 'https://acme.example/';
  return base + 'x'.repeat(length - base.length);
};

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
      const parsed = parseCartEvent(body);
      expect(errorsOf(parsed)).toEqual([{ path: '', message: 'the event must be a JSON object' }]);
      expect(!parsed.ok && parsed.error.message).toBe(
        'The cart event is invalid: (root): the event must be a JSON object',
      );
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
      'an item that is not an object',
      { items: ['shoes'] },
      {},
      'cart.items[0]',
      'each item must be an object with sku, title, quantity and price',
    ],
    ['a sku that is not text', { items: [{ ...ITEM, sku: 7 }] }, {}, 'cart.items[0].sku', 'sku is required'],
    [
      'a title that is not text',
      { items: [{ ...ITEM, title: 7 }] },
      {},
      'cart.items[0].title',
      'title is required',
    ],
    [
      'a missing currency',
      { currency: undefined },
      {},
      'cart.currency',
      'currency must be a three-letter code such as "USD"',
    ],
    [
      'a missing total',
      { total: undefined },
      {},
      'cart.total',
      'total must be a decimal amount such as "42.50"',
    ],
    [
      'a total of NaN',
      { total: Number.NaN },
      {},
      'cart.total',
      'total must be a decimal amount such as "42.50"',
    ],
    [
      'a total too large for plain digits',
      { total: 1e21 },
      {},
      'cart.total',
      'total must be a decimal amount of at least 0, such as "42.50"',
    ],
    [
      'a total too small for plain digits',
      { total: 1e-7 },
      {},
      'cart.total',
      'total must be a decimal amount of at least 0, such as "42.50"',
    ],
    [
      'a negative number total',
      { total: -1 },
      {},
      'cart.total',
      'total must be a decimal amount of at least 0, such as "42.50"',
    ],
    [
      'a missing return URL',
      { returnUrl: undefined },
      {},
      'cart.returnUrl',
      'returnUrl must be an http(s) URL',
    ],
    ['a cart id that is not text', { id: 7 }, {}, 'cart.id', 'cart.id is required'],
    ['a blank cart id', { id: '   ' }, {}, 'cart.id', 'cart.id is required'],
    ['an id that is not text', {}, { id: 7 }, 'id', 'id is required: a unique event id'],
    ['a missing id', {}, { id: undefined }, 'id', 'id is required: a unique event id'],
    ['a missing time', {}, { occurredAt: undefined }, 'occurredAt', OCCURRED_AT],
    [
      'a time zone that is not text',
      { timezone: 7 },
      {},
      'cart.timezone',
      'timezone must be an IANA time zone such as "Europe/Berlin"',
    ],
    [
      'a locale that is not text',
      { locale: 7 },
      {},
      'cart.locale',
      'locale must be a language tag such as "de-DE"',
    ],
    ['an empty locale', { locale: '' }, {}, 'cart.locale', 'locale must be a language tag such as "de-DE"'],
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
      'an item quantity that is not a number',
      { items: [{ sku: 'A', title: 'A', quantity: '2', price: '1' }] },
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
      'a link of another scheme that carries an http(s) address further on',
      { returnUrl: 'ftp://files.example/?next=https://acme.example/cart' },
      {},
      'cart.returnUrl',
      'returnUrl must be an http(s) URL',
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
      'returnUrl must be at most 2048 characters',
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

describe('parseCartEvent (normalising)', () => {
  it('trims the ids, sku and title, and upper-cases a padded currency', () => {
    // Prepare
    const body = updatedWith(
      { id: ' cart-1 ', currency: ' eur ', items: [{ ...ITEM, sku: '\tA-1 ', title: ' Mug\n' }] },
      { id: ' evt-1 ' },
    );

    // Act
    const parsed = parseCartEvent(body);

    // Assess
    expect(parsed.ok && parsed.event.id).toBe('evt-1');
    expect(cartOf(parsed)).toMatchObject({
      id: 'cart-1',
      currency: 'EUR',
      items: [{ sku: 'A-1', title: 'Mug' }],
    });
  });

  it.each([
    ['a decimal string', '42.50', '42.50'],
    ['a padded decimal string', ' 42.5 ', '42.5'],
    ['a whole number', 42, '42'],
    ['a fractional number', 21.25, '21.25'],
    ['zero', 0, '0'],
    ['negative zero', -0, '0'],
  ])('reads %s as an amount', (_what, given, amount) => {
    // Act
    const cart = cartOf(parseCartEvent(updatedWith({ total: given, items: [{ ...ITEM, price: given }] })));

    // Assess
    expect(cart.total).toBe(amount);
    expect(cart.items[0]?.price).toBe(amount);
  });

  it("trims an email and a link, and keeps the email's case", () => {
    // Act
    const cart = cartOf(
      parseCartEvent(
        updatedWith({
          email: ' Ann@Example.COM\t',
          returnUrl: ' https://acme.example/cart/1 ',
          items: [{ ...ITEM, url: ' https://acme.example/p/1 ', imageUrl: 'http://cdn.acme.example/1.jpg' }],
        }),
      ),
    );

    // Assess
    expect(cart.email).toBe('Ann@Example.COM');
    expect(cart.returnUrl).toBe('https://acme.example/cart/1');
    expect(cart.items[0]).toMatchObject({
      url: 'https://acme.example/p/1',
      imageUrl: 'http://cdn.acme.example/1.jpg',
    });
  });

  it('keeps a time zone, a locale and a consent as given', () => {
    // Act
    const cart = cartOf(
      parseCartEvent(updatedWith({ timezone: 'Asia/Kolkata', locale: 'de-de', marketingConsent: false })),
    );

    // Assess
    expect(cart).toMatchObject({ timezone: 'Asia/Kolkata', locale: 'de-de', marketingConsent: false });
  });

  it("keeps the shopper's first name, trimmed", () => {
    // Act
    const cart = cartOf(parseCartEvent(updatedWith({ firstName: '  Ada ' })));

    // Assess
    expect(cart.firstName).toBe('Ada');
  });

  it('keeps each source', () => {
    // Act / Assess
    for (const source of ['storefront', 'saved_link', 'import']) {
      expect(cartOf(parseCartEvent(updatedWith({ source }))).source).toBe(source);
    }
  });

  it('reads an optional field sent as null as not given: a key holding undefined', () => {
    // Prepare
    const nulls = {
      email: null,
      firstName: null,
      timezone: null,
      locale: null,
      marketingConsent: null,
      source: null,
    };

    // Act
    const cart = cartOf(
      parseCartEvent(updatedWith({ ...nulls, items: [{ ...ITEM, imageUrl: null, url: null }] })),
    );

    // Assess: the key stays, so a stored cart's field is cleared rather than kept.
    const { items, ...rest } = cart;
    expect(Object.entries(rest)).toEqual(
      expect.arrayContaining([
        ['email', undefined],
        ['firstName', undefined],
        ['timezone', undefined],
        ['locale', undefined],
        ['marketingConsent', undefined],
        ['source', 'storefront'],
      ]),
    );
    expect(Object.entries(items[0] ?? {})).toEqual(
      expect.arrayContaining([
        ['imageUrl', undefined],
        ['url', undefined],
      ]),
    );
  });

  it('leaves an optional field that is missing out of the cart', () => {
    // Prepare
    const missing = { email: undefined, timezone: undefined, locale: undefined, marketingConsent: undefined };

    // Act
    const cart = cartOf(parseCartEvent(updatedWith({ ...missing, items: [ITEM] })));

    // Assess
    expect(Object.keys(cart)).toEqual(['id', 'currency', 'total', 'items', 'returnUrl', 'source']);
    expect(Object.keys(cart.items[0] ?? {})).toEqual(['sku', 'title', 'quantity', 'price']);
  });

  it('reads a checkout email sent as null as not given', () => {
    // Act
    const parsed = parseCartEvent({
      ...structuredClone(checkedOutFixture),
      cart: { id: 'c-1', email: null },
    });

    // Assess
    expect(parsed.ok && Object.entries(parsed.event.cart)).toEqual([
      ['id', 'c-1'],
      ['email', undefined],
    ]);
  });

  it.each([
    ['an offset time', '2026-06-10T10:30:00-04:00', '2026-06-10T14:30:00.000Z'],
    ['a time without milliseconds', '2026-06-10T14:30:00Z', '2026-06-10T14:30:00.000Z'],
    ['a time with tenths', '2026-06-10T14:30:00.5Z', '2026-06-10T14:30:00.500Z'],
    ['a UTC time in its canonical form', '2026-06-10T14:30:00.000Z', '2026-06-10T14:30:00.000Z'],
    ['a time across midnight', '2026-06-11T01:00:00+02:00', '2026-06-10T23:00:00.000Z'],
  ])('writes %s in UTC ISO form', (_what, given, occurredAt) => {
    // Act
    const parsed = parseCartEvent(updatedWith({}, { occurredAt: given }));

    // Assess
    expect(parsed.ok && parsed.event.occurredAt).toBe(occurredAt);
  });
});

describe('parseCartEvent (limits)', () => {
  it('holds the limits the messages name', () => {
    // Assess: a change here is a change of the webhook contract; the docs quote these.
    expect(CART_EVENT_LIMITS).toEqual({
      idLength: 200,
      cartIdLength: 200,
      skuLength: 200,
      titleLength: 500,
      items: 200,
      quantity: 100_000,
      urlLength: 2048,
      amountWholeDigits: 12,
      amountFractionDigits: 6,
      emailLength: 254,
      firstNameLength: 100,
      localeLength: 64,
      pastDays: 35,
      futureMinutes: 5,
    });
  });

  /** [what, the event at the limit, the event one past it, where, the message]. */
  const BOUNDARIES: [string, Json, Json, string, string][] = [
    [
      'the event id',
      updatedWith({}, { id: 'e'.repeat(200) }),
      updatedWith({}, { id: 'e'.repeat(201) }),
      'id',
      'id must be at most 200 characters',
    ],
    [
      'the first name',
      updatedWith({ firstName: 'F'.repeat(100) }),
      updatedWith({ firstName: 'F'.repeat(101) }),
      'cart.firstName',
      'firstName must be at most 100 characters',
    ],
    [
      'the cart id',
      updatedWith({ id: 'c'.repeat(200) }),
      updatedWith({ id: 'c'.repeat(201) }),
      'cart.id',
      'cart.id must be at most 200 characters',
    ],
    [
      'a sku',
      withItem({ sku: 's'.repeat(200) }),
      withItem({ sku: 's'.repeat(201) }),
      'cart.items[0].sku',
      'sku must be at most 200 characters',
    ],
    [
      'a title',
      withItem({ title: 't'.repeat(500) }),
      withItem({ title: 't'.repeat(501) }),
      'cart.items[0].title',
      'title must be at most 500 characters',
    ],
    [
      'the items of a cart',
      updatedWith({ items: Array.from({ length: 200 }, () => ITEM) }),
      updatedWith({ items: Array.from({ length: 201 }, () => ITEM) }),
      'cart.items',
      'a cart holds at most 200 items',
    ],
    [
      'a quantity',
      withItem({ quantity: 100_000 }),
      withItem({ quantity: 100_001 }),
      'cart.items[0].quantity',
      'quantity must be at most 100000',
    ],
    [
      'the return URL',
      updatedWith({ returnUrl: linkOf(2048) }),
      updatedWith({ returnUrl: linkOf(2049) }),
      'cart.returnUrl',
      'returnUrl must be at most 2048 characters',
    ],
    [
      'an item link',
      withItem({ url: linkOf(2048) }),
      withItem({ url: linkOf(2049) }),
      'cart.items[0].url',
      'url must be at most 2048 characters',
    ],
    [
      'an item image',
      withItem({ imageUrl: linkOf(2048) }),
      withItem({ imageUrl: linkOf(2049) }),
      'cart.items[0].imageUrl',
      'imageUrl must be at most 2048 characters',
    ],
    [
      'the whole digits of an amount',
      updatedWith({ total: '999999999999.99' }),
      updatedWith({ total: '1000000000000.00' }),
      'cart.total',
      'total must be a decimal amount of at least 0, such as "42.50"',
    ],
    [
      'the decimals of an amount in USD (two)',
      withItem({ price: '0.12' }),
      withItem({ price: '0.123' }),
      'cart.items[0].price',
      'price has more decimals than USD allows (2)',
    ],
    [
      'the decimals of an amount in KWD (three)',
      updatedWith({ currency: 'KWD', total: '0.123' }),
      updatedWith({ currency: 'KWD', total: '0.1234' }),
      'cart.total',
      'total has more decimals than KWD allows (3)',
    ],
    [
      'the decimals of an amount in JPY (none)',
      updatedWith({ currency: 'JPY', total: '1200', items: [{ ...ITEM, price: '1200' }] }),
      updatedWith({ currency: 'JPY', total: '1200', items: [{ ...ITEM, price: '1200.5' }] }),
      'cart.items[0].price',
      'price has more decimals than JPY allows (0)',
    ],
    [
      'an email',
      updatedWith({ email: LONGEST_EMAIL }),
      updatedWith({ email: `a${LONGEST_EMAIL}` }),
      'cart.email',
      'email must be at most 254 characters',
    ],
    [
      'a locale',
      updatedWith({ locale: LONGEST_LOCALE }),
      updatedWith({ locale: `${LONGEST_LOCALE}z` }),
      'cart.locale',
      'locale must be at most 64 characters',
    ],
    [
      'the bytes of a cart id',
      // 100 two-byte characters: 200 bytes; 67 three-byte characters: 201 bytes, in 67 characters.
      updatedWith({ id: 'é'.repeat(100) }),
      updatedWith({ id: '€'.repeat(67) }),
      'cart.id',
      'cart.id must be at most 200 bytes in UTF-8',
    ],
  ];

  it.each(BOUNDARIES)('accepts %s at its limit', (_what, atLimit) => {
    // Act
    const parsed = parseCartEvent(atLimit);

    // Assess: accepted, and kept whole.
    expect(parsed).toMatchObject({ ok: true, event: { id: atLimit.id, cart: atLimit.cart } });
  });

  it.each(BOUNDARIES)(
    'rejects %s one past its limit, naming the limit',
    (_what, _atLimit, past, path, message) => {
      // Act
      const errors = errorsOf(parseCartEvent(past));

      // Assess
      expect(errors).toEqual([{ path, message }]);
    },
  );

  it("counts a text's length after trimming", () => {
    // Prepare
    const padded = (length: number) => ` ${'x'.repeat(length)}\t`;

    // Act
    const parsed = parseCartEvent(
      updatedWith(
        { id: padded(200), items: [{ ...ITEM, sku: padded(200), title: padded(500) }] },
        { id: padded(200) },
      ),
    );

    // Assess
    expect(parsed).toMatchObject({
      ok: true,
      event: {
        id: 'x'.repeat(200),
        cart: { id: 'x'.repeat(200), items: [{ sku: 'x'.repeat(200), title: 'x'.repeat(500) }] },
      },
    });
  });

  it('accepts the smallest quantity and the smallest amount', () => {
    // Act
    const cart = cartOf(
      parseCartEvent(updatedWith({ total: '0.01', items: [{ ...ITEM, quantity: 1, price: '0' }] })),
    );

    // Assess: a cent is the smallest amount in USD.
    expect(cart.total).toBe('0.01');
    expect(cart.items[0]).toMatchObject({ quantity: 1, price: '0' });
  });

  it('refuses more than 6 decimals whatever the currency allows, with the format message', () => {
    // Act
    const errors = errorsOf(parseCartEvent(updatedWith({ currency: 'KWD', total: '1.1234567' })));

    // Assess: the pattern refuses it first, so the minor unit adds no second message.
    expect(errors).toEqual([
      { path: 'cart.total', message: 'total must be a decimal amount of at least 0, such as "42.50"' },
    ]);
  });
});

describe('parseCartEvent (bounds at the door)', () => {
  // The fixture happened at 14:00 UTC on 10 June 2026.
  const HAPPENED = Date.parse('2026-06-10T14:00:00Z');
  const DAY = 86_400_000;
  const WINDOW_35_DAYS =
    'occurredAt must be at most 35 days before and 5 minutes after the time we receive it';

  it.each([
    ['35 days after it happened, exactly', HAPPENED + 35 * DAY],
    ['5 minutes before it happened, exactly', HAPPENED - 5 * 60_000],
    ['the moment it happened', HAPPENED],
  ])('accepts an event received %s', (_when, receivedAt) => {
    // Act
    const parsed = parseCartEvent(structuredClone(updatedFixture), new Date(receivedAt));

    // Assess
    expect(parsed).toMatchObject({ ok: true, event: { occurredAt: '2026-06-10T14:00:00.000Z' } });
  });

  it.each([
    [
      'one millisecond more than 35 days after it happened',
      HAPPENED + 35 * DAY + 1,
      '(between 2026-06-10T14:00:00.001Z and 2026-07-15T14:05:00.001Z)',
    ],
    [
      'one millisecond more than 5 minutes before it happened',
      HAPPENED - 5 * 60_000 - 1,
      '(between 2026-05-06T13:54:59.999Z and 2026-06-10T13:59:59.999Z)',
    ],
    [
      'in 1970',
      Date.parse('1970-01-01T00:00:00Z'),
      '(between 1969-11-27T00:00:00.000Z and 1970-01-01T00:05:00.000Z)',
    ],
  ])('refuses an event received %s, naming the bounds', (_when, receivedAt, between) => {
    // Act
    const errors = errorsOf(parseCartEvent(structuredClone(updatedFixture), new Date(receivedAt)));

    // Assess
    expect(errors).toEqual([{ path: 'occurredAt', message: `${WINDOW_35_DAYS} ${between}` }]);
  });

  it('says which document it refused, as it does for a field error', () => {
    // Act
    const result = parseCartEvent(structuredClone(updatedFixture), new Date(HAPPENED + 36 * DAY));

    // Assess
    expect(!result.ok && result.error.message).toMatch(/^The cart event is invalid: occurredAt: /);
  });

  it('refuses a checkout from the year 9999 at the same bounds', () => {
    // Act
    const errors = errorsOf(
      parseCartEvent(
        { ...structuredClone(checkedOutFixture), occurredAt: '9999-12-31T23:59:59Z' },
        new Date(HAPPENED),
      ),
    );

    // Assess
    expect(errors).toEqual([
      {
        path: 'occurredAt',
        message: `${WINDOW_35_DAYS} (between 2026-05-06T14:00:00.000Z and 2026-06-10T14:05:00.000Z)`,
      },
    ]);
  });

  it('reads an event of any time when no receipt time is given', () => {
    // Act: replaying history (the simulator's explain, the audit) reads events without a window.
    const parsed = parseCartEvent(updatedWith({}, { occurredAt: '1970-01-01T00:00:00Z' }));

    // Assess
    expect(parsed).toMatchObject({ ok: true, event: { occurredAt: '1970-01-01T00:00:00.000Z' } });
  });

  it.each([
    ['JPY with no decimals', { currency: 'JPY', total: '15800', items: [{ ...ITEM, price: 15800 }] }],
    ['KWD with three decimals', { currency: 'kwd', total: '12.125', items: [{ ...ITEM, price: '12.125' }] }],
    ['EUR with two decimals', { currency: 'EUR', total: 42.5, items: [{ ...ITEM, price: '42.50' }] }],
  ])('accepts %s', (_what, cart) => {
    // Act
    const parsed = cartOf(parseCartEvent(updatedWith(cart)));

    // Assess
    expect(parsed).toMatchObject({ currency: cart.currency.toUpperCase(), items: [{ quantity: 1 }] });
  });

  it('refuses an amount in JPY with one decimal, in the total and in each price', () => {
    // Act
    const errors = errorsOf(
      parseCartEvent(updatedWith({ currency: 'JPY', total: '1200.5', items: [{ ...ITEM, price: 1.5 }] })),
    );

    // Assess
    expect(errors).toEqual([
      { path: 'cart.total', message: 'total has more decimals than JPY allows (0)' },
      { path: 'cart.items[0].price', message: 'price has more decimals than JPY allows (0)' },
    ]);
  });

  it.each([
    ['ZZZ', 'currency must be an ISO 4217 code such as "USD"'],
    ['XXX', 'currency must be an ISO 4217 code such as "USD"'],
    ['US', 'currency must be a three-letter code such as "USD"'],
    ['', 'currency must be a three-letter code such as "USD"'],
  ])('refuses the currency "%s" with one message, and does not throw', (currency, message) => {
    // Act: Intl throws for a malformed code; the minor-unit check must not reach it.
    const errors = errorsOf(parseCartEvent(updatedWith({ currency })));

    // Assess
    expect(errors).toEqual([{ path: 'cart.currency', message }]);
  });

  it('refuses an address with a non-ASCII character, so its characters are its bytes', () => {
    // Act: the unsubscribe token's bound counts the email's 254 characters as 254 bytes.
    const errors = errorsOf(parseCartEvent(updatedWith({ email: 'jürgen@example.com' })));

    // Assess
    expect(errors).toEqual([
      { path: 'cart.email', message: 'email must be an email address such as "shopper@example.com"' },
    ]);
  });

  it('refuses a timezone over 64 characters, naming the limit', () => {
    // Act
    const errors = errorsOf(parseCartEvent(updatedWith({ timezone: `Europe/${'x'.repeat(58)}` })));

    // Assess
    expect(errors).toEqual([{ path: 'cart.timezone', message: 'timezone must be at most 64 characters' }]);
  });

  it('refuses a checkout whose cart id is over 200 bytes in UTF-8', () => {
    // Act
    const errors = errorsOf(
      parseCartEvent({ ...structuredClone(checkedOutFixture), cart: { id: '€'.repeat(67) } }),
    );

    // Assess
    expect(errors).toEqual([{ path: 'cart.id', message: 'cart.id must be at most 200 bytes in UTF-8' }]);
  });

  it('trims the spaces, tabs and line breaks around a link', () => {
    // Act
    const cart = cartOf(
      parseCartEvent(
        updatedWith({
          returnUrl: '  https://acme.example/cart/1 ',
          items: [
            { ...ITEM, url: '\thttps://acme.example/p/1\r\n', imageUrl: ' https://acme.example/i.jpg' },
          ],
        }),
      ),
    );

    // Assess
    expect(cart.returnUrl).toBe('https://acme.example/cart/1');
    expect(cart.items[0]).toMatchObject({
      url: 'https://acme.example/p/1',
      imageUrl: 'https://acme.example/i.jpg',
    });
  });

  const UNSAFE = 'must not contain spaces, line breaks, control or bidi characters';
  it.each([
    ['a space', 'https://acme.example/x   URGENT: call 555-0100'],
    ['a tab', 'https://acme.example/a\tb'],
    ['a NUL', 'https://acme.example/a\u0000b'],
    ['a line break', 'https://acme.example/a\r\nBcc: x@example.com'],
    ['a right-to-left override (U+202E)', 'https://acme.example/\u202Egpj.exe'],
    ['a C1 control (U+0085)', 'https://acme.example/a\u0085b'],
    ['a no-break space', 'https://acme.example/a\u00a0b'],
  ])('refuses a link holding %s inside it, naming the field', (_what, link) => {
    // Act
    const errors = errorsOf(
      parseCartEvent(updatedWith({ returnUrl: link, items: [{ ...ITEM, url: link, imageUrl: link }] })),
    );

    // Assess
    expect(errors).toEqual([
      { path: 'cart.items[0].imageUrl', message: `imageUrl ${UNSAFE}` },
      { path: 'cart.items[0].url', message: `url ${UNSAFE}` },
      { path: 'cart.returnUrl', message: `returnUrl ${UNSAFE}` },
    ]);
  });

  it('keeps a link whose space and line break are percent-encoded', () => {
    // Act
    const cart = cartOf(parseCartEvent(updatedWith({ returnUrl: 'https://acme.example/a%20b?n=%0D%0A' })));

    // Assess
    expect(cart.returnUrl).toBe('https://acme.example/a%20b?n=%0D%0A');
  });
});

describe('minorUnitDigits', () => {
  it("gives each currency's minor unit as Intl formats it, and none for a code Intl does not know", () => {
    // Prepare
    const codes = Intl.supportedValuesOf('currency');
    const intlDigits = (code: string) =>
      new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions()
        .maximumFractionDigits;

    // Act / Assess
    expect([minorUnitDigits('EUR'), minorUnitDigits('JPY'), minorUnitDigits('KWD')]).toEqual([2, 0, 3]);
    expect(codes.map(minorUnitDigits)).toEqual(codes.map(intlDigits));
    expect([minorUnitDigits('ZZZ'), minorUnitDigits('XXX'), minorUnitDigits('eur')]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });
});
