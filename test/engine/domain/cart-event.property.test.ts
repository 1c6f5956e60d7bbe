import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CartEvent,
  type CartEventInput,
  cartEventSchema,
  minorUnitDigits,
  parseCartEvent,
} from '#engine/domain/cart-event.js';
import { CART_EVENT_LIMITS } from '#engine/domain/cart-event-limits.js';
import { formatPath } from '#engine/domain/field-errors.js';
import { generateScenario } from '#engine/simulation/generate-scenario.js';
import checkedOutFixture from '#test/events/storefront/cart-checked-out.json' with { type: 'json' };
import updatedFixture from '#test/events/storefront/cart-updated.json' with { type: 'json' };
import looseFixture from '#test/events/storefront/cart-updated-loose.json' with { type: 'json' };
import {
  anyEventBody,
  DAY,
  EARLIEST,
  LATEST,
  LONGEST_EMAIL,
  LONGEST_LOCALE,
  MISSING,
  RECEIVED_AT,
  validEvent,
} from './cart-event.arbitraries.js';

const LIMITS = CART_EVENT_LIMITS;

/** Values that are odd somewhere: each may be right for one field and wrong for the next. */
const ODD = [
  ...['', '   ', ' padded ', '\tx\n', 'x'.repeat(200), 'x'.repeat(201), 'x'.repeat(500), 'x'.repeat(501)],
  ...['2026-06-10T14:00:00Z', '2026-06-10T16:00:00+02:00', '2026-02-30T00:00:00.000Z', 'yesterday'],
  ...['+012026-06-10T14:00:00.000Z', '2026-06-10T14:00:00.000z', ' 2026-06-10T14:00:00.000Z'],
  ...[0, -1, 1, 100_000, 100_001, 1.5, -0, NaN, 1e21, 1_781_100_000_000, '2', ' 42.5 ', '1e3', '.5', '5.'],
  ...['1234567890123', '1.1234567', '999999999999.999999', 'USD', 'usd', 'US', 'USDX', 'ıso'],
  ...[' https://shop.example.com/c ', 'http://shop.example.com/a\tb', 'ftp://shop.example.com/x', 'https://'],
  ...['javascript:alert(1)', `https://shop.example.com/${'p'.repeat(2030)}`, 'shop.example.com/x'],
  ...['ann@example.com', ' ANN@Example.com ', 'ann@', 'ann@example', 'Europe/Berlin', 'utc', 'Mars/Base'],
  ...['de-DE', 'en_US', 'storefront', 'import', 'web', 'cart.updated', 'cart.checked_out', 'cart.created'],
  ...[true, false, 'yes', null, undefined, MISSING, [], {}, Array(201).fill(null), [null], Array(2)],
  // The door's bounds: the occurredAt window at RECEIVED_AT, currencies and their minor units, bytes
  // of a cart id, safe links, the longest email and language tag.
  ...[
    new Date(EARLIEST).toISOString(),
    new Date(EARLIEST - 1).toISOString(),
    new Date(LATEST + 1).toISOString(),
  ],
  ...['1970-01-01T00:00:00Z', '9999-12-31T23:59:59Z', 'ZZZ', 'JPY', 'KWD', '42.505', '42.5', 1.5],
  ...[
    'é'.repeat(100),
    '€'.repeat(67),
    LONGEST_EMAIL,
    `a${LONGEST_EMAIL}`,
    LONGEST_LOCALE,
    `${LONGEST_LOCALE}z`,
  ],
  ...[
    'https://shop.example.com/a b',
    'https://shop.example.com/a\u0000b',
    'https://shop.example.com/\u202Ex',
  ],
  ...['\thttps://shop.example.com/padded\n'],
];
const PATHS = [
  ['id'],
  ['type'],
  ['occurredAt'],
  ['cart'],
  ...[
    'id',
    'email',
    'currency',
    'total',
    'items',
    'returnUrl',
    'timezone',
    'locale',
    'marketingConsent',
    'source',
  ].map((key) => ['cart', key]),
  ...['sku', 'title', 'quantity', 'price', 'imageUrl', 'url'].map((key) => ['cart', 'items', 0, key]),
  ['cart', 'items', 0],
];
/** A valid storefront event with one field set to an odd value (or left out), and the path changed. */
const nearMiss = fc
  .record({
    base: fc.constantFrom<unknown>(updatedFixture, looseFixture, checkedOutFixture),
    path: fc.constantFrom(...PATHS),
    value: fc.constantFrom(...ODD),
  })
  .map(({ base, path, value }) => {
    const body = structuredClone(base) as Record<string | number, unknown>;
    const changed = formatPath(path);
    let parent: Record<string | number, unknown> = body;
    for (const key of path.slice(0, -1)) {
      const next = parent[key];
      if (typeof next !== 'object' || next === null) return { body, changed };
      parent = next as Record<string | number, unknown>;
    }
    const last = path.at(-1) as string | number;
    if (value === MISSING) delete parent[last];
    else parent[last] = structuredClone(value);
    return { body, changed };
  });

/** A value with every object as its list of [key, value] entries, so key order and undefined keys count. */
function entries(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(entries);
  if (typeof value !== 'object' || value === null) return value;
  return Object.entries(value).map(([key, inner]) => [key, entries(inner)]);
}

/** `amount(...)` as the contract states it: a number in plain digits, or a string trimmed. */
const amountText = (value: string | number) => (typeof value === 'number' ? String(value) : value.trim());
/** `optional(...)`: a field left out stays out; `null` becomes a key holding undefined. */
function optionalField<T, U>(input: object, key: string, read: (value: T) => U): [string, U | undefined][] {
  if (!(key in input)) return [];
  const value = (input as Record<string, T | null>)[key];
  return [[key, value === null || value === undefined ? undefined : read(value)]];
}
const same = <T>(value: T) => value;
const trim = (value: string) => value.trim();

/** The event the contract says `input` is read as: built field by field, in the schema's key order. */
function expectedRead(input: CartEventInput): CartEvent {
  const envelope = { id: input.id.trim(), occurredAt: new Date(input.occurredAt).toISOString() };
  if (input.type === 'cart.checked_out') {
    const cart = Object.fromEntries([
      ['id', input.cart.id.trim()],
      ...optionalField(input.cart, 'email', trim),
    ]);
    return { ...envelope, type: input.type, cart } as CartEvent;
  }
  const c = input.cart;
  const items = c.items.map((item) =>
    Object.fromEntries([
      ['sku', item.sku.trim()],
      ['title', item.title.trim()],
      ['quantity', item.quantity],
      ['price', amountText(item.price)],
      ...optionalField(item, 'imageUrl', trim),
      ...optionalField(item, 'url', trim),
    ]),
  );
  const cart = Object.fromEntries([
    ['id', c.id.trim()],
    ...optionalField(c, 'email', trim),
    ['currency', c.currency.trim().toUpperCase()],
    ['total', amountText(c.total)],
    ['items', items],
    ['returnUrl', c.returnUrl.trim()],
    ...optionalField(c, 'timezone', same),
    ...optionalField(c, 'locale', same),
    ...optionalField(c, 'marketingConsent', same),
    ['source', c.source ?? 'storefront'],
  ]);
  return { ...envelope, type: input.type, cart } as CartEvent;
}

const CANONICAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const DECIMAL = /^\d{1,12}(\.\d{1,6})?$/;
/** What no link may hold raw: white space, C0 and C1 controls, bidi controls. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this looks for.
const UNSAFE_IN_LINK = /[\s\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const decimalsOf = (amount: string) => amount.split('.')[1]?.length ?? 0;

/**
 * Asserts what holds of every event the schema returns, whatever it was given; with `receivedAt`, also
 * that it happened inside the window an event received then may come from.
 */
function expectCanonical(event: CartEvent, receivedAt?: Date): void {
  const trimmedWithin = (value: string, max: number) => {
    expect(value).toBe(value.trim());
    expect(value.length).toBeGreaterThanOrEqual(1);
    expect(value.length).toBeLessThanOrEqual(max);
  };
  trimmedWithin(event.id, LIMITS.idLength);
  trimmedWithin(event.cart.id, LIMITS.cartIdLength);
  expect(event.occurredAt).toMatch(CANONICAL_TIME);
  expect(new Date(event.occurredAt).toISOString()).toBe(event.occurredAt);
  if (receivedAt) {
    const at = Date.parse(event.occurredAt);
    expect(at).toBeGreaterThanOrEqual(receivedAt.getTime() - LIMITS.pastDays * DAY);
    expect(at).toBeLessThanOrEqual(receivedAt.getTime() + LIMITS.futureMinutes * 60_000);
  }
  expect(Buffer.byteLength(event.cart.id, 'utf8')).toBeLessThanOrEqual(LIMITS.cartIdLength);
  expect(JSON.stringify(event)).not.toContain('null');
  if (event.cart.email !== undefined) {
    expect(event.cart.email).toBe(event.cart.email.trim());
    expect(event.cart.email.length).toBeLessThanOrEqual(LIMITS.emailLength);
  }
  if (event.type === 'cart.checked_out') {
    expect(Object.keys(event.cart).every((key) => key === 'id' || key === 'email')).toBe(true);
    return;
  }
  const cart = event.cart;
  expect(cart.currency).toMatch(/^[A-Z]{3}$/);
  const digits = minorUnitDigits(cart.currency);
  expect(digits).toBeTypeOf('number');
  expect(cart.total).toMatch(DECIMAL);
  expect(decimalsOf(cart.total)).toBeLessThanOrEqual(digits ?? -1);
  for (const tag of [cart.locale, cart.timezone])
    if (tag !== undefined) expect(tag.length).toBeLessThanOrEqual(LIMITS.localeLength);
  expect(cart.items.length).toBeLessThanOrEqual(LIMITS.items);
  expect(['storefront', 'saved_link', 'import']).toContain(cart.source);
  for (const item of cart.items) {
    trimmedWithin(item.sku, LIMITS.skuLength);
    trimmedWithin(item.title, LIMITS.titleLength);
    expect(Number.isInteger(item.quantity) && item.quantity >= 1 && item.quantity <= LIMITS.quantity).toBe(
      true,
    );
    expect(item.price).toMatch(DECIMAL);
    expect(decimalsOf(item.price)).toBeLessThanOrEqual(digits ?? -1);
    for (const link of [item.url, item.imageUrl])
      if (link !== undefined) {
        expect(link.length).toBeLessThanOrEqual(LIMITS.urlLength);
        expect(link).not.toMatch(UNSAFE_IN_LINK);
      }
  }
  expect(cart.returnUrl).toMatch(/^https?:\/\/\S+$/i);
  expect(cart.returnUrl).not.toMatch(UNSAFE_IN_LINK);
  expect(cart.returnUrl.length).toBeLessThanOrEqual(LIMITS.urlLength);
}

/**
 * Asserts the event reads as itself: as it is, and after a trip through JSON (which drops undefined
 * keys), received at `receivedAt`.
 */
function expectFixedPoint(event: CartEvent, receivedAt: Date): void {
  expect(entries(cartEventSchema.parse(structuredClone(event)))).toEqual(entries(event));
  expect(parseCartEvent(JSON.parse(JSON.stringify(event)), receivedAt)).toEqual({ ok: true, event });
}

/** True when `path` is `field` or a path inside it (`cart` holds `cart.id` and `cart.items[0]`). */
const isAtOrUnder = (path: string, field: string) =>
  path === field || path.startsWith(`${field}.`) || path.startsWith(`${field}[`);

describe('cartEventSchema (property)', () => {
  it('reads every event written to the contract as the contract says', () => {
    fc.assert(
      fc.property(validEvent, (input) => {
        // Act
        const parsed = parseCartEvent(structuredClone(input), RECEIVED_AT);

        // Assess: the same keys in the same order, undefined keys included.
        expect(parsed.ok).toBe(true);
        if (!parsed.ok) return;
        expect(entries(parsed.event)).toEqual(entries(expectedRead(input)));
      }),
      { numRuns: 400 },
    );
  });

  it('reads what it returns as itself, also after a trip through JSON', () => {
    fc.assert(
      fc.property(validEvent, (input) => {
        // Act
        const parsed = parseCartEvent(structuredClone(input), RECEIVED_AT);

        // Assess
        if (!parsed.ok) throw parsed.error;
        expectFixedPoint(parsed.event, RECEIVED_AT);
      }),
      { numRuns: 300 },
    );
  });

  it('returns only canonical events, and names a field for every problem', () => {
    let accepted = 0;
    let rejected = 0;
    fc.assert(
      fc.property(anyEventBody, (body) => {
        // Act
        const parsed = parseCartEvent(structuredClone(body), RECEIVED_AT);

        // Assess
        if (parsed.ok) {
          accepted++;
          expectCanonical(parsed.event, RECEIVED_AT);
          return;
        }
        rejected++;
        expect(parsed.error.errors.length).toBeGreaterThan(0);
        for (const error of parsed.error.errors) {
          expect(error.path).toMatch(/^(|id|type|occurredAt|cart(\.\w+|\[\d+\])*)$/);
          expect(error.message).not.toBe('');
        }
      }),
      { numRuns: 1500 },
    );
    // The property says little if nearly everything drawn is accepted, or nearly everything refused.
    expect(accepted).toBeGreaterThan(100);
    expect(rejected).toBeGreaterThan(100);
  });

  it('blames only the field that was changed in a valid event', () => {
    fc.assert(
      fc.property(nearMiss, ({ body, changed }) => {
        // Act
        const parsed = parseCartEvent(structuredClone(body), RECEIVED_AT);

        // Assess
        if (parsed.ok) {
          expectCanonical(parsed.event, RECEIVED_AT);
          return;
        }
        // The type decides which fields of the cart are read, so a changed type may find any of them
        // wrong; the currency decides how many decimals the amounts may have.
        const blamed =
          changed === 'type'
            ? ['type', 'cart']
            : changed === 'cart.currency'
              ? ['cart.currency', 'cart.total', 'cart.items']
              : [changed];
        for (const error of parsed.error.errors) {
          expect(blamed.some((field) => isAtOrUnder(error.path, field))).toBe(true);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('reads every storefront fixture and every well-formed event of a generated month as itself', () => {
    // Prepare: each body with the time it reaches the engine (a scenario line's `at`).
    const bodies: [unknown, Date][] = [updatedFixture, looseFixture, checkedOutFixture].map((body) => [
      body,
      RECEIVED_AT,
    ]);
    for (const line of generateScenario({ carts: 300, days: 3, seed: 5 }))
      if ('event' in line) bodies.push([line.event, new Date(line.at)]);

    // Act
    const read = bodies.map(([body, at]) => [parseCartEvent(structuredClone(body), at), at] as const);

    // Assess: the generator sends a few broken events on purpose, and no more.
    const accepted = read.flatMap(([parsed, at]) => (parsed.ok ? [[parsed.event, at] as const] : []));
    expect(accepted.length).toBeGreaterThan(bodies.length * 0.99);
    for (const [parsed, at] of accepted) {
      expectCanonical(parsed, at);
      expectFixedPoint(parsed, at);
    }
  });
});
