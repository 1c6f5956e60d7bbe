/**
 * Deliveries signed exactly as Shopify, WooCommerce and Stripe sign theirs, built from the fixtures
 * under test/events/<platform>/ (copied, never changed in place).
 */
import Stripe from 'stripe';
import { base64Hmac } from '#engine/storefronts/translation.js';
import shopifyCheckout from '#test/events/shopify/checkouts-update.json' with { type: 'json' };
import shopifyOrder from '#test/events/shopify/orders-create-pending.json' with { type: 'json' };
import stripeCompleted from '#test/events/stripe/checkout-session-completed-unpaid.json' with {
  type: 'json',
};
import stripeExpired from '#test/events/stripe/checkout-session-expired.json' with { type: 'json' };
import wooCart from '#test/events/woocommerce/cart-event.json' with { type: 'json' };
import wooOrder from '#test/events/woocommerce/order-created-on-hold.json' with { type: 'json' };

const MINUTE = 60_000;
const ago = (now: Date, minutes: number) => new Date(now.getTime() - minutes * MINUTE);
/** Shopify's times: seconds, with the shop's offset (UTC here). */
const shopifyTime = (at: Date) => `${at.toISOString().slice(0, 19)}+00:00`;
/** WooCommerce's `_gmt` times: seconds, no offset. */
const wooGmt = (at: Date) => at.toISOString().slice(0, 19);

export interface Delivery {
  body: string;
  headers: Record<string, string>;
}

/** A Shopify delivery: `X-Shopify-Hmac-Sha256` is the base64 HMAC-SHA256 of the raw body. */
export function shopifyDelivery(
  secret: string,
  topic: string,
  payload: unknown,
  ids: { eventId?: string; webhookId?: string; triggeredAt?: Date } = {},
): Delivery {
  const body = JSON.stringify(payload);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': topic,
      'x-shopify-hmac-sha256': base64Hmac(secret, body),
      'x-shopify-shop-domain': 'acme.myshopify.com',
      'x-shopify-api-version': '2025-10',
      ...(ids.webhookId === undefined ? {} : { 'x-shopify-webhook-id': ids.webhookId }),
      ...(ids.eventId === undefined ? {} : { 'x-shopify-event-id': ids.eventId }),
      'x-shopify-triggered-at': (ids.triggeredAt ?? new Date()).toISOString(),
    },
  };
}

/** A WooCommerce delivery: `X-WC-Webhook-Signature` is the base64 HMAC-SHA256 of the raw body. */
export function wooCommerceDelivery(
  secret: string,
  topic: string,
  payload: unknown,
  deliveryId: string,
): Delivery {
  const body = JSON.stringify(payload);
  const [resource, event] = topic.split('.');
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'WooCommerce/9.4.0 Hookshot (WordPress/6.7)',
      'x-wc-webhook-source': 'https://shop.example.com/',
      'x-wc-webhook-topic': topic,
      'x-wc-webhook-resource': resource ?? '',
      'x-wc-webhook-event': event ?? '',
      'x-wc-webhook-signature': base64Hmac(secret, body),
      'x-wc-webhook-id': '12',
      'x-wc-webhook-delivery-id': deliveryId,
    },
  };
}

/** A Stripe delivery, its `Stripe-Signature` made by the official package's test helper. */
export function stripeDelivery(secret: string, payload: unknown, at: Date = new Date()): Delivery {
  const body = JSON.stringify(payload);
  return {
    body,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
      'stripe-signature': Stripe.webhooks.generateTestHeaderString({
        payload: body,
        secret,
        timestamp: Math.floor(at.getTime() / 1000),
      }),
    },
  };
}

/** The Shopify checkout fixture for one shopper, last updated `minutesAgo`. */
export function shopifyCheckoutPayload(o: { token: string; email: string; minutesAgo: number; now?: Date }) {
  const checkout = structuredClone(shopifyCheckout);
  const now = o.now ?? new Date();
  checkout.token = o.token;
  checkout.email = o.email;
  checkout.customer.email = o.email;
  checkout.created_at = shopifyTime(ago(now, o.minutesAgo + 20));
  checkout.updated_at = shopifyTime(ago(now, o.minutesAgo));
  checkout.abandoned_checkout_url = `https://acme.myshopify.com/548380009/checkouts/${o.token}/recover?key=k${o.token.slice(0, 8)}`;
  return checkout;
}

/** The Shopify pending order fixture, for the checkout `token`, created `minutesAgo`. */
export function shopifyOrderPayload(o: {
  token: string | null;
  email: string;
  minutesAgo: number;
  now?: Date;
}) {
  const order = structuredClone(shopifyOrder) as Omit<
    typeof shopifyOrder,
    'checkout_token' | 'checkout_id'
  > & {
    checkout_token: string | null;
    checkout_id: number | null;
  };
  const now = o.now ?? new Date();
  order.checkout_token = o.token;
  if (o.token === null) order.checkout_id = null;
  order.email = o.email;
  order.contact_email = o.email;
  order.created_at = shopifyTime(ago(now, o.minutesAgo));
  order.processed_at = order.created_at;
  return order;
}

/** The WooCommerce order fixture (on hold: awaiting a bank transfer), created `minutesAgo`. */
export function wooOrderPayload(o: {
  id: number;
  email: string;
  status?: string;
  minutesAgo: number;
  now?: Date;
}) {
  const order = structuredClone(wooOrder);
  const now = o.now ?? new Date();
  order.id = o.id;
  order.status = o.status ?? 'on-hold';
  order.billing.email = o.email;
  order.date_created_gmt = wooGmt(ago(now, o.minutesAgo));
  order.date_modified_gmt = order.date_created_gmt;
  return order;
}

/** The cart event the WooCommerce snippet posts, for one shopper, last touched `minutesAgo`. */
export function wooCartEvent(o: {
  cartId: string;
  eventId: string;
  email: string;
  minutesAgo: number;
  timezone?: string;
  now?: Date;
}) {
  const event = structuredClone(wooCart) as typeof wooCart & { cart: { timezone?: string } };
  const now = o.now ?? new Date();
  event.id = o.eventId;
  event.occurredAt = ago(now, o.minutesAgo).toISOString();
  event.cart.id = o.cartId;
  event.cart.email = o.email;
  if (o.timezone) event.cart.timezone = o.timezone;
  return event;
}

/** The Stripe expired-session event, for `sessionId`, expired `minutesAgo`. */
export function stripeExpiredPayload(o: {
  eventId: string;
  sessionId: string;
  email: string;
  minutesAgo: number;
  now?: Date;
}) {
  const event = structuredClone(stripeExpired);
  const now = o.now ?? new Date();
  event.id = o.eventId;
  event.created = Math.floor(ago(now, o.minutesAgo).getTime() / 1000);
  event.data.object.id = o.sessionId;
  event.data.object.customer_details.email = o.email;
  event.data.object.expires_at = event.created;
  return event;
}

/** The Stripe completed-session event (unpaid: a bank transfer to come), recovering `recoveredFrom`. */
export function stripeCompletedPayload(o: {
  eventId: string;
  sessionId: string;
  recoveredFrom: string | null;
  email: string;
  minutesAgo: number;
  now?: Date;
}) {
  const event = structuredClone(stripeCompleted);
  const now = o.now ?? new Date();
  event.id = o.eventId;
  event.created = Math.floor(ago(now, o.minutesAgo).getTime() / 1000);
  event.data.object.id = o.sessionId;
  Object.assign(event.data.object, { recovered_from: o.recoveredFrom });
  event.data.object.customer_details.email = o.email;
  return event;
}
