import * as z from 'zod';
import { BoundedCache } from './bounded-cache.js';
import { CART_EVENT_LIMITS } from './cart-event-limits.js';
import { ValidationError } from './errors.js';
import { toFieldErrors } from './field-errors.js';
import { isTimeZone } from './time-zone.js';

const LIMITS = CART_EVENT_LIMITS;
const DECIMAL = new RegExp(`^\\d{1,${LIMITS.amountWholeDigits}}(\\.\\d{1,${LIMITS.amountFractionDigits}})?$`);
// Any case: the code is upper-cased before it is checked, and the JSON Schema (docs/) shows what a
// sender may write.
const CURRENCY = /^[A-Za-z]{3}$/;

/** A money amount: a decimal string in major units ("42.50"); a plain number is accepted and normalized. */
const amount = (what: string) =>
  z
    .union([z.string(), z.number()], { error: `${what} must be a decimal amount such as "42.50"` })
    // A number too large or too small for plain digits prints as "1e+21" or "1e-7": the pattern refuses it.
    .transform((value) => (typeof value === 'number' ? String(value) : value.trim()))
    .pipe(
      z.string().regex(DECIMAL, { error: `${what} must be a decimal amount of at least 0, such as "42.50"` }),
    );

/** Required text, trimmed: blank is "required", too long names the limit. */
const requiredText = (what: string, maxLength: number, required = `${what} is required`) =>
  z
    .string({ error: required })
    .trim()
    .min(1, { error: required })
    .max(maxLength, { error: `${what} must be at most ${maxLength} characters`, abort: true });

// White space, C0/C1 controls (NUL, CR, LF among them) and bidi controls would let a link carry
// text of its own into an email; a URL never needs them raw (they are percent-encoded).
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses.
const UNSAFE_IN_URL = /[\s\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

const webUrl = (what: string) =>
  z
    .string({ error: `${what} must be an http(s) URL` })
    .trim()
    .max(LIMITS.urlLength, { error: `${what} must be at most ${LIMITS.urlLength} characters`, abort: true })
    .refine((url) => !UNSAFE_IN_URL.test(url), {
      error: `${what} must not contain spaces, line breaks, control or bidi characters`,
      abort: true,
    })
    .refine(isWebUrl, { error: `${what} must be an http(s) URL` });

/** An absolute http or https URL, its scheme written out in full, that the WHATWG URL parser accepts. */
function isWebUrl(url: string): boolean {
  return /^https?:\/\//i.test(url) && URL.canParse(url);
}

// Every cart update names a locale, and asking Intl about each was a fifth of reading an event
// (docs/performance.md). Shoppers of one store use a few dozen tags: 256 keep them all, and made-up
// tags cannot grow it.
const knownLocales = new BoundedCache<string, boolean>(256);

/** True for a BCP 47 language tag such as "de-DE". */
function isLocale(tag: string): boolean {
  return knownLocales.getOrMake(tag, canonicalizes);
}

/** True when `Intl` can canonicalize `tag`: it throws for anything that is not a language tag. */
function canonicalizes(tag: string): boolean {
  try {
    Intl.getCanonicalLocales(tag);
  } catch {
    return false;
  }
  return true;
}

const LOCALE = 'locale must be a language tag such as "de-DE"';
const locale = z
  .string({ error: LOCALE })
  .max(LIMITS.localeLength, {
    error: `locale must be at most ${LIMITS.localeLength} characters`,
    abort: true,
  })
  .refine(isLocale, { error: LOCALE });

const TIME_ZONE = 'timezone must be an IANA time zone such as "Europe/Berlin"';
const timezone = z
  .string({ error: TIME_ZONE })
  // Past the limit the name cannot be a zone either: one message, and Intl never reads a huge string.
  .max(LIMITS.localeLength, {
    error: `timezone must be at most ${LIMITS.localeLength} characters`,
    abort: true,
  })
  .refine(isTimeZone, { error: TIME_ZONE });

/** Digits after the decimal point of `currency`'s minor unit, as Intl formats it. Throws for a malformed code. */
const fractionDigitsOf = (currency: string) =>
  new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;

// ISO 4217 codes this runtime can format (a code Intl does not know could not be shown in an email).
const KNOWN_CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));
// Each code's minor unit, read on first use: building a formatter per amount cost more than the rest
// of the parse, and building one for every known code at load took 20-30 ms of each Lambda cold start
// (docs/performance.md). 256 hold all of them (about 160).
const minorUnits = new BoundedCache<string, number>(256);

/**
 * Digits after the decimal point of `currency`'s minor unit (2 for EUR, 0 for JPY, 3 for KWD), or
 * undefined for a code this runtime does not know.
 */
export function minorUnitDigits(currency: string): number | undefined {
  return KNOWN_CURRENCIES.has(currency) ? minorUnits.getOrMake(currency, fractionDigitsOf) : undefined;
}

const decimalsOf = (amount: string) => amount.split('.')[1]?.length ?? 0;

/** Missing and `null` both mean "not given": storefronts send either. */
const optional = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? undefined);

const email = z
  .string({ error: 'email must be an email address' })
  .trim()
  .max(LIMITS.emailLength, { error: `email must be at most ${LIMITS.emailLength} characters` })
  .pipe(z.email({ error: 'email must be an email address such as "shopper@example.com"' }));

const QUANTITY = 'quantity must be a whole number of at least 1';

const itemSchema = z.object(
  {
    sku: requiredText('sku', LIMITS.skuLength).meta({ description: "The store's product or variant id." }),
    title: requiredText('title', LIMITS.titleLength).meta({
      description: 'The product name, as the reminder shows it.',
    }),
    quantity: z
      .number({ error: QUANTITY })
      .int({ error: QUANTITY })
      .min(1, { error: QUANTITY })
      .max(LIMITS.quantity, { error: `quantity must be at most ${LIMITS.quantity}` })
      .meta({ description: 'How many, a whole number.' }),
    price: amount('price').meta({
      description:
        'The unit price in major units, a decimal string such as "24.75" (a number is accepted); no more decimals than the currency has.',
    }),
    imageUrl: optional(webUrl('imageUrl')).meta({ description: 'An http(s) link to a product image.' }),
    url: optional(webUrl('url')).meta({ description: "An http(s) link to the product's page." }),
  },
  { error: 'each item must be an object with sku, title, quantity and price' },
);

const cartId = requiredText('cart.id', LIMITS.cartIdLength).refine(
  (id) => Buffer.byteLength(id) <= LIMITS.cartIdLength,
  { error: `cart.id must be at most ${LIMITS.cartIdLength} bytes in UTF-8` },
);

const CART_REQUIRED = 'cart is required: an object with the cart id and, for cart.updated, its contents';
const CURRENCY_CODE = 'currency must be a three-letter code such as "USD"';

const snapshotSchema = z
  .object(
    {
      id: cartId.meta({ description: "The store's cart id: every event about one cart carries the same." }),
      email: optional(email).meta({
        description:
          "The shopper's address; without one the cart is kept but never reminded. Compared without case.",
      }),
      firstName: optional(requiredText('firstName', LIMITS.firstNameLength)).meta({
        description: "The shopper's first name, trimmed.",
      }),
      currency: z
        .string({ error: CURRENCY_CODE })
        .trim()
        .toUpperCase()
        .regex(CURRENCY, { error: CURRENCY_CODE, abort: true })
        .refine((code) => KNOWN_CURRENCIES.has(code), {
          error: 'currency must be an ISO 4217 code such as "USD"',
        })
        .meta({ description: 'An ISO 4217 code such as "USD", in any case ("usd" is read as "USD").' }),
      total: amount('total').meta({
        description:
          'The cart total in major units, a decimal string such as "178.50" (a number is accepted); no more decimals than the currency has (none for JPY).',
      }),
      items: z
        .array(itemSchema, { error: 'items must be a list' })
        .max(LIMITS.items, { error: `a cart holds at most ${LIMITS.items} items` })
        .meta({ description: 'What is in the cart; an empty cart gets no reminder.' }),
      returnUrl: webUrl('returnUrl').meta({
        description: 'The http(s) link that brings the shopper back to this cart.',
      }),
      timezone: optional(timezone).meta({
        description: "The shopper's IANA time zone, for quiet hours; else the store's.",
      }),
      locale: optional(locale).meta({ description: 'The shopper\'s language tag, such as "de-DE".' }),
      marketingConsent: optional(z.boolean({ error: 'marketingConsent must be true or false' })).meta({
        description:
          "Whether the shopper agreed to marketing email; the rules' consent setting decides what it changes.",
      }),
      source: optional(
        z.enum(['storefront', 'saved_link', 'import'], {
          error: 'source must be storefront, saved_link or import',
        }),
      )
        .transform((s) => s ?? 'storefront')
        .meta({ description: 'Where the cart came from; storefront when left out.' }),
    },
    { error: CART_REQUIRED },
  )
  .superRefine((cart, ctx) => {
    // An amount finer than the currency's minor unit cannot be charged or shown. A currency Intl does
    // not know has its own error already: any number of decimals passes here.
    const digits = minorUnitDigits(cart.currency) ?? Number.POSITIVE_INFINITY;
    const check = (amount: string, path: (string | number)[], what: string) => {
      if (DECIMAL.test(amount) && decimalsOf(amount) > digits)
        ctx.addIssue({
          // Stryker disable next-line StringLiteral: zod's issue code never reaches a field error.
          code: 'custom',
          path,
          message: `${what} has more decimals than ${cart.currency} allows (${digits})`,
        });
    };
    check(cart.total, ['total'], 'total');
    for (const [i, item] of cart.items.entries()) check(item.price, ['items', i, 'price'], 'price');
  });

const occurredAt = z.iso
  .datetime({
    offset: true,
    error: 'occurredAt must be an ISO-8601 time with an offset, such as "2026-06-10T14:00:00Z"',
  })
  .transform((s) => new Date(s).toISOString());

const envelope = {
  id: requiredText('id', LIMITS.idLength, 'id is required: a unique event id').meta({
    description: 'A unique id of this event: a repeated delivery of the same id changes nothing.',
  }),
  occurredAt: occurredAt.meta({
    description: `When the shopper acted: an ISO-8601 time with an offset, at most ${LIMITS.pastDays} days ago and ${LIMITS.futureMinutes} minutes ahead.`,
  }),
};

/**
 * The webhook body schema: the one source of truth for what a cart event is. Unknown fields are
 * dropped; times become UTC ISO strings; amounts become decimal strings; a missing or null optional
 * field becomes undefined; a missing source is `storefront`.
 */
export const cartEventSchema = z.discriminatedUnion(
  'type',
  [
    z.object({
      ...envelope,
      type: z.literal('cart.updated').meta({ description: "The cart's contents now (a whole snapshot)." }),
      cart: snapshotSchema,
    }),
    z.object({
      ...envelope,
      type: z.literal('cart.checked_out').meta({ description: 'The shopper bought this cart.' }),
      cart: z.object(
        {
          id: cartId.meta({ description: 'The id of the cart that was bought.' }),
          email: optional(email).meta({
            description: "The buyer's address: stops reminders about their other carts too.",
          }),
        },
        { error: CART_REQUIRED },
      ),
    }),
  ],
  { error: 'type must be "cart.updated" or "cart.checked_out"' },
);

/** A cart event as a sender may write it: what `cartEventSchema` accepts (nulls, number amounts, any case). */
export type CartEventInput = z.input<typeof cartEventSchema>;
export type CartUpdatedInput = Extract<CartEventInput, { type: 'cart.updated' }>;
export type CartCheckedOutInput = Extract<CartEventInput, { type: 'cart.checked_out' }>;
export type CartItemInput = CartUpdatedInput['cart']['items'][number];

/** A cart event as the engine holds it: what `cartEventSchema` returns. */
export type CartEvent = z.output<typeof cartEventSchema>;
export type CartUpdatedEvent = Extract<CartEvent, { type: 'cart.updated' }>;
export type CartCheckedOutEvent = Extract<CartEvent, { type: 'cart.checked_out' }>;
export type CartSnapshot = CartUpdatedEvent['cart'];
export type CartItem = CartSnapshot['items'][number];
export type CartSource = CartSnapshot['source'];

/** Result of reading an untrusted event: the event, or every field error at once. */
export type ParsedEvent = { ok: true; event: CartEvent } | { ok: false; error: ValidationError };

/**
 * Validates a cart event (the webhook body) with `cartEventSchema`, reporting every field error at once.
 * @example parseCartEvent(JSON.parse(body)) // { ok: true, event } or { ok: false, error }
 */
export function parseCartEvent(body: unknown, receivedAt?: Date): ParsedEvent {
  // zod would answer a non-object with the union's "type must be ..." message, which hides the real problem.
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return {
      ok: false,
      error: new ValidationError('The cart event', [
        { path: '', message: 'the event must be a JSON object' },
      ]),
    };
  }
  const result = cartEventSchema.safeParse(body);
  if (!result.success)
    return { ok: false, error: new ValidationError('The cart event', toFieldErrors(result.error)) };
  const late = receivedAt ? occurredAtOutOfBounds(result.data.occurredAt, receivedAt) : undefined;
  if (late) return { ok: false, error: new ValidationError('The cart event', [late]) };
  return { ok: true, event: result.data };
}

/**
 * Why `occurredAt` cannot be taken at `receivedAt`, or undefined: an event from further back than the
 * import lane reaches, or from further ahead than clock skew explains, would freeze its cart (every
 * later update "stale", its wake-up years away).
 */
export function occurredAtOutOfBounds(
  occurredAt: string,
  receivedAt: Date,
): { path: string; message: string } | undefined {
  const at = Date.parse(occurredAt);
  const earliest = receivedAt.getTime() - LIMITS.pastDays * 86_400_000;
  const latest = receivedAt.getTime() + LIMITS.futureMinutes * 60_000;
  if (at >= earliest && at <= latest) return undefined;
  return {
    path: 'occurredAt',
    message: `occurredAt must be at most ${LIMITS.pastDays} days before and ${LIMITS.futureMinutes} minutes after the time we receive it (between ${new Date(earliest).toISOString()} and ${new Date(latest).toISOString()})`,
  };
}
