import { createHmac, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';
import type { CartEventInput } from '../domain/cart-event.js';
import { CART_EVENT_LIMITS } from '../domain/cart-event-limits.js';
import type { FieldError } from '../domain/errors.js';
import { toFieldErrors } from '../domain/field-errors.js';

/**
 * What one platform delivery comes to, decided by the platform's pure translation:
 * - `event`: our one cart event, for the ingest use case; `fields` names the platform's field for
 *   each of our paths, so an error the cart event schema finds is reported in the platform's words.
 * - `ignored`: nothing to do (a topic we do not use, an order that is not a purchase); answered 200.
 * - `invalid`: the payload lacks what the translation needs; answered 400 with every field error.
 */
export type Translation =
  | { kind: 'event'; event: CartEventInput; fields: FieldNames }
  | { kind: 'ignored'; reason: string }
  | { kind: 'invalid'; errors: FieldError[] };

/** Our cart event's paths (`cart.total`, `cart.items`) to the platform's names (`total_price`, `line_items`). */
export type FieldNames = Readonly<Record<string, string>>;

/**
 * Renames the paths of cart event errors to the platform's fields: the longest matching prefix of
 * `fields` wins, so `cart.items[2].price` becomes `line_items[2].price`, in the path and at the start of
 * the message. Unknown paths stay as they are.
 */
export function inPlatformTerms(errors: readonly FieldError[], fields: FieldNames): FieldError[] {
  return errors.map((error) => {
    const prefix = Object.keys(fields)
      .filter(
        (key) => error.path === key || error.path.startsWith(`${key}[`) || error.path.startsWith(`${key}.`),
      )
      .sort((a, b) => b.length - a.length)[0];
    if (prefix === undefined) return error;
    const path = `${fields[prefix]}${error.path.slice(prefix.length)}`;
    // A message that starts with the field's name names the platform's field too.
    const message = error.message.startsWith(`${error.path} `)
      ? `${path}${error.message.slice(error.path.length)}`
      : error.message;
    return { path, message };
  });
}

/** A platform payload that failed its schema, as a translation naming every field. */
export function invalidPayload(error: z.ZodError): Translation {
  return { kind: 'invalid', errors: toFieldErrors(error) };
}

/** The base64 HMAC-SHA256 of a raw body: how Shopify and WooCommerce both sign a delivery. */
export function base64Hmac(secret: string, rawBody: Buffer | string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}

/**
 * Whether `header` is the base64 HMAC-SHA256 of `rawBody` under one of `secrets`, compared in constant
 * time on the decoded bytes. Never throws: a missing or malformed header is simply not valid.
 */
export function isBase64HmacValid(
  header: string | undefined,
  rawBody: Buffer,
  secrets: readonly string[],
): boolean {
  if (typeof header !== 'string' || !/^[A-Za-z0-9+/]{43}=$/.test(header.trim())) return false;
  const given = Buffer.from(header.trim(), 'base64');
  let valid = false;
  // Every secret is tried, so the time taken does not tell which one matched.
  for (const secret of secrets) {
    const expected = createHmac('sha256', secret).update(rawBody).digest();
    if (timingSafeEqual(expected, given)) valid = true;
  }
  return valid;
}

/** A platform's numeric or string id as text; Shopify and WooCommerce send numbers. */
export function idText(id: string | number): string {
  return typeof id === 'number' ? String(id) : id.trim();
}

/**
 * A platform's first name as our cart event takes it: at most its limit, so an unusually long name
 * costs the greeting its tail, never the cart.
 */
export function firstNameText(name: string): string {
  return [...name.trim()].slice(0, CART_EVENT_LIMITS.firstNameLength).join('').trim();
}
