/**
 * Each store platform end to end on the local stack, over HTTP: a delivery signed exactly as the
 * platform signs it becomes a stored cart and a reminder in the mail viewer, and the platform's order
 * event (pending, on hold, unpaid: the shopper ordered) closes the cart and the shopper's other carts.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbCartStore } from '#engine/adapters/dynamodb-cart-store.js';
import { documentClient, tableNames } from '#engine/adapters/dynamodb-tables.js';
import { publishRules } from '#engine/adapters/s3-rules-publisher.js';
import { signatureHeader } from '#engine/domain/request-signature.js';
import { type LocalStack, startLocalStack, storefrontBanner } from '#engine/local/start.js';
import type { StripeLineItemObject } from '#engine/local/stripe-server.js';
import lineItemsFixture from '#test/events/stripe/line-items.json' with { type: 'json' };
import {
  type Delivery,
  shopifyCheckoutPayload,
  shopifyDelivery,
  shopifyOrderPayload,
  stripeCompletedPayload,
  stripeDelivery,
  stripeExpiredPayload,
  wooCartEvent,
  wooCommerceDelivery,
  wooOrderPayload,
} from '#test/fakes/storefront-deliveries.js';
import { daytimeZone, waitFor } from '#test/fakes/storefront-events.js';
import type { StoredEmail } from '#test/peers/ses-local.js';

describe('store platforms, end to end on the local stack', () => {
  let stack: LocalStack;
  let dataDir: string;
  let carts: DynamoDbCartStore;

  const post = async (platform: string, delivery: Delivery) => {
    const response = await fetch(`${stack.url}/webhook/${platform}`, {
      method: 'POST',
      headers: delivery.headers,
      body: delivery.body,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const reminderTo = (address: string) =>
    waitFor(`the reminder to ${address}`, async () => {
      await stack.fireDue();
      return ((await stack.sesStore()) as StoredEmail[]).find((e) =>
        e.destination.to.some((to) => to.toLowerCase().includes(address)),
      );
    });
  /**
   * Waits until the cart records its reminder as sent, then a second more: the platforms' order times
   * have whole seconds, and an order placed after the reminder makes the cart `recovered`.
   */
  const reminderRecorded = async (cartId: string) => {
    await waitFor(`reminder 1 of ${cartId} recorded as sent`, async () =>
      (await carts.get(cartId))?.reminders[0]?.state === 'sent' ? true : undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, 1100));
  };
  const statusOf = async (cartId: string) => (await carts.get(cartId))?.status;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cr-stores-'));
    stack = await startLocalStack({ port: 0, sesPort: 0, dataDir, quiet: true });
    // Shopify and Stripe send no shopper time zone: the store's own must be in daytime for the test.
    const yaml = (await readFile(new URL('../../../examples/rules.yaml', import.meta.url), 'utf8')).replace(
      'timezone: America/New_York',
      `timezone: ${daytimeZone()}`,
    );
    await publishRules(
      new S3Client({
        endpoint: process.env.AWS_ENDPOINT_URL_S3,
        forcePathStyle: true,
        requestChecksumCalculation: 'WHEN_REQUIRED',
      }),
      'cart-recovery-rules',
      yaml,
    );
    const doc = documentClient(new DynamoDBClient({ endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB }));
    carts = new DynamoDbCartStore({ client: doc, tableName: tableNames('cr-').carts });
  });

  afterAll(async () => {
    await stack?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('prints each platform path and its local secret, as the README shows', () => {
    const banner = storefrontBanner(stack);

    expect(banner).toContain(`  Shopify        POST ${stack.url}/webhook/shopify\n`);
    expect(banner).toContain(`  WooCommerce    POST ${stack.url}/webhook/woocommerce\n`);
    expect(banner).toContain(`  Stripe         POST ${stack.url}/webhook/stripe\n`);
    expect(banner).toContain(`  Shopify secret ${stack.secrets.shopify.clientSecret}\n`);
    expect(banner).toContain(`  WooCommerce secret ${stack.secrets.woocommerce.webhookSecret}\n`);
    expect(banner).toMatch(/ {2}Stripe secret whsec_[A-Za-z0-9_-]{32}\n/);
  });

  it('Shopify: a signed checkout becomes a reminder; a pending order closes it and the shopper’s newer checkout', async () => {
    const secret = stack.secrets.shopify.clientSecret;
    const email = 'ada.shopify@example.com';
    const first = await post(
      'shopify',
      shopifyDelivery(
        secret,
        'checkouts/create',
        shopifyCheckoutPayload({ token: 'e2e-tok-1', email, minutesAgo: 180 }),
        {
          eventId: 'e2e-shopify-1',
        },
      ),
    );
    const reminder = await reminderTo(email);
    await reminderRecorded('shopify:e2e-tok-1');
    const second = await post(
      'shopify',
      shopifyDelivery(
        secret,
        'checkouts/update',
        shopifyCheckoutPayload({ token: 'e2e-tok-2', email, minutesAgo: 20 }),
        {
          eventId: 'e2e-shopify-2',
        },
      ),
    );

    const order = await post(
      'shopify',
      shopifyDelivery(
        secret,
        'orders/create',
        shopifyOrderPayload({ token: 'e2e-tok-1', email, minutesAgo: 0 }),
        {
          eventId: 'e2e-shopify-3',
        },
      ),
    );

    expect(first).toMatchObject({ status: 202, body: { cartId: 'shopify:e2e-tok-1', outcome: 'created' } });
    expect(reminder.body.html).toContain('Trail Runner Shoes (42 / Slate)');
    expect(reminder.body.html).toContain('/checkouts/e2e-tok-1/recover?key=');
    expect(second.status).toBe(202);
    expect(order).toMatchObject({
      status: 202,
      body: { cartId: 'shopify:e2e-tok-1', outcome: 'checked_out' },
    });
    expect(await statusOf('shopify:e2e-tok-1')).toBe('recovered');
    expect(await statusOf('shopify:e2e-tok-2')).toBe('purchased');
  });

  it('WooCommerce: the ping is answered, the snippet’s cart becomes a reminder, an order on hold closes it', async () => {
    const secret = stack.secrets.woocommerce.webhookSecret;
    const email = 'grace.woo@example.com';
    const ping = await fetch(`${stack.url}/webhook/woocommerce`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'webhook_id=12',
    });
    const body = JSON.stringify(
      wooCartEvent({
        cartId: 'woocommerce:cart:e2e',
        eventId: 'e2e-wc-1',
        email,
        minutesAgo: 180,
        timezone: daytimeZone(),
      }),
    );
    const cart = await post('woocommerce', {
      body,
      headers: {
        'content-type': 'application/json',
        'cart-recovery-signature': signatureHeader(secret, body, Math.floor(Date.now() / 1000)),
      },
    });
    const reminder = await reminderTo(email);
    await reminderRecorded('woocommerce:cart:e2e');

    const order = await post(
      'woocommerce',
      wooCommerceDelivery(
        secret,
        'order.created',
        wooOrderPayload({ id: 9001, email, status: 'on-hold', minutesAgo: 0 }),
        'e2e-wc-d1',
      ),
    );

    expect(ping.status).toBe(200);
    expect(cart).toMatchObject({ status: 202, body: { cartId: 'woocommerce:cart:e2e' } });
    expect(reminder.body.html).toContain('Heavyweight hoodie');
    expect(order).toMatchObject({
      status: 202,
      body: { cartId: 'woocommerce:order:9001', outcome: 'checked_out' },
    });
    expect(await statusOf('woocommerce:cart:e2e')).toBe('recovered');
  });

  it('Stripe: an expired session with a recovery URL becomes a reminder; the recovered session, unpaid, closes it', async () => {
    const secret = stack.secrets.stripe.webhookSecret;
    const email = 'linus.stripe@example.com';
    stack.stripe.setSession('cs_e2e_1', lineItemsFixture as StripeLineItemObject[]);
    const expired = await post(
      'stripe',
      stripeDelivery(
        secret,
        stripeExpiredPayload({ eventId: 'evt_e2e_1', sessionId: 'cs_e2e_1', email, minutesAgo: 300 }),
      ),
    );
    const reminder = await reminderTo(email);
    await reminderRecorded('stripe:cs_e2e_1');

    const completed = await post(
      'stripe',
      stripeDelivery(
        secret,
        stripeCompletedPayload({
          eventId: 'evt_e2e_2',
          sessionId: 'cs_e2e_2',
          recoveredFrom: 'cs_e2e_1',
          email,
          minutesAgo: 0,
        }),
      ),
    );

    expect(expired).toMatchObject({ status: 202, body: { cartId: 'stripe:cs_e2e_1' } });
    expect(reminder.body.html).toContain('Enamel mug');
    expect(reminder.body.html).toContain('https://buy.stripe.com/r/test_eVa4gH8mQ2cE1pK7ss');
    expect(completed).toMatchObject({
      status: 202,
      body: { cartId: 'stripe:cs_e2e_1', outcome: 'checked_out' },
    });
    expect(await statusOf('stripe:cs_e2e_1')).toBe('recovered');
  });

  it.each([
    [
      'shopify',
      () => shopifyDelivery('shpss_wrong_0123456789abcdef', 'checkouts/create', { id: 1 }, { eventId: 'x' }),
    ],
    ['woocommerce', () => wooCommerceDelivery('wrong_secret_0123456789', 'order.created', { id: 1 }, 'x')],
    ['stripe', () => stripeDelivery('whsec_wrong_0123456789abcdef', { id: 'evt_x' })],
  ])('%s: a bad signature is refused with 401', async (platform, delivery) => {
    expect((await post(platform, delivery())).status).toBe(401);
  });

  it('answers unknown topics 200 ignored and a malformed body 400 naming the field', async () => {
    const { shopify, woocommerce, stripe } = stack.secrets;

    const topic = await post(
      'shopify',
      shopifyDelivery(shopify.clientSecret, 'customers/update', { id: 1 }, { eventId: 'u1' }),
    );
    const wooTopic = await post(
      'woocommerce',
      wooCommerceDelivery(woocommerce.webhookSecret, 'product.updated', { id: 1 }, 'u2'),
    );
    const stripeType = await post(
      'stripe',
      stripeDelivery(stripe.webhookSecret, {
        id: 'evt_u3',
        type: 'charge.refunded',
        created: 1,
        data: { object: {} },
      }),
    );
    const malformed = await post(
      'shopify',
      shopifyDelivery(
        shopify.clientSecret,
        'checkouts/update',
        {
          ...shopifyCheckoutPayload({ token: 't', email: 'x@example.com', minutesAgo: 5 }),
          total_price: true,
        },
        { eventId: 'm1' },
      ),
    );

    expect(topic).toMatchObject({ status: 200, body: { status: 'ignored' } });
    expect(wooTopic).toMatchObject({ status: 200, body: { status: 'ignored' } });
    expect(stripeType).toMatchObject({ status: 200, body: { status: 'ignored' } });
    expect(malformed).toMatchObject({
      status: 400,
      body: { errors: [{ path: 'total_price', message: 'must be an amount such as "42.50"' }] },
    });
  });
});
