/**
 * Shopify's webhooks, as Shopify sends them, translated into our one cart event. Pure: the handler
 * verifies the signature (`X-Shopify-Hmac-Sha256`) and passes the headers and the parsed body here.
 *
 * - `checkouts/create`, `checkouts/update`: a cart update (a checkout with `completed_at`: a checkout).
 * - `orders/create`, whatever its financial status (pending included: the shopper ordered): a checkout,
 *   on the cart of the order's checkout token or id, and by email for the shopper's other carts.
 * - Any other topic: ignored.
 */
import * as z from 'zod';
import type { CartEventInput, CartItemInput } from '../../domain/cart-event.js';
import { CART_EVENT_LIMITS } from '../../domain/cart-event-limits.js';
import { type FieldNames, firstNameText, idText, invalidPayload, type Translation } from '../translation.js';

/** The headers Shopify sends with every webhook (Function URLs lower-case them). */
export const SHOPIFY_HEADERS = {
  hmac: 'x-shopify-hmac-sha256',
  topic: 'x-shopify-topic',
  /** One id for every delivery of one action (and every subscription to it): what duplicates share. */
  eventId: 'x-shopify-event-id',
  /** One id per webhook; the fallback when a delivery has no event id. */
  webhookId: 'x-shopify-webhook-id',
  triggeredAt: 'x-shopify-triggered-at',
} as const;

/** One Shopify delivery, its signature already checked. */
export interface ShopifyDelivery {
  topic: string | undefined;
  eventId: string | undefined;
  webhookId: string | undefined;
  /** When Shopify triggered the webhook (ISO); retries carry the original time. */
  triggeredAt: string | undefined;
  body: unknown;
}

const shopifyId = z.union([z.number(), z.string().trim().min(1)], {
  error: 'must be a Shopify id (a number)',
});
const optionalText = z.string({ error: 'must be text' }).nullish();
const money = z.union([z.string(), z.number()], { error: 'must be an amount such as "42.50"' });
const named = z.object({ first_name: optionalText }).nullish();

const lineItemSchema = z.object({
  title: z.string({ error: 'is required: the product title' }),
  variant_title: optionalText,
  quantity: z.number({ error: 'must be a whole number' }),
  price: money,
  // Shopify documents sku as possibly empty: the variant id stands in for it.
  sku: optionalText,
  variant_id: shopifyId.nullish(),
  product_id: shopifyId.nullish(),
  key: optionalText,
});

const checkoutSchema = z.object(
  {
    id: shopifyId.nullish(),
    // token (and cart_token) are deprecated and may leave the payload: id stands in.
    token: optionalText,
    email: optionalText,
    line_items: z
      .array(lineItemSchema, { error: 'must be a list' })
      .max(CART_EVENT_LIMITS.items, { error: `a cart holds at most ${CART_EVENT_LIMITS.items} items` }),
    total_price: money,
    presentment_currency: optionalText,
    currency: optionalText,
    customer_locale: optionalText,
    buyer_accepts_marketing: z.boolean({ error: 'must be true or false' }).nullish(),
    abandoned_checkout_url: optionalText,
    updated_at: optionalText,
    completed_at: optionalText,
    customer: named,
    billing_address: named,
    shipping_address: named,
  },
  { error: 'the checkout must be a JSON object' },
);

const orderSchema = z.object(
  {
    id: shopifyId,
    email: optionalText,
    contact_email: optionalText,
    checkout_token: optionalText,
    checkout_id: shopifyId.nullish(),
    created_at: optionalText,
    customer: z.object({ email: optionalText, first_name: optionalText }).nullish(),
  },
  { error: 'the order must be a JSON object' },
);

type Checkout = z.output<typeof checkoutSchema>;

/** Our cart event's paths in a checkout's words, for the errors the cart event schema finds. */
const CHECKOUT_FIELDS: FieldNames = {
  id: SHOPIFY_HEADERS.eventId,
  occurredAt: 'updated_at',
  'cart.id': 'token',
  'cart.email': 'email',
  'cart.currency': 'presentment_currency',
  'cart.total': 'total_price',
  'cart.items': 'line_items',
  'cart.returnUrl': 'abandoned_checkout_url',
  'cart.locale': 'customer_locale',
  'cart.marketingConsent': 'buyer_accepts_marketing',
  'cart.firstName': 'customer.first_name',
};

const ORDER_FIELDS: FieldNames = {
  id: SHOPIFY_HEADERS.eventId,
  occurredAt: 'created_at',
  'cart.id': 'checkout_token',
  'cart.email': 'email',
};

/** The cart id of a Shopify checkout: its token, else its id (the same rule for checkouts and orders). */
function checkoutCartId(token: string | null | undefined, id: string | number | null | undefined) {
  if (token?.trim()) return `shopify:${token.trim()}`;
  return id === null || id === undefined ? undefined : `shopify:${idText(id)}`;
}

const present = (text: string | null | undefined) => (text?.trim() ? text.trim() : undefined);

/**
 * Translates one verified Shopify delivery into our cart event, or says why not.
 * @example shopifyCartEvent({ topic: 'checkouts/update', eventId: '…', body: checkout, … })
 */
export function shopifyCartEvent(delivery: ShopifyDelivery): Translation {
  const topic = delivery.topic?.trim();
  if (topic !== 'checkouts/create' && topic !== 'checkouts/update' && topic !== 'orders/create')
    return { kind: 'ignored', reason: `the topic ${topic ? `"${topic}"` : '(none)'} is not one we use` };
  const deliveryId = present(delivery.eventId) ?? present(delivery.webhookId);
  if (!deliveryId)
    return {
      kind: 'invalid',
      errors: [{ path: SHOPIFY_HEADERS.eventId, message: 'is missing (and so is X-Shopify-Webhook-Id)' }],
    };
  // The topic is part of the id: one action may fire several topics with one event id.
  const eventId = `shopify:${topic}:${deliveryId}`;
  return topic === 'orders/create' ? orderEvent(delivery, eventId) : checkoutEvent(delivery, eventId);
}

function checkoutEvent(delivery: ShopifyDelivery, eventId: string): Translation {
  const parsed = checkoutSchema.safeParse(delivery.body);
  if (!parsed.success) return invalidPayload(parsed.error);
  const checkout = parsed.data;
  const cartId = checkoutCartId(checkout.token, checkout.id);
  if (!cartId) return { kind: 'invalid', errors: [{ path: 'token', message: 'is missing (and so is id)' }] };
  const email = present(checkout.email);
  if (present(checkout.completed_at)) {
    return {
      kind: 'event',
      fields: { ...CHECKOUT_FIELDS, occurredAt: 'completed_at' },
      event: {
        id: eventId,
        type: 'cart.checked_out',
        occurredAt: checkout.completed_at ?? '',
        cart: { id: cartId, ...(email ? { email } : {}) },
      },
    };
  }
  return {
    kind: 'event',
    fields: CHECKOUT_FIELDS,
    event: {
      id: eventId,
      type: 'cart.updated',
      occurredAt: present(checkout.updated_at) ?? present(delivery.triggeredAt) ?? '',
      cart: {
        id: cartId,
        email: email ?? null,
        currency: present(checkout.presentment_currency) ?? present(checkout.currency) ?? '',
        total: checkout.total_price,
        items: checkout.line_items.map(lineItem),
        returnUrl: checkout.abandoned_checkout_url ?? '',
        locale: present(checkout.customer_locale) ?? null,
        marketingConsent: checkout.buyer_accepts_marketing ?? null,
        ...firstNameOf(checkout),
      },
    } satisfies CartEventInput,
  };
}

function lineItem(line: Checkout['line_items'][number]): CartItemInput {
  const variant = present(line.variant_title);
  const sku =
    present(line.sku) ??
    (line.variant_id != null ? `variant-${idText(line.variant_id)}` : undefined) ??
    (line.product_id != null ? `product-${idText(line.product_id)}` : undefined) ??
    present(line.key) ??
    '';
  return {
    sku,
    title: variant ? `${line.title.trim()} (${variant})` : line.title,
    quantity: line.quantity,
    price: line.price,
  };
}

/** The shopper's first name, where the checkout has one (customer, then billing, then shipping). */
function firstNameOf(checkout: Checkout): { firstName?: string } {
  const name =
    present(checkout.customer?.first_name) ??
    present(checkout.billing_address?.first_name) ??
    present(checkout.shipping_address?.first_name);
  return name ? { firstName: firstNameText(name) } : {};
}

function orderEvent(delivery: ShopifyDelivery, eventId: string): Translation {
  const parsed = orderSchema.safeParse(delivery.body);
  if (!parsed.success) return invalidPayload(parsed.error);
  const order = parsed.data;
  // The order's checkout is its cart; an order without one (a draft order, POS) still closes the
  // shopper's carts by email, on a cart of its own.
  const cartId =
    checkoutCartId(order.checkout_token, order.checkout_id) ?? `shopify:order:${idText(order.id)}`;
  const email = present(order.email) ?? present(order.contact_email) ?? present(order.customer?.email);
  return {
    kind: 'event',
    fields: ORDER_FIELDS,
    event: {
      id: eventId,
      type: 'cart.checked_out',
      occurredAt: present(order.created_at) ?? present(delivery.triggeredAt) ?? '',
      cart: { id: cartId, ...(email ? { email } : {}) },
    },
  };
}
