/**
 * `npm run demo -- --stores`: one sample delivery per store platform, built from the documented
 * payloads the tests use (test/events/<platform>/) and signed exactly as each platform signs, posted to
 * the running local stack; then, once their reminders are in the mail viewer, each platform's order
 * event (a pending Shopify order, a WooCommerce order on hold, an unpaid Stripe session), which closes
 * the cart.
 */
import Stripe from 'stripe';
import shopifyCheckout from '../../test/events/shopify/checkouts-update.json' with { type: 'json' };
import shopifyOrder from '../../test/events/shopify/orders-create-pending.json' with { type: 'json' };
import stripeExpired from '../../test/events/stripe/checkout-session-expired.json' with { type: 'json' };
import stripeLineItems from '../../test/events/stripe/line-items.json' with { type: 'json' };
import wooCartEvent from '../../test/events/woocommerce/cart-event.json' with { type: 'json' };
import wooOrderCreated from '../../test/events/woocommerce/order-created-on-hold.json' with { type: 'json' };
import { signatureHeader } from '../domain/request-signature.js';
import { base64Hmac } from '../storefronts/translation.js';
import { viewedEmails } from './mail-viewer.js';
import type { LocalSecrets } from './start.js';

const MINUTE = 60_000;
const shopifyTime = (at: Date) => `${at.toISOString().slice(0, 19)}+00:00`;
const minutesAgo = (now: Date, minutes: number) => new Date(now.getTime() - minutes * MINUTE);

interface Sample {
  platform: 'shopify' | 'woocommerce' | 'stripe';
  email: string;
  body: string;
  headers: Record<string, string>;
}

const shopify = (secret: string, topic: string, payload: unknown, eventId: string): Sample['headers'] => {
  const body = JSON.stringify(payload);
  return {
    'content-type': 'application/json',
    'x-shopify-topic': topic,
    'x-shopify-event-id': eventId,
    'x-shopify-triggered-at': new Date().toISOString(),
    'x-shopify-hmac-sha256': base64Hmac(secret, body),
  };
};
const stripe = (secret: string, body: string): Sample['headers'] => ({
  'content-type': 'application/json; charset=utf-8',
  'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload: body, secret }),
});

/**
 * Each platform's cart (last touched long enough ago that its reminder is due) and its order. Every
 * address and id carries `run`: a shopper reminded on an earlier run would be held back by the
 * frequency cap, and the mail viewer still holds that run's emails, which must not pass for this one's.
 */
export async function samples(secrets: LocalSecrets, zone: string, run: string, now: Date) {
  const checkout = structuredClone(shopifyCheckout);
  Object.assign(checkout, {
    token: `demo-${run}`,
    email: `ada.shopify+${run}@example.com`,
    updated_at: shopifyTime(minutesAgo(now, 180)),
    abandoned_checkout_url: `https://acme.myshopify.com/548380009/checkouts/demo-${run}/recover?key=demo`,
  });
  checkout.customer.email = checkout.email;
  const order = structuredClone(shopifyOrder);
  const wooCart = structuredClone(wooCartEvent);
  Object.assign(wooCart, { id: `wc-demo-${run}`, occurredAt: minutesAgo(now, 180).toISOString() });
  Object.assign(wooCart.cart, {
    id: `woocommerce:cart:demo-${run}`,
    email: `grace.woo+${run}@example.com`,
    timezone: zone,
  });
  const wooOrder = structuredClone(wooOrderCreated);
  const expired = structuredClone(stripeExpired);
  const sessionId = `cs_test_demo_${run}`;
  Object.assign(expired, {
    id: `evt_demo_${run}_1`,
    created: Math.floor(minutesAgo(now, 300).getTime() / 1000),
  });
  Object.assign(expired.data.object, { id: sessionId });
  expired.data.object.customer_details.email = `linus.stripe+${run}@example.com`;
  const carts: Sample[] = [
    { platform: 'shopify', email: checkout.email, body: JSON.stringify(checkout), headers: {} },
    { platform: 'woocommerce', email: wooCart.cart.email, body: JSON.stringify(wooCart), headers: {} },
    {
      platform: 'stripe',
      email: expired.data.object.customer_details.email,
      body: JSON.stringify(expired),
      headers: {},
    },
  ];
  const [s, w, t] = carts as [Sample, Sample, Sample];
  s.headers = shopify(secrets.shopify.clientSecret, 'checkouts/create', checkout, `demo-${run}-1`);
  w.headers = {
    'content-type': 'application/json',
    'cart-recovery-signature': signatureHeader(
      secrets.woocommerce.webhookSecret,
      w.body,
      Math.floor(now.getTime() / 1000),
    ),
  };
  t.headers = stripe(secrets.stripe.webhookSecret, t.body);

  const orders = () => {
    const at = new Date();
    Object.assign(order, {
      checkout_token: `demo-${run}`,
      email: s.email,
      contact_email: s.email,
      created_at: shopifyTime(at),
    });
    order.customer.email = s.email;
    Object.assign(wooOrder, { id: Number(run.slice(-6)), date_created_gmt: at.toISOString().slice(0, 19) });
    wooOrder.billing.email = w.email;
    const completed = structuredClone(expired);
    Object.assign(completed, {
      id: `evt_demo_${run}_2`,
      type: 'checkout.session.completed',
      created: Math.floor(at.getTime() / 1000),
    });
    Object.assign(completed.data.object, {
      id: `${sessionId}_paid`,
      recovered_from: sessionId,
      status: 'complete',
    });
    const wooBody = JSON.stringify(wooOrder);
    const completedBody = JSON.stringify(completed);
    return [
      {
        ...s,
        body: JSON.stringify(order),
        headers: shopify(secrets.shopify.clientSecret, 'orders/create', order, `demo-${run}-2`),
      },
      {
        ...w,
        body: wooBody,
        headers: {
          'content-type': 'application/json',
          'x-wc-webhook-topic': 'order.created',
          'x-wc-webhook-delivery-id': `demo-${run}`,
          'x-wc-webhook-signature': base64Hmac(secrets.woocommerce.webhookSecret, wooBody),
        },
      },
      { ...t, body: completedBody, headers: stripe(secrets.stripe.webhookSecret, completedBody) },
    ];
  };
  return { carts, orders, sessionId };
}

/** Posts the platforms' samples, waits for their reminders, then posts their orders. */
export async function demoStores(options: {
  url: string;
  mail: string;
  stripeApi: string;
  secrets: LocalSecrets;
  zone: string;
}): Promise<void> {
  const now = new Date();
  const run = now.getTime().toString();
  const { carts, orders, sessionId } = await samples(options.secrets, options.zone, run, now);
  const items = stripeLineItems;
  await fetch(`${options.stripeApi}/local/sessions/${sessionId}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ lineItems: items }),
  }).catch(() => {
    throw new Error(`cannot reach the local Stripe API at ${options.stripeApi} (--stripe-api)`);
  });
  const post = async (sample: Sample) => {
    const response = await fetch(`${options.url}/webhook/${sample.platform}`, {
      method: 'POST',
      headers: sample.headers,
      body: sample.body,
    });
    const answer = (await response.json()) as Record<string, unknown>;
    console.log(
      `  ${sample.platform.padEnd(12)} ${response.status} ${answer.status ?? answer.error} ${answer.cartId ?? ''} ${answer.outcome ?? answer.message ?? ''}`,
    );
  };
  console.log(
    `Posting one cart per store platform to ${options.url}/webhook/<platform>, signed as each platform signs:`,
  );
  for (const sample of carts) await post(sample);
  console.log('Watching the mail viewer for their reminders…');
  const deadline = Date.now() + 60_000;
  const waiting = new Set(carts.map((c) => c.email));
  while (waiting.size > 0 && Date.now() < deadline) {
    for (const email of await viewedEmails(options.mail))
      for (const to of email.destination.to)
        if (waiting.delete(to.toLowerCase())) console.log(`  arrived: "${email.subject}" to ${to}`);
    if (waiting.size > 0) await new Promise((r) => setTimeout(r, 1000));
  }
  if (waiting.size > 0)
    console.log(
      `  not yet for ${[...waiting].join(', ')}: Shopify and Stripe send no shopper time zone, so their reminders keep the quiet hours of the store's zone (rules: store.timezone); otherwise check the "npm start" window`,
    );
  await new Promise((r) => setTimeout(r, 1500));
  console.log(
    'Now each platform’s order (a pending Shopify order, a WooCommerce order on hold, an unpaid Stripe session):',
  );
  for (const sample of orders()) await post(sample);
  console.log(
    `\nOpen ${options.mail} to read the reminders. Each cart is closed: recovered if its reminder went first, else purchased.`,
  );
}
