import * as z from 'zod';
import { ValidationError } from './errors.js';
import { toFieldErrors } from './field-errors.js';
import { isTimeZone } from './time-zone.js';

const DECIMAL = /^\d{1,12}(\.\d{1,6})?$/;
const CURRENCY = /^[A-Z]{3}$/;

/** A money amount: a decimal string in major units ("42.50"); a plain number is accepted and normalized. */
const amount = (what: string) =>
  z
    .union([z.string(), z.number()], { error: `${what} must be a decimal amount such as "42.50"` })
    .transform((value, ctx) => {
      const text = typeof value === 'number' ? String(value) : value.trim();
      // A number too large or too small for plain digits prints as "1e+21" or "1e-7": refused here.
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

/** True for a BCP 47 language tag such as "de-DE"; `Intl` throws for anything else. */
function isLocale(tag: string): boolean {
  try {
    Intl.getCanonicalLocales(tag);
    return true;
  } catch {
    return false;
  }
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

/**
 * The webhook body schema: the one source of truth for what a cart event is. Unknown fields are
 * dropped; times become UTC ISO strings; amounts become decimal strings; a missing or null optional
 * field becomes undefined; a missing source is `storefront`.
 */
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
 * Validates a cart event (the webhook body) with `cartEventSchema`, reporting every field error at once.
 * @example parseCartEvent(JSON.parse(body)) // { ok: true, event } or { ok: false, error }
 */
export function parseCartEvent(body: unknown): ParsedEvent {
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
  if (result.success) return { ok: true, event: result.data };
  return { ok: false, error: new ValidationError('The cart event', toFieldErrors(result.error)) };
}

/** The key emails are compared by: trimmed and lower-cased. */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}
