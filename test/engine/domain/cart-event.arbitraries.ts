import fc from 'fast-check';
import type { CartEventInput } from '#engine/domain/cart-event.js';
import { CART_EVENT_LIMITS } from '#engine/domain/cart-event-limits.js';

// Cart event bodies for property tests, shared by the schema's properties and the webhook's: events
// valid at RECEIVED_AT, and events of every shape.

const LIMITS = CART_EVENT_LIMITS;
export const DAY = 86_400_000;
/** When the events below reach us: after every storefront fixture's occurredAt. */
export const RECEIVED_AT = new Date('2026-06-10T15:30:00Z');
export const EARLIEST = RECEIVED_AT.getTime() - LIMITS.pastDays * DAY;
export const LATEST = RECEIVED_AT.getTime() + LIMITS.futureMinutes * 60_000;

// Events written to the contract, in every form a sender may use: padded text, nulls for "not given",
// number amounts, lower-case currencies, times with offsets. Typed by the schema's input type.

const pad = fc.constantFrom('', '', ' ', '\t', '\n ');
/** Text that is not blank once trimmed, up to `max` characters once trimmed, maybe padded. */
const validText = (max: number) =>
  fc
    .tuple(
      pad,
      fc.oneof(fc.stringMatching(/^[A-Za-z0-9][\w .#/-]{0,20}[A-Za-z0-9]$/), fc.constant('x'.repeat(max))),
      pad,
    )
    .map(([before, body, after]) => `${before}${body}${after}`);
/** A time inside the window an event received at RECEIVED_AT may come from, its edges included. */
const validTime = fc
  .record({
    at: fc.oneof(fc.integer({ min: EARLIEST, max: LATEST }), fc.constantFrom(EARLIEST, LATEST)),
    // Real offsets run from -12:00 to +14:00, in quarter hours.
    offsetQuarters: fc.integer({ min: -48, max: 56 }),
    form: fc.constantFrom('canonical', 'seconds', 'offset'),
  })
  .map(({ at, offsetQuarters, form }) => {
    const iso = new Date(at).toISOString();
    if (form === 'canonical') return iso;
    // Whole seconds, rounded up: the window's edges are whole seconds, so the time stays inside it.
    if (form === 'seconds') return `${new Date(Math.ceil(at / 1000) * 1000).toISOString().slice(0, 19)}Z`;
    const offset = offsetQuarters * 15;
    const hhmm = `${String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')}:${String(Math.abs(offset) % 60).padStart(2, '0')}`;
    return `${new Date(at + offset * 60_000).toISOString().slice(0, 23)}${offset < 0 ? '-' : '+'}${hhmm}`;
  });
/** Currencies with each kind of minor unit (two decimals, none, three), in the forms a sender may write. */
const CURRENCIES = [
  { digits: 2, forms: ['USD', 'usd', ' Usd '] },
  { digits: 0, forms: ['JPY', 'jpy'] },
  { digits: 3, forms: ['KWD', ' kwd '] },
  { digits: 2, forms: ['EUR', 'eur'] },
];
/** An amount with at most `digits` decimals, as text or as a number, the extremes included. */
const validAmount = (digits: number) => {
  const scale = 10 ** digits;
  const fraction = (text: string) => (digits === 0 ? '' : `.${text}`);
  return fc.oneof(
    fc.integer({ min: 0, max: 10_000_000 }).map((minor) => (minor / scale).toFixed(digits)),
    // A number prints its shortest form, so never more decimals than it was made with.
    fc.integer({ min: 0, max: 10_000_000 }).map((minor) => minor / scale),
    fc.constantFrom(
      ` 42${fraction('5')} `,
      '0',
      0,
      `999999999999${fraction('9'.repeat(digits))}`,
      digits === 0 ? '1' : `0.${'0'.repeat(digits - 1)}1`,
    ),
  );
};
const validUrl = fc.oneof(
  fc.webUrl({ validSchemes: ['http', 'https'] }),
  fc.constantFrom(
    'https://acme.example/cart/1?recover=1',
    ' http://acme.example/p/2 ',
    '\thttps://acme.example/p/3\n',
    'https://acme.example/a%20b?q=%0D%0A',
    `https://a.example/${'p'.repeat(2030)}`,
  ),
);
/** Cart ids at their limit: 200 characters, and 200 bytes in UTF-8 of two- and three-byte characters. */
const validCartId = fc.oneof(
  { weight: 10, arbitrary: validText(LIMITS.cartIdLength) },
  { weight: 1, arbitrary: fc.constantFrom('é'.repeat(100), `${'€'.repeat(66)}ab`) },
);
/** An address of 254 characters: the longest the contract takes. */
export const LONGEST_EMAIL = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.com`;
/** A language tag of 64 characters: the longest the contract takes. */
export const LONGEST_LOCALE = `en-x-${Array(6).fill('abcdefgh').join('-')}-zzzzz`;
const validEmail = fc
  .tuple(
    pad,
    fc.constantFrom('ann@example.com', 'Bo.Chen@Shop.example', 'chris+carts@example.org', LONGEST_EMAIL),
    pad,
  )
  .map(([before, email, after]) => `${before}${email}${after}`);
/** An optional field: given, `null`, or left out (`fc.record` leaves out keys it is not required to hold). */
const orNull = <T>(value: fc.Arbitrary<T>) => fc.option(value, { nil: null, freq: 4 });
const optionalKeys = { requiredKeys: [] as [] };

/** An item priced in a currency of `digits` decimals. */
const validItem = (digits: number) =>
  fc
    .tuple(
      fc.record({
        sku: validText(LIMITS.skuLength),
        title: validText(LIMITS.titleLength),
        quantity: fc.oneof(fc.integer({ min: 1, max: 5 }), fc.constant(LIMITS.quantity)),
        price: validAmount(digits),
      }),
      fc.record({ imageUrl: orNull(validUrl), url: orNull(validUrl) }, optionalKeys),
    )
    .map(([required, optional]) => ({ ...required, ...optional }));

const validUpdated = fc
  .tuple(
    fc.record({
      id: validText(LIMITS.idLength),
      occurredAt: validTime,
      cart: fc
        .tuple(
          // The currency decides how many decimals every amount of the cart may have.
          fc.constantFrom(...CURRENCIES).chain(({ digits, forms }) =>
            fc.record({
              id: validCartId,
              currency: fc.constantFrom(...forms),
              total: validAmount(digits),
              items: fc.oneof(
                { weight: 20, arbitrary: fc.array(validItem(digits), { maxLength: 3 }) },
                {
                  weight: 1,
                  arbitrary: validItem(digits).map((item) =>
                    Array.from({ length: LIMITS.items }, () => item),
                  ),
                },
              ),
              returnUrl: validUrl,
            }),
          ),
          fc.record(
            {
              email: orNull(validEmail),
              timezone: orNull(fc.constantFrom('Europe/Berlin', 'America/New_York', 'UTC')),
              locale: orNull(fc.constantFrom('de-DE', 'en', 'en-us', LONGEST_LOCALE)),
              marketingConsent: orNull(fc.boolean()),
              source: orNull(
                fc.constantFrom('storefront' as const, 'saved_link' as const, 'import' as const),
              ),
            },
            optionalKeys,
          ),
        )
        .map(([required, optional]) => ({ ...required, ...optional })),
    }),
  )
  .map(([event]) => ({ ...event, type: 'cart.updated' as const }));

const validCheckedOut = fc
  .record({
    id: validText(LIMITS.idLength),
    occurredAt: validTime,
    cart: fc
      .tuple(fc.record({ id: validCartId }), fc.record({ email: orNull(validEmail) }, optionalKeys))
      .map(([required, optional]) => ({ ...required, ...optional })),
  })
  .map((event) => ({ ...event, type: 'cart.checked_out' as const }));

/** An event the contract takes when received at RECEIVED_AT, in any form a sender may write it. */
export const validEvent: fc.Arbitrary<CartEventInput> = fc.oneof(
  { weight: 4, arbitrary: validUpdated },
  { weight: 1, arbitrary: validCheckedOut },
);

// Events of every shape: mostly valid, now and then one field odd, of the wrong type or left out.

/** Leaves a key out of the object it is drawn for. */
export const MISSING = Symbol('missing');

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
    // 100 and 67 characters, 200 and 201 bytes in UTF-8: within every length, over the cart id's bytes.
    anyOf('é'.repeat(100), '€'.repeat(67)),
    wrongType,
  );
/** A time with an offset in `form`: canonical, or at +02:00 in whole seconds. */
const timeAt = (at: number, form: 'canonical' | 'offset') =>
  form === 'canonical'
    ? new Date(at).toISOString()
    : `${new Date(at + 2 * 3_600_000).toISOString().slice(0, 19)}+02:00`;
const time = mostly(
  fc.tuple(fc.integer({ min: EARLIEST, max: LATEST }), fc.constantFrom('canonical', 'offset')).map(
    // Rounded up to whole seconds so the offset form, which drops milliseconds, stays inside the window.
    ([at, form]) => timeAt(Math.ceil(at / 1000) * 1000, form),
  ),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc
    .date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
    .map((d) => timeAt(d.getTime(), 'offset')),
  // The window's edges, and one millisecond beyond each.
  anyOf(EARLIEST, LATEST, EARLIEST - 1, LATEST + 1).map((at) => timeAt(at as number, 'canonical')),
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
    // Finer than some minor units: refused for JPY, for USD, or for every currency drawn.
    '42.5',
    '42.505',
    '0.0001',
    1.5,
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
    '\thttps://shop.example.com/padded\n',
    'https://shop.example.com/x   URGENT: call 555-0100',
    'https://shop.example.com/a\u0000b',
    'https://shop.example.com/a\r\nBcc: x@example.com',
    'https://shop.example.com/\u202Egpj.exe',
    'https://shop.example.com/\u0085',
    'https://shop.example.com/a\u00a0b',
  ),
  wrongType,
);
const email = mostly(
  anyOf('ann@example.com', ' ANN@Example.com ', 'bob.b@shop.example.co'),
  fc.emailAddress(),
  anyOf('ann@', '@example.com', 'ann@example', 'a b@example.com', ''),
  anyOf(LONGEST_EMAIL, `a${LONGEST_EMAIL}`),
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
  currency: mostly(
    anyOf('USD', 'usd', ' eur ', 'JPY', 'KWD'),
    anyOf('US', 'USDX', 'U$D', 'ıso', '', 'ZZZ', 'XXX'),
    wrongType,
  ),
  total: amount,
  items: mostly(fc.array(item, { maxLength: 3 }), anyOf(Array(201).fill(null), 'none'), wrongType),
  returnUrl: url,
  timezone: maybe(
    mostly(
      anyOf('Europe/Berlin', 'America/New_York', 'UTC', 'utc'),
      anyOf('Mars/Base', 'Europe/', '', `Europe/${'x'.repeat(58)}`),
      wrongType,
    ),
  ),
  locale: maybe(
    mostly(
      anyOf('de-DE', 'en', 'zz', LONGEST_LOCALE),
      anyOf('en_US', 'xx-invalid-tag-', '', `${LONGEST_LOCALE}z`),
      wrongType,
    ),
  ),
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

/** Drops the keys drawn as missing, at any depth. */
function withoutMissing(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutMissing);
  if (value === MISSING) return undefined;
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) if (inner !== MISSING) out[key] = withoutMissing(inner);
  return out;
}

/** Events of every shape, with the keys drawn as missing left out: mostly valid, or one field off. */
export const anyEventBody = event.map(withoutMissing);
