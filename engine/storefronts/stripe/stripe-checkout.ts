/**
 * Stripe Checkout's webhook events, as Stripe sends them, translated into our one cart event. Pure:
 * the handler verifies `Stripe-Signature` with the official package and fetches a session's line
 * items through the `CheckoutLineItems` port when this module asks for them.
 *
 * - `checkout.session.expired` with a recovery URL (`after_expiration.recovery`): a cart update; the
 *   recovery URL is the return link. Without one there is no way back for the shopper: skipped.
 * - `checkout.session.completed`: a checkout, whatever the payment status (`unpaid` included: a bank
 *   transfer or voucher still to be paid is an order), on the session it recovers, if any, else its own.
 * - Any other event type: ignored.
 */
import * as z from 'zod';
import { type CartItemInput, minorUnitDigits } from '../../domain/cart-event.js';
import { toFieldErrors } from '../../domain/field-errors.js';
import type { CheckoutLineItem } from '../../ports.js';
import { type FieldNames, invalidPayload, type Translation } from '../translation.js';

export const STRIPE_SIGNATURE_HEADER = 'stripe-signature';

/** 9999-12-31T23:59:59Z, the last second ISO-8601's four-digit years write. */
const MAX_UNIX_SECONDS = 253_402_300_799;

const optionalText = z.string({ error: 'must be text' }).nullish();
const minorAmount = z.number({ error: 'must be a whole amount in minor units' }).int({
  error: 'must be a whole amount in minor units',
});

const eventSchema = z.object(
  {
    id: z
      .string({ error: 'is required: the event id' })
      .trim()
      .min(1, { error: 'is required: the event id' }),
    type: z.string({ error: 'is required: the event type' }),
    // Within what a Date holds, so the event's time can be written out: 0 to 9999-12-31.
    created: z
      .number({ error: 'must be a Unix time in seconds' })
      .int({ error: 'must be a Unix time in seconds' })
      .min(0, { error: 'must be a Unix time in seconds' })
      .max(MAX_UNIX_SECONDS, { error: 'must be a Unix time in seconds' }),
    data: z.object({ object: z.unknown() }, { error: 'must be an object with the session in data.object' }),
  },
  { error: 'the event must be a JSON object' },
);

const sessionSchema = z.object(
  {
    id: z
      .string({ error: 'is required: the session id' })
      .trim()
      .min(1, { error: 'is required: the session id' }),
    currency: optionalText,
    amount_total: minorAmount.nullish(),
    customer_email: optionalText,
    customer_details: z.object({ email: optionalText }).nullish(),
    consent: z.object({ promotions: optionalText }).nullish(),
    after_expiration: z.object({ recovery: z.object({ url: optionalText }).nullish() }).nullish(),
    locale: optionalText,
    recovered_from: optionalText,
  },
  { error: 'the session must be a JSON object' },
);

/** An expired session worth a reminder, waiting for its line items (plain data). */
export interface ExpiredSession {
  eventId: string;
  occurredAt: string;
  sessionId: string;
  email: string | undefined;
  currency: string;
  amountTotal: number | null;
  recoveryUrl: string;
  consent: boolean | undefined;
  locale: string | undefined;
}

/** What a Stripe event comes to: a translation, or an expired session whose line items are needed. */
export type StripeStep = Translation | { kind: 'line_items'; expired: ExpiredSession };

const SESSION_FIELDS: FieldNames = {
  id: 'id',
  occurredAt: 'created',
  'cart.id': 'data.object.id',
  'cart.email': 'data.object.customer_details.email',
  'cart.currency': 'data.object.currency',
  'cart.total': 'data.object.amount_total',
  'cart.items': 'line_items',
  'cart.returnUrl': 'data.object.after_expiration.recovery.url',
  'cart.locale': 'data.object.locale',
};

// Stripe's own minor units (docs.stripe.com/currencies): these take no decimals in the API, these
// three; every other currency two, even where ISO 4217 has none (ISK: amounts are sent times 100).
const STRIPE_ZERO_DECIMAL = new Set(
  'BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF'.split(' '),
);
const STRIPE_THREE_DECIMAL = new Set('BHD JOD KWD OMR TND'.split(' '));

/** Digits after the decimal point of Stripe's API amounts in `currency` (upper case). */
export function stripeDecimals(currency: string): number {
  if (STRIPE_ZERO_DECIMAL.has(currency)) return 0;
  return STRIPE_THREE_DECIMAL.has(currency) ? 3 : 2;
}

/**
 * An amount in Stripe's minor units as a decimal string in the currency's own minor unit:
 * `minorToDecimal(17850, 'USD')` is "178.50", `minorToDecimal(1200, 'JPY')` "1200", `minorToDecimal(50000, 'ISK')` "500".
 */
export function minorToDecimal(amount: number, currency: string): string {
  const code = currency.toUpperCase();
  const major = amount / 10 ** stripeDecimals(code);
  return major.toFixed(minorUnitDigits(code) ?? stripeDecimals(code));
}

const present = (text: string | null | undefined) => (text?.trim() ? text.trim() : undefined);

/**
 * Reads one verified Stripe event: a translation, or the expired session whose items are needed.
 * @example stripeCartEvent(JSON.parse(rawBody)) // { kind: 'line_items', expired } for an expired session
 */
export function stripeCartEvent(body: unknown): StripeStep {
  const event = eventSchema.safeParse(body);
  if (!event.success) return invalidPayload(event.error);
  const { id, type, created } = event.data;
  if (type !== 'checkout.session.expired' && type !== 'checkout.session.completed')
    return { kind: 'ignored', reason: `the event type "${type}" is not one we use` };
  const parsed = sessionSchema.safeParse(event.data.data.object);
  if (!parsed.success)
    return {
      kind: 'invalid',
      errors: toFieldErrors(parsed.error).map((e) => ({
        path: e.path ? `data.object.${e.path}` : 'data.object',
        message: e.message,
      })),
    };
  const session = parsed.data;
  const occurredAt = new Date(created * 1000).toISOString();
  const email = present(session.customer_details?.email) ?? present(session.customer_email);
  if (type === 'checkout.session.completed') {
    return {
      kind: 'event',
      fields: SESSION_FIELDS,
      event: {
        id: `stripe:${id}`,
        type: 'cart.checked_out',
        occurredAt,
        // A session opened from a recovery link names the expired session it recovers: that is the cart.
        cart: { id: `stripe:${present(session.recovered_from) ?? session.id}`, ...(email ? { email } : {}) },
      },
    };
  }
  const recoveryUrl = present(session.after_expiration?.recovery?.url);
  if (!recoveryUrl)
    return {
      kind: 'ignored',
      reason: 'the expired session has no recovery URL (turn on after_expiration.recovery)',
    };
  const promotions = session.consent?.promotions;
  const locale = present(session.locale);
  return {
    kind: 'line_items',
    expired: {
      eventId: `stripe:${id}`,
      occurredAt,
      sessionId: session.id,
      email,
      currency: present(session.currency)?.toUpperCase() ?? '',
      amountTotal: session.amount_total ?? null,
      recoveryUrl,
      consent: promotions === 'opt_in' ? true : promotions === 'opt_out' ? false : undefined,
      // Stripe's "auto" means the browser's language, which the session does not tell us.
      locale: locale === 'auto' ? undefined : locale,
    },
  };
}

/** The cart update of an expired session, with its line items as Stripe listed them. */
export function expiredSessionEvent(
  expired: ExpiredSession,
  lines: readonly CheckoutLineItem[],
): Translation {
  const currency = expired.currency;
  const amount = (minor: number | null) => (minor === null ? '' : minorToDecimal(minor, currency));
  const items: CartItemInput[] = lines.map((line) => ({
    sku: line.productId ?? line.id,
    title: line.description,
    quantity: line.quantity,
    price: amount(
      line.unitAmount ?? (line.quantity > 0 ? Math.round(line.amountSubtotal / line.quantity) : null),
    ),
  }));
  return {
    kind: 'event',
    fields: SESSION_FIELDS,
    event: {
      id: expired.eventId,
      type: 'cart.updated',
      occurredAt: expired.occurredAt,
      cart: {
        id: `stripe:${expired.sessionId}`,
        email: expired.email ?? null,
        currency,
        total: amount(expired.amountTotal),
        items,
        returnUrl: expired.recoveryUrl,
        locale: expired.locale ?? null,
        marketingConsent: expired.consent ?? null,
      },
    },
  };
}
