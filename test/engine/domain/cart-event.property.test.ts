import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cartEventSchema, parseCartEvent, readCommonEvent } from '#engine/domain/cart-event.js';
import { generateScenario } from '#engine/simulation/generate-scenario.js';
import checkedOutFixture from '#test/events/storefront/cart-checked-out.json' with { type: 'json' };
import updatedFixture from '#test/events/storefront/cart-updated.json' with { type: 'json' };
import looseFixture from '#test/events/storefront/cart-updated-loose.json' with { type: 'json' };

/** Leaves a key out of the object it is drawn for. */
const MISSING = Symbol('missing');

const anyOf = (...values: unknown[]) => fc.constantFrom(...values);
/** Mostly `good`, now and then one of `bad`: most drawn events are valid or one field away from it. */
const mostly = (good: fc.Arbitrary<unknown>, ...bad: fc.Arbitrary<unknown>[]) =>
  fc.oneof({ weight: 40, arbitrary: good }, ...bad.map((arbitrary) => ({ weight: 1, arbitrary })));
/** An optional field: present, or missing, null or undefined. */
const maybe = (field: fc.Arbitrary<unknown>) => mostly(field, anyOf(MISSING, null, undefined));
const wrongType = anyOf(7, true, [], {}, null, MISSING);

const text = (max: number) =>
  mostly(
    fc.string({ minLength: 1, maxLength: 12 }),
    anyOf('', '   ', ' padded ', '\tx\n', 'x'.repeat(max), 'x'.repeat(max + 1), ` ${'y'.repeat(max)} `),
    wrongType,
  );
const time = mostly(
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc
    .date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
    .map((d) => d.toISOString().replace('.000Z', 'Z').replace('Z', '+02:00')),
  anyOf(
    '2026-06-10T14:00:00Z',
    '2026-06-10T16:00:00+02:00',
    '2026-06-10T14:00:00.5Z',
    '2026-06-10T14:00Z',
    '2026-06-10 14:00:00Z',
    '2026-02-29T00:00:00.000Z',
    '2028-02-29T00:00:00.000Z',
    '2026-02-30T00:00:00.000Z',
    '2026-13-01T00:00:00.000Z',
    '2026-06-10T24:00:00.000Z',
    '+012026-06-10T14:00:00.000Z',
    '2026-06-10T14:00:00.000z',
    ' 2026-06-10T14:00:00.000Z',
    'yesterday',
    '',
    1_781_100_000_000,
  ),
  wrongType,
);
const amount = mostly(
  fc.integer({ min: 0, max: 100_000 }).map((cents) => (cents / 100).toFixed(2)),
  fc.double(),
  fc.integer({ min: -5, max: 1_000_000 }),
  anyOf(
    '42.50',
    ' 42.5 ',
    '0',
    '-1',
    -0,
    1e21,
    123456789012,
    1234567890123,
    0.1234567,
    '999999999999.999999',
    '1e3',
    '.5',
    '5.',
    '1234567890123',
    '1.1234567',
    'NaN',
    '',
    NaN,
  ),
  wrongType,
);
const url = mostly(
  anyOf('https://shop.example.com/products/tee-1', 'http://shop.example.com/images/tee-1.jpg'),
  fc.webUrl(),
  anyOf(
    ' https://shop.example.com/cart/restore/c1 ',
    'http://shop.example.com/a\tb',
    'HTTPS://SHOP.EXAMPLE.COM/X',
    'ftp://shop.example.com/x',
    'javascript:alert(1)',
    'https://',
    'https://exa mple.com',
    'shop.example.com/x',
    `https://shop.example.com/${'p'.repeat(2020)}`,
    `https://shop.example.com/${'p'.repeat(2100)}`,
    '',
  ),
  wrongType,
);
const email = mostly(
  anyOf('ann@example.com', ' ANN@Example.com ', 'bob.b@shop.example.co'),
  fc.emailAddress(),
  anyOf('ann@', '@example.com', 'ann@example', 'a b@example.com', ''),
  wrongType,
);
const item = mostly(
  fc.record({
    sku: text(200),
    title: text(500),
    quantity: mostly(
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: -2, max: 100_002 }),
      anyOf(0, -1, 100_000, 100_001, 1.5, '2', NaN, 1e21),
    ),
    price: amount,
    imageUrl: maybe(url),
    url: maybe(url),
    variantId: maybe(fc.integer()),
  }),
  wrongType,
);
const snapshot = fc.record({
  id: text(200),
  email: maybe(email),
  currency: mostly(anyOf('USD', 'usd', ' eur '), anyOf('US', 'USDX', 'U$D', 'ıso', ''), wrongType),
  total: amount,
  items: mostly(fc.array(item, { maxLength: 3 }), anyOf(Array(201).fill(null), 'none'), wrongType),
  returnUrl: url,
  timezone: maybe(
    mostly(
      anyOf('Europe/Berlin', 'America/New_York', 'UTC', 'utc'),
      anyOf('Mars/Base', 'Europe/', ''),
      wrongType,
    ),
  ),
  locale: maybe(mostly(anyOf('de-DE', 'en', 'zz'), anyOf('en_US', 'xx-invalid-tag-', ''), wrongType)),
  marketingConsent: maybe(mostly(fc.boolean(), anyOf('yes', 0))),
  source: maybe(mostly(anyOf('storefront', 'saved_link', 'import'), anyOf('web', 'Storefront'), wrongType)),
  abandonedCheckoutUrl: maybe(url),
});
const event = fc.record({
  id: text(200),
  type: mostly(anyOf('cart.updated', 'cart.checked_out'), anyOf('cart.created', 7, MISSING)),
  occurredAt: time,
  cart: mostly(snapshot, anyOf([], 'cart', MISSING, null)),
  extra: maybe(fc.string()),
});

/** Every value above that is odd somewhere: each may be right for one field and wrong for the next. */
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
/** A valid storefront event with one field set to an odd value (or left out). */
const nearMiss = fc
  .record({
    base: fc.constantFrom<unknown>(updatedFixture, looseFixture, checkedOutFixture),
    path: fc.constantFrom(...PATHS),
    value: fc.constantFrom(...ODD),
  })
  .map(({ base, path, value }) => {
    const body = structuredClone(base) as Record<string | number, unknown>;
    let parent: Record<string | number, unknown> = body;
    for (const key of path.slice(0, -1)) {
      const next = parent[key];
      if (typeof next !== 'object' || next === null) return body;
      parent = next as Record<string | number, unknown>;
    }
    const last = path.at(-1) as string | number;
    if (value === MISSING) delete parent[last];
    else parent[last] = structuredClone(value);
    return body;
  });

/** Drops the keys drawn as missing, at any depth. */
function withoutMissing(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutMissing);
  if (value === MISSING) return undefined;
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) if (inner !== MISSING) out[key] = withoutMissing(inner);
  return out;
}

/** A value with every object as its list of [key, value] entries, so key order and undefined keys count. */
function entries(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(entries);
  if (typeof value !== 'object' || value === null) return value;
  return Object.entries(value).map(([key, inner]) => [key, entries(inner)]);
}

/**
 * Asserts over `bodies` that the fast path answers only where zod accepts, with exactly zod's output,
 * and that both sides of the property are exercised: the fast path answers often, and zod refuses often.
 */
function assertAgreesWithZod(bodies: fc.Arbitrary<unknown>): void {
  let read = 0;
  let rejected = 0;
  fc.assert(
    fc.property(bodies, (body) => {
      // Act
      const fast = readCommonEvent(structuredClone(body));
      const zod = cartEventSchema.safeParse(structuredClone(body));

      // Assess
      if (!zod.success) rejected++;
      if (fast === undefined) return;
      read++;
      expect(zod.success).toBe(true);
      expect(entries(fast)).toEqual(entries(zod.data));
    }),
    { numRuns: 5000 },
  );
  // The property says nothing if the fast path never answers, or if nothing drawn is wrong.
  expect(read).toBeGreaterThan(250);
  expect(rejected).toBeGreaterThan(250);
}

describe('readCommonEvent (property)', () => {
  it('accepts only what the zod schema accepts, and reads it exactly as the schema does', () => {
    assertAgreesWithZod(event.map(withoutMissing));
  });

  it('agrees with the zod schema on valid events with one field changed', () => {
    assertAgreesWithZod(nearMiss);
  });

  it('reads every valid event of a generated month and the storefront fixtures', () => {
    // Prepare
    const bodies = [
      structuredClone(updatedFixture),
      structuredClone(looseFixture),
      structuredClone(checkedOutFixture),
    ];
    for (const line of generateScenario({ carts: 300, days: 3, seed: 5 })) {
      if ('event' in line && cartEventSchema.safeParse(line.event).success) bodies.push(line.event as never);
    }

    // Act / Assess
    for (const body of bodies) {
      const fast = readCommonEvent(structuredClone(body));
      expect(fast).toBeDefined();
      expect(entries(fast)).toEqual(entries(cartEventSchema.parse(structuredClone(body))));
      expect(parseCartEvent(structuredClone(body))).toEqual({ ok: true, event: fast });
    }
  });
});
