import * as z from 'zod';
import { ValidationError } from './errors.js';
import { toFieldErrors } from './field-errors.js';
import { isoTime, timeOf } from './iso-time.js';
import { isTimeZone } from './time-zone.js';

const DECIMAL = /^\d{1,12}(\.\d{1,6})?$/;
const CURRENCY = /^[A-Z]{3}$/;

/** A money amount: a decimal string in major units ("42.50"); a plain number is accepted and normalized. */
const amount = (what: string) =>
  z
    .union([z.string(), z.number()], { error: `${what} must be a decimal amount such as "42.50"` })
    .transform((value, ctx) => {
      const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value.trim();
      if (!DECIMAL.test(text)) {
        ctx.addIssue({
          code: 'custom',
          message: `${what} must be a decimal amount of at least 0, such as "42.50"`,
        });
        return z.NEVER;
      }
      return text;
    });

const webUrl = (what: string) =>
  z
    .url({ protocol: /^https?$/, error: `${what} must be an http(s) URL` })
    .max(2048, { error: `${what} is longer than 2048 characters` });

const knownLocales = new Map<string, boolean>();
function isLocale(tag: string): boolean {
  let known = knownLocales.get(tag);
  if (known === undefined) {
    try {
      known = Intl.getCanonicalLocales(tag).length === 1;
    } catch {
      known = false;
    }
    if (knownLocales.size < 10_000) knownLocales.set(tag, known);
  }
  return known;
}

const locale = z.string().refine(isLocale, { error: 'locale must be a language tag such as "de-DE"' });

/** Missing and `null` both mean "not given": storefronts send either. */
const optional = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? undefined);

const email = z
  .string({ error: 'email must be an email address' })
  .trim()
  .pipe(z.email({ error: 'email must be an email address such as "shopper@example.com"' }));

const itemSchema = z.object({
  sku: z.string({ error: 'sku is required' }).trim().min(1, { error: 'sku is required' }).max(200),
  title: z.string({ error: 'title is required' }).trim().min(1, { error: 'title is required' }).max(500),
  quantity: z
    .number({ error: 'quantity must be a whole number of at least 1' })
    .int({ error: 'quantity must be a whole number of at least 1' })
    .min(1, { error: 'quantity must be a whole number of at least 1' })
    .max(100_000, { error: 'quantity must be at most 100000' }),
  price: amount('price'),
  imageUrl: optional(webUrl('imageUrl')),
  url: optional(webUrl('url')),
});

const cartId = z
  .string({ error: 'cart.id is required' })
  .trim()
  .min(1, { error: 'cart.id is required' })
  .max(200, { error: 'cart.id must be at most 200 characters' });

const CART_REQUIRED = 'cart is required: an object with the cart id and, for cart.updated, its contents';

const snapshotSchema = z.object(
  {
    id: cartId,
    email: optional(email),
    currency: z
      .string({ error: 'currency must be a three-letter code such as "USD"' })
      .trim()
      .toUpperCase()
      .regex(CURRENCY, { error: 'currency must be a three-letter code such as "USD"' }),
    total: amount('total'),
    items: z
      .array(itemSchema, { error: 'items must be a list' })
      .max(200, { error: 'a cart holds at most 200 items' }),
    returnUrl: webUrl('returnUrl'),
    timezone: optional(
      z.string().refine(isTimeZone, { error: 'timezone must be an IANA time zone such as "Europe/Berlin"' }),
    ),
    locale: optional(locale),
    marketingConsent: optional(z.boolean({ error: 'marketingConsent must be true or false' })),
    source: optional(
      z.enum(['storefront', 'saved_link', 'import'], {
        error: 'source must be storefront, saved_link or import',
      }),
    ).transform((s) => s ?? 'storefront'),
  },
  { error: CART_REQUIRED },
);

const occurredAt = z.iso
  .datetime({
    offset: true,
    error: 'occurredAt must be an ISO-8601 time with an offset, such as "2026-06-10T14:00:00Z"',
  })
  .transform((s) => new Date(s).toISOString());

const envelope = {
  id: z
    .string({ error: 'id is required: a unique event id' })
    .trim()
    .min(1, { error: 'id is required: a unique event id' })
    .max(200, { error: 'id must be at most 200 characters' }),
  occurredAt,
};

/** The webhook body schema: the one source of truth for what a cart event is (the fast path below agrees). */
export const cartEventSchema = z.discriminatedUnion(
  'type',
  [
    z.object({ ...envelope, type: z.literal('cart.updated'), cart: snapshotSchema }),
    z.object({
      ...envelope,
      type: z.literal('cart.checked_out'),
      cart: z.object({ id: cartId, email: optional(email) }, { error: CART_REQUIRED }),
    }),
  ],
  { error: 'type must be "cart.updated" or "cart.checked_out"' },
);

export type CartEvent = z.infer<typeof cartEventSchema>;
export type CartUpdatedEvent = Extract<CartEvent, { type: 'cart.updated' }>;
export type CartCheckedOutEvent = Extract<CartEvent, { type: 'cart.checked_out' }>;
export type CartSnapshot = CartUpdatedEvent['cart'];
export type CartItem = CartSnapshot['items'][number];
export type CartSource = CartSnapshot['source'];

/** Result of reading an untrusted event: the event, or every field error at once. */
export type ParsedEvent = { ok: true; event: CartEvent } | { ok: false; error: ValidationError };

/**
 * Validates a cart event (the webhook body). Unknown fields are dropped; times become UTC ISO strings;
 * amounts become decimal strings.
 */
export function parseCartEvent(body: unknown): ParsedEvent {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return {
      ok: false,
      error: new ValidationError('The cart event', [
        { path: '', message: 'the event must be a JSON object' },
      ]),
    };
  }
  const event = readCommonEvent(body);
  if (event) return { ok: true, event };
  const result = cartEventSchema.safeParse(body);
  if (result.success) return { ok: true, event: result.data };
  return { ok: false, error: new ValidationError('The cart event', toFieldErrors(result.error)) };
}

// The fast path. zod stays the one source of truth: what follows reads only the shape storefronts
// send, returns exactly what `cartEventSchema` would (the same keys in the same order, the same values),
// and gives up (undefined) on anything else, so zod then accepts or rejects it with its messages.
// Strings are checked with the very schemas above (item links remembered, as they repeat), or with
// the same operations and patterns they apply. test/engine/domain/cart-event.property.test.ts holds it to that.

type Input = Record<string, unknown>;
const NOT_READ: unique symbol = Symbol('not read');
type Read<T> = T | typeof NOT_READ;

function isPlainObject(value: unknown): value is Input {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** `z.string().trim().min(1).max(max)`. */
function trimmedText(value: unknown, max: number): Read<string> {
  if (typeof value !== 'string') return NOT_READ;
  const text = value.trim();
  return text.length >= 1 && text.length <= max ? text : NOT_READ;
}

/** An http(s) URL with no white space in it: the schema's checks reduce to the URL parser's verdict. */
const PLAIN_WEB_URL = /^https?:\/\/\S+$/i;
const urlSchema = webUrl('url');

/**
 * `webUrl`. A URL with nothing to trim or strip, under the length limit, that the URL parser takes,
 * is what the schema returns unchanged: checked without zod. A return link is new with every cart,
 * so it is checked at once, never remembered.
 */
function readWebUrl(value: string): Read<string> {
  if (value.length <= 2048 && PLAIN_WEB_URL.test(value) && URL.canParse(value)) return value;
  const result = urlSchema.safeParse(value);
  return result.success ? result.data : NOT_READ;
}

// Item links repeat with every cart of a store (its catalog): their verdicts are remembered.
const itemUrls = new Map<string, Read<string>>();
function readItemUrl(value: string): Read<string> {
  let known = itemUrls.get(value);
  if (known === undefined) {
    known = readWebUrl(value);
    if (itemUrls.size >= 10_000) itemUrls.clear();
    itemUrls.set(value, known);
  }
  return known;
}

/** `email`: trimmed, then zod's own email pattern (all `z.email()` checks). */
function readEmail(value: string): Read<string> {
  const text = value.trim();
  return z.regexes.email.test(text) ? text : NOT_READ;
}

/** `amount(...)`: a string or a finite number, as a decimal string. */
function readAmount(value: unknown): Read<string> {
  const text =
    typeof value === 'string'
      ? value.trim()
      : typeof value === 'number' && Number.isFinite(value)
        ? String(value)
        : undefined;
  return text !== undefined && DECIMAL.test(text) ? text : NOT_READ;
}

/** `occurredAt`: a time already in UTC ISO form is its own output; any other goes through the schema. */
function readTime(value: unknown): Read<string> {
  if (typeof value !== 'string') return NOT_READ;
  if (value.length === 24 && value.endsWith('Z')) {
    const ms = timeOf(value);
    if (!Number.isNaN(ms) && isoTime(ms) === value) return value;
  }
  const result = occurredAt.safeParse(value);
  return result.success ? result.data : NOT_READ;
}

/**
 * `optional(schema)` as a key of `z.object`: a missing key stays missing, `null` or `undefined`
 * becomes a present key holding undefined, anything else goes through `read`.
 */
function setOptional<T>(out: Input, input: Input, key: string, read: (value: unknown) => Read<T>): boolean {
  if (!(key in input)) return true;
  const value = input[key];
  if (value === null || value === undefined) {
    out[key] = undefined;
    return true;
  }
  const read_ = read(value);
  if (read_ === NOT_READ) return false;
  out[key] = read_;
  return true;
}

const readEmailValue = (value: unknown) => (typeof value === 'string' ? readEmail(value) : NOT_READ);
const readItemUrlValue = (value: unknown) => (typeof value === 'string' ? readItemUrl(value) : NOT_READ);
const readZone = (value: unknown) => (typeof value === 'string' && isTimeZone(value) ? value : NOT_READ);
const readLocale = (value: unknown) => (typeof value === 'string' && isLocale(value) ? value : NOT_READ);
const readConsent = (value: unknown) => (typeof value === 'boolean' ? value : NOT_READ);
const SOURCES: readonly unknown[] = ['storefront', 'saved_link', 'import'];

function readItem(input: unknown): Input | undefined {
  if (!isPlainObject(input)) return undefined;
  const sku = trimmedText(input.sku, 200);
  const title = trimmedText(input.title, 500);
  const quantity = input.quantity;
  if (sku === NOT_READ || title === NOT_READ) return undefined;
  if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1 || quantity > 100_000)
    return undefined;
  const price = readAmount(input.price);
  if (price === NOT_READ) return undefined;
  const item: Input = { sku, title, quantity, price };
  if (
    !setOptional(item, input, 'imageUrl', readItemUrlValue) ||
    !setOptional(item, input, 'url', readItemUrlValue)
  )
    return undefined;
  return item;
}

function readSnapshot(input: Input): Input | undefined {
  const id = trimmedText(input.id, 200);
  if (id === NOT_READ) return undefined;
  const cart: Input = { id };
  if (!setOptional(cart, input, 'email', readEmailValue)) return undefined;
  if (typeof input.currency !== 'string') return undefined;
  const currency = input.currency.trim().toUpperCase();
  if (!CURRENCY.test(currency)) return undefined;
  cart.currency = currency;
  const total = readAmount(input.total);
  if (total === NOT_READ) return undefined;
  cart.total = total;
  const items = input.items;
  if (!Array.isArray(items) || items.length > 200) return undefined;
  // Sized up front: a stored cart keeps this array, and one grown by `push` keeps spare room.
  const read = new Array<Input>(items.length);
  for (let i = 0; i < items.length; i++) {
    const one = readItem(items[i]);
    if (!one) return undefined;
    read[i] = one;
  }
  cart.items = read;
  const returnUrl = typeof input.returnUrl === 'string' ? readWebUrl(input.returnUrl) : NOT_READ;
  if (returnUrl === NOT_READ) return undefined;
  cart.returnUrl = returnUrl;
  if (
    !setOptional(cart, input, 'timezone', readZone) ||
    !setOptional(cart, input, 'locale', readLocale) ||
    !setOptional(cart, input, 'marketingConsent', readConsent)
  )
    return undefined;
  const source = input.source;
  if (source === null || source === undefined) cart.source = 'storefront';
  else if (SOURCES.includes(source)) cart.source = source;
  else return undefined;
  return cart;
}

/**
 * The common, valid event read by hand, exactly as `cartEventSchema` reads it; undefined for anything
 * it does not recognise at once (which `parseCartEvent` then hands to zod). Exported for its test.
 */
export function readCommonEvent(body: unknown): CartEvent | undefined {
  if (!isPlainObject(body)) return undefined;
  const type = body.type;
  if (type !== 'cart.updated' && type !== 'cart.checked_out') return undefined;
  const id = trimmedText(body.id, 200);
  const at = readTime(body.occurredAt);
  const input = body.cart;
  if (id === NOT_READ || at === NOT_READ || !isPlainObject(input)) return undefined;
  if (type === 'cart.updated') {
    const cart = readSnapshot(input);
    return cart ? ({ id, occurredAt: at, type, cart } as CartEvent) : undefined;
  }
  const cartId = trimmedText(input.id, 200);
  if (cartId === NOT_READ) return undefined;
  const cart: Input = { id: cartId };
  if (!setOptional(cart, input, 'email', readEmailValue)) return undefined;
  return { id, occurredAt: at, type, cart } as CartEvent;
}

/** The key emails are compared by: trimmed and lower-cased. */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}
