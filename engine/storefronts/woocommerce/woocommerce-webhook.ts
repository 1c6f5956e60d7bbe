/**
 * WooCommerce's webhooks, as WooCommerce sends them, translated into our one cart event. Pure: the
 * handler verifies `X-WC-Webhook-Signature` and passes the headers and the parsed body here.
 *
 * - The ping WooCommerce sends when a webhook is saved (`webhook_id=N`, form-encoded, unsigned): 200,
 *   or WooCommerce refuses to save the webhook.
 * - `order.created`, `order.updated`: a checkout by the billing email, for every status but `failed`,
 *   `cancelled` and `checkout-draft` (`pending` and `on-hold` count: the shopper ordered, and pays by
 *   bank transfer, cheque or cash on delivery later).
 * - Any other topic: ignored.
 * WooCommerce has no cart webhook: the store's snippet (docs/storefronts/woocommerce.md) posts our own
 * signed cart event to the same path.
 */
import * as z from 'zod';
import { type FieldNames, idText, invalidPayload, type Translation } from '../translation.js';

export const WOOCOMMERCE_HEADERS = {
  signature: 'x-wc-webhook-signature',
  topic: 'x-wc-webhook-topic',
  /** A new id per delivery (a hash of the webhook id and the time): what a repeated delivery shares. */
  deliveryId: 'x-wc-webhook-delivery-id',
} as const;

/** Order statuses that are not a purchase; every other status is (the shopper placed the order). */
export const NOT_PURCHASED_STATUSES: ReadonlySet<string> = new Set(['failed', 'cancelled', 'checkout-draft']);

/** One WooCommerce delivery, its signature already checked. */
export interface WooCommerceDelivery {
  topic: string | undefined;
  deliveryId: string | undefined;
  body: unknown;
}

/** Whether a body is WooCommerce's webhook ping: exactly `webhook_id=<digits>`. */
export function isWooCommercePing(rawBody: Buffer): boolean {
  return /^webhook_id=\d{1,20}$/.test(rawBody.toString('latin1').trim());
}

const optionalText = z.string({ error: 'must be text' }).nullish();
// WooCommerce's REST dates: site-local and GMT, without an offset ("2026-06-10T14:00:00").
const gmtDate = z
  .string({ error: 'must be a date such as "2026-06-10T14:00:00"' })
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/, { error: 'must be a date such as "2026-06-10T14:00:00"' })
  .nullish();

const orderSchema = z.object(
  {
    id: z.union([z.number().int(), z.string().trim().min(1)], { error: 'must be the order id (a number)' }),
    status: z.string({ error: 'is required: the order status' }),
    date_created_gmt: gmtDate,
    date_modified_gmt: gmtDate,
    billing: z.object({ email: optionalText }, { error: 'must be an object' }).nullish(),
  },
  { error: 'the order must be a JSON object' },
);

const ORDER_FIELDS: FieldNames = {
  id: 'X-WC-Webhook-Delivery-ID',
  occurredAt: 'date_created_gmt',
  'cart.email': 'billing.email',
  'cart.id': 'id',
};

/**
 * Translates one verified WooCommerce delivery into our cart event, or says why not.
 * @example wooCommerceCartEvent({ topic: 'order.created', deliveryId: '…', body: order })
 */
export function wooCommerceCartEvent(delivery: WooCommerceDelivery): Translation {
  const topic = delivery.topic?.trim();
  if (topic !== 'order.created' && topic !== 'order.updated')
    return { kind: 'ignored', reason: `the topic ${topic ? `"${topic}"` : '(none)'} is not one we use` };
  const deliveryId = delivery.deliveryId?.trim();
  if (!deliveryId)
    return { kind: 'invalid', errors: [{ path: 'X-WC-Webhook-Delivery-ID', message: 'is missing' }] };
  const parsed = orderSchema.safeParse(delivery.body);
  if (!parsed.success) return invalidPayload(parsed.error);
  const order = parsed.data;
  if (NOT_PURCHASED_STATUSES.has(order.status))
    return { kind: 'ignored', reason: `an order with status "${order.status}" is not a purchase` };
  const email = order.billing?.email?.trim();
  if (!email) return { kind: 'ignored', reason: 'the order has no billing email to match carts by' };
  const created = order.date_created_gmt ?? order.date_modified_gmt;
  return {
    kind: 'event',
    fields: ORDER_FIELDS,
    event: {
      id: `woocommerce:${deliveryId}`,
      type: 'cart.checked_out',
      occurredAt: created ? `${created}Z` : '',
      cart: { id: `woocommerce:order:${idText(order.id)}`, email },
    },
  };
}
