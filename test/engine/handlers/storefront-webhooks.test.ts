import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type MemoryEngine, memoryEngine } from '#engine/adapters/memory/memory-engine.js';
import { StripeLineItems } from '#engine/adapters/stripe-line-items.js';
import { signatureHeader } from '#engine/domain/request-signature.js';
import type { WebhookContext } from '#engine/handlers/aws-context.js';
import { handleWebhook } from '#engine/handlers/webhook.handler.js';
import {
  type LocalStripe,
  type StripeLineItemObject,
  startLocalStripe,
} from '#engine/local/stripe-server.js';
import { base64Hmac } from '#engine/storefronts/translation.js';
import webhookPost from '#test/events/function-url/webhook-post.json' with { type: 'json' };
import lineItemsFixture from '#test/events/stripe/line-items.json' with { type: 'json' };
import { answer, functionUrlEvent } from '#test/fakes/function-url-event.js';
import { RecordingLogger } from '#test/fakes/recording-logger.js';
import { sampleRules } from '#test/fakes/sample-cart.js';
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

const NOW = new Date('2026-06-10T16:00:00Z');
const SHOPIFY = 'shpss_0123456789abcdef0123456789abcdef';
const WOO = 'wc_secret_0123456789abcdefghij';
const STRIPE = 'whsec_0123456789abcdef0123456789abcdef';
const STRIPE_KEY = 'rk_test_0123456789abcdefghijklmn';
const OURS = 'whsec_ours_0123456789abcdef';
const LINE_ITEMS = lineItemsFixture as StripeLineItemObject[];

describe('storefront webhooks (handleWebhook on /webhook/<platform>)', () => {
  let engine: MemoryEngine;
  let log: RecordingLogger;
  let ctx: WebhookContext;
  let stripeApi: LocalStripe;

  const post = async (platform: string, delivery: Delivery, change: { method?: string } = {}) =>
    answer(
      await handleWebhook(
        ctx,
        functionUrlEvent(webhookPost, {
          path: `/webhook/${platform}`,
          body: delivery.body,
          headers: { 'cart-recovery-signature': undefined, ...delivery.headers },
          ...change,
        }),
      ),
    );

  beforeAll(async () => {
    stripeApi = await startLocalStripe({ apiKey: STRIPE_KEY });
  });
  afterAll(async () => {
    await stripeApi?.stop();
  });

  beforeEach(() => {
    log = new RecordingLogger();
    engine = memoryEngine({ rules: sampleRules(), start: NOW, log });
    ctx = {
      deps: engine.deps,
      secrets: [OURS],
      storefronts: {
        shopify: [SHOPIFY],
        woocommerce: [WOO],
        stripe: {
          webhookSecrets: [STRIPE],
          lineItems: new StripeLineItems({ restrictedKey: STRIPE_KEY, apiUrl: stripeApi.endpoint }),
        },
      },
    };
  });

  describe('Shopify', () => {
    const checkout = (eventId: string, minutesAgo: number, token = 'tok-1') =>
      shopifyDelivery(
        SHOPIFY,
        'checkouts/update',
        shopifyCheckoutPayload({ token, email: 'Ada@Example.com', minutesAgo, now: NOW }),
        { eventId, triggeredAt: NOW },
      );

    it('stores a signed checkout as a cart, in our terms, and answers 202', async () => {
      const result = await post('shopify', checkout('ev-1', 120));

      expect(result.status).toBe(202);
      expect(result.json).toEqual({
        status: 'accepted',
        eventId: 'shopify:checkouts/update:ev-1',
        cartId: 'shopify:tok-1',
        outcome: 'created',
      });
      expect((await engine.carts.get('shopify:tok-1'))?.snapshot).toMatchObject({
        email: 'Ada@Example.com',
        firstName: 'Ada',
        total: '178.50',
        returnUrl: expect.stringContaining('/checkouts/tok-1/recover'),
      });
      expect(engine.scheduler.size).toBe(1);
    });

    it('answers a redelivery of the same event 200 duplicate, and never lets an older snapshot overwrite a newer one', async () => {
      await post('shopify', checkout('ev-2', 30));
      const duplicate = await post('shopify', checkout('ev-2', 30));
      const older = structuredClone(
        shopifyCheckoutPayload({ token: 'tok-1', email: 'Ada@Example.com', minutesAgo: 90, now: NOW }),
      );
      older.line_items = older.line_items.slice(0, 1);
      older.total_price = '129.00';

      const stale = await post(
        'shopify',
        shopifyDelivery(SHOPIFY, 'checkouts/update', older, { eventId: 'ev-1' }),
      );

      expect(duplicate.status).toBe(200);
      expect(duplicate.json).toMatchObject({ status: 'duplicate' });
      expect(stale.json).toMatchObject({ status: 'accepted', outcome: 'stale' });
      expect((await engine.carts.get('shopify:tok-1'))?.snapshot?.total).toBe('178.50');
    });

    it('closes the cart on a pending order (awaiting a bank deposit), and the shopper’s other carts by email', async () => {
      await post('shopify', checkout('ev-1', 120, 'tok-1'));
      await post('shopify', checkout('ev-2', 100, 'tok-2'));

      const order = await post(
        'shopify',
        shopifyDelivery(
          SHOPIFY,
          'orders/create',
          shopifyOrderPayload({ token: 'tok-1', email: 'ada@example.com', minutesAgo: 10, now: NOW }),
          {
            eventId: 'ev-3',
          },
        ),
      );

      expect(order.status).toBe(202);
      expect(order.json).toMatchObject({ cartId: 'shopify:tok-1', outcome: 'checked_out' });
      expect((await engine.carts.get('shopify:tok-1'))?.status).toBe('purchased');
      expect((await engine.carts.get('shopify:tok-2'))?.status).toBe('purchased');
    });

    it('refuses a bad or missing signature with 401, and stores nothing', async () => {
      const forged = shopifyDelivery(
        'shpss_not_the_secret_0123456789',
        'checkouts/update',
        { id: 1 },
        { eventId: 'x' },
      );
      const unsigned = checkout('ev-1', 10);
      delete unsigned.headers['x-shopify-hmac-sha256'];

      expect((await post('shopify', forged)).status).toBe(401);
      expect((await post('shopify', unsigned)).json).toMatchObject({ error: 'bad_signature' });
      expect(engine.carts.size).toBe(0);
    });

    it('answers 200 ignored for a topic it does not use, and logs it', async () => {
      const result = await post(
        'shopify',
        shopifyDelivery(SHOPIFY, 'products/update', { id: 1 }, { eventId: 'x' }),
      );

      expect(result.status).toBe(200);
      expect(result.json).toEqual({
        status: 'ignored',
        reason: 'the topic "products/update" is not one we use',
      });
      expect(log.at('info').map((c) => c.message)).toContain('storefront webhook ignored');
    });

    it("answers a malformed body 400 naming Shopify's field, never 5xx", async () => {
      const noUrl = shopifyCheckoutPayload({
        token: 'tok-1',
        email: 'Ada@Example.com',
        minutesAgo: 10,
        now: NOW,
      });
      Object.assign(noUrl, {
        abandoned_checkout_url: 'not a link',
        line_items: [{ ...noUrl.line_items[0], quantity: 0 }],
      });
      const notJson: Delivery = {
        body: '{"id":',
        headers: shopifyDelivery(SHOPIFY, 'checkouts/update', {}).headers,
      };
      notJson.headers['x-shopify-hmac-sha256'] = base64Hmac(SHOPIFY, notJson.body);

      const invalid = await post(
        'shopify',
        shopifyDelivery(SHOPIFY, 'checkouts/update', noUrl, { eventId: 'e' }),
      );

      expect(invalid.status).toBe(400);
      expect(invalid.json?.errors).toEqual([
        { path: 'line_items[0].quantity', message: 'quantity must be a whole number of at least 1' },
        {
          path: 'abandoned_checkout_url',
          message: 'returnUrl must not contain spaces, line breaks, control or bidi characters',
        },
      ]);
      expect((await post('shopify', notJson)).json).toMatchObject({
        error: 'invalid_json',
        errors: [{ path: '', message: 'is not valid JSON' }],
      });
      expect(engine.carts.size).toBe(0);
    });

    it('refuses with 401 while no Shopify secret is set', async () => {
      ctx = { ...ctx, storefronts: {} };

      expect((await post('shopify', checkout('ev-1', 10))).json).toMatchObject({ error: 'not_connected' });
    });
  });

  describe('WooCommerce', () => {
    const snippetCart = (eventId: string, minutesAgo: number, secret = WOO) => {
      const event = wooCartEvent({
        cartId: 'woocommerce:cart:t_1',
        eventId,
        email: 'Grace@Example.com',
        minutesAgo,
        now: NOW,
      });
      const body = JSON.stringify(event);
      return {
        body,
        headers: {
          'content-type': 'application/json',
          'cart-recovery-signature': signatureHeader(secret, body, Math.floor(NOW.getTime() / 1000)),
        },
      };
    };
    const order = (status: string, deliveryId: string, minutesAgo = 5) =>
      wooCommerceDelivery(
        WOO,
        'order.created',
        wooOrderPayload({ id: 727, email: 'grace@example.com', status, minutesAgo, now: NOW }),
        deliveryId,
      );

    it("answers WooCommerce's unsigned ping 200, so the webhook can be saved", async () => {
      const result = await post('woocommerce', {
        body: 'webhook_id=12',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });

      expect(result.status).toBe(200);
      expect(engine.carts.size).toBe(0);
    });

    it('stores the snippet’s cart event signed with the WooCommerce secret, and refuses one signed with another', async () => {
      const stored = await post('woocommerce', snippetCart('wc-1', 120));
      const wrongSecret = await post('woocommerce', snippetCart('wc-2', 100, OURS));

      expect(stored.status).toBe(202);
      expect((await engine.carts.get('woocommerce:cart:t_1'))?.snapshot?.firstName).toBe('Grace');
      expect(wrongSecret.status).toBe(401);
    });

    it('closes the shopper’s cart on an order on hold (awaiting a bank transfer), by billing email', async () => {
      await post('woocommerce', snippetCart('wc-1', 120));

      const result = await post('woocommerce', order('on-hold', 'd-1'));
      const again = await post('woocommerce', order('on-hold', 'd-1'));

      expect(result.status).toBe(202);
      expect(result.json).toMatchObject({ cartId: 'woocommerce:order:727', outcome: 'checked_out' });
      expect((await engine.carts.get('woocommerce:cart:t_1'))?.status).toBe('purchased');
      expect(again.json).toMatchObject({ status: 'duplicate' });
    });

    it('leaves the cart open on a failed order, answering 200 ignored', async () => {
      await post('woocommerce', snippetCart('wc-1', 120));

      const result = await post('woocommerce', order('failed', 'd-2'));

      expect(result.json).toEqual({
        status: 'ignored',
        reason: 'an order with status "failed" is not a purchase',
      });
      expect((await engine.carts.get('woocommerce:cart:t_1'))?.status).toBe('open');
    });

    it('answers 200 ignored for a change to an order older than any cart, which WooCommerce must not retry', async () => {
      const old = order('completed', 'd-3', 60 * 24 * 60);

      expect((await post('woocommerce', old)).json).toMatchObject({ status: 'ignored' });
    });

    it.each([
      ['unreadable', { date_created_gmt: '2026-13-45T99:99:99' }],
      ['missing', { date_created_gmt: null, date_modified_gmt: null }],
    ])('names an %s order date with 400 instead of ignoring the order', async (_what, dates) => {
      const body = {
        ...wooOrderPayload({ id: 728, email: 'grace@example.com', minutesAgo: 5, now: NOW }),
        ...dates,
      };

      const result = await post('woocommerce', wooCommerceDelivery(WOO, 'order.created', body, 'd-6'));

      expect(result.status).toBe(400);
      expect(result.json?.errors).toEqual([
        {
          path: 'date_created_gmt',
          message: 'date_created_gmt must be an ISO-8601 time with an offset, such as "2026-06-10T14:00:00Z"',
        },
      ]);
    });

    it('refuses a delivery whose X-WC-Webhook-Signature does not match with 401', async () => {
      const forged = order('on-hold', 'd-4');
      forged.headers['x-wc-webhook-signature'] =
        forged.headers['x-wc-webhook-signature']?.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) ?? '';

      expect((await post('woocommerce', forged)).status).toBe(401);
    });

    it('names the order field that is wrong with 400', async () => {
      const body = {
        ...wooOrderPayload({ id: 727, email: 'grace@example.com', minutesAgo: 5, now: NOW }),
        status: null,
      };

      const result = await post('woocommerce', wooCommerceDelivery(WOO, 'order.created', body, 'd-5'));

      expect(result.status).toBe(400);
      expect(result.json?.errors).toEqual([{ path: 'status', message: 'is required: the order status' }]);
    });
  });

  describe('Stripe', () => {
    const expired = (eventId: string, sessionId: string, minutesAgo = 120) =>
      stripeExpiredPayload({ eventId, sessionId, email: 'Linus@Example.com', minutesAgo, now: NOW });

    it("stores an expired session with its line items, read through Stripe's API with the restricted key", async () => {
      stripeApi.setSession('cs_1', LINE_ITEMS);

      const result = await post('stripe', stripeDelivery(STRIPE, expired('evt_1', 'cs_1'), NOW));

      expect(result.status).toBe(202);
      expect((await engine.carts.get('stripe:cs_1'))?.snapshot).toMatchObject({
        total: '29.50',
        items: [
          { sku: 'prod_SaMug8EnAmEl', title: 'Enamel mug', quantity: 2, price: '9.75' },
          { sku: 'prod_SaBeAnS250g', title: 'Coffee beans, 250 g', quantity: 1, price: '10.00' },
        ],
        returnUrl: 'https://buy.stripe.com/r/test_eVa4gH8mQ2cE1pK7ss',
        marketingConsent: true,
      });
    });

    it('closes the cart when the recovered session completes, unpaid (a bank transfer to come)', async () => {
      stripeApi.setSession('cs_2', LINE_ITEMS);
      await post('stripe', stripeDelivery(STRIPE, expired('evt_2', 'cs_2'), NOW));

      const completed = stripeCompletedPayload({
        eventId: 'evt_3',
        sessionId: 'cs_3',
        recoveredFrom: 'cs_2',
        email: 'linus@example.com',
        minutesAgo: 1,
        now: NOW,
      });
      const result = await post('stripe', stripeDelivery(STRIPE, completed, NOW));

      expect(result.json).toMatchObject({
        status: 'accepted',
        cartId: 'stripe:cs_2',
        outcome: 'checked_out',
      });
      expect((await engine.carts.get('stripe:cs_2'))?.status).toBe('purchased');
    });

    it('skips an expired session without a recovery URL with 200, asking Stripe nothing', async () => {
      const event = expired('evt_4', 'cs_4');
      Object.assign(event.data.object, { after_expiration: { recovery: null } });

      const result = await post('stripe', stripeDelivery(STRIPE, event, NOW));

      expect(result.json).toMatchObject({ status: 'ignored' });
      expect(stripeApi.listed.cs_4).toBeUndefined();
    });

    it('refuses a bad signature, and one more than five minutes old or ahead, with 401', async () => {
      stripeApi.setSession('cs_5', LINE_ITEMS);
      const forged = stripeDelivery('whsec_not_the_secret_0123456789', expired('evt_5', 'cs_5'), NOW);
      const late = stripeDelivery(STRIPE, expired('evt_5', 'cs_5'), new Date(NOW.getTime() - 301_000));
      const ahead = stripeDelivery(STRIPE, expired('evt_5', 'cs_5'), new Date(NOW.getTime() + 301_000));
      const skewed = stripeDelivery(STRIPE, expired('evt_5b', 'cs_5'), new Date(NOW.getTime() + 299_000));

      expect((await post('stripe', ahead)).json).toMatchObject({
        error: 'bad_signature',
        message: 'the Stripe-Signature is dated more than 300 s ahead of our clock',
      });
      expect((await post('stripe', skewed)).status).toBe(202);

      expect((await post('stripe', forged)).status).toBe(401);
      expect((await post('stripe', late)).json).toMatchObject({
        error: 'bad_signature',
        message: 'the Stripe-Signature is more than 300 s old',
      });
      // Only the delivery within the tolerance, 299 s ahead, was stored.
      expect(engine.carts.size).toBe(1);
    });

    it('waits out one rate limit Stripe says to retry, and still stores the cart', async () => {
      stripeApi.setSession('cs_6', LINE_ITEMS, [{ status: 429, shouldRetry: true }]);

      const result = await post('stripe', stripeDelivery(STRIPE, expired('evt_6', 'cs_6'), NOW));

      expect(result.status).toBe(202);
      expect(stripeApi.listed.cs_6).toBe(1);
    });

    it('answers 503 with Retry-After when Stripe stays rate limited, storing nothing, so Stripe delivers again', async () => {
      stripeApi.setSession('cs_7', LINE_ITEMS, [{ status: 429 }]);

      const first = await post('stripe', stripeDelivery(STRIPE, expired('evt_7', 'cs_7'), NOW));
      const redelivery = await post('stripe', stripeDelivery(STRIPE, expired('evt_7', 'cs_7'), NOW));

      expect(first.status).toBe(503);
      expect(first.headers['retry-after']).toBe('60');
      expect(first.json).toMatchObject({ error: 'stripe_unavailable' });
      expect(redelivery.status).toBe(202);
    });

    it('answers 503 and logs an error when Stripe refuses the restricted key', async () => {
      stripeApi.setSession('cs_8', LINE_ITEMS);
      ctx = {
        ...ctx,
        storefronts: {
          ...ctx.storefronts,
          stripe: {
            webhookSecrets: [STRIPE],
            lineItems: new StripeLineItems({
              restrictedKey: 'rk_test_revoked_0123456789',
              apiUrl: stripeApi.endpoint,
            }),
          },
        },
      };

      const result = await post('stripe', stripeDelivery(STRIPE, expired('evt_8', 'cs_8'), NOW));

      expect(result.status).toBe(503);
      expect(result.json).toMatchObject({ error: 'stripe_refused' });
      expect(log.at('error')).toEqual([
        expect.objectContaining({
          message: 'stripe line items unavailable',
          data: expect.objectContaining({ type: 'StripeAuthenticationError' }),
        }),
      ]);
      expect(log.text()).not.toContain('rk_test_revoked');
      expect(engine.carts.size).toBe(0);
    });

    it("answers 200 ignored for other event types and 400 naming Stripe's field for a malformed one", async () => {
      const other = await post(
        'stripe',
        stripeDelivery(STRIPE, { ...expired('evt_9', 'cs_9'), type: 'invoice.paid' }, NOW),
      );
      const bad = expired('evt_10', 'cs_10');
      Object.assign(bad.data.object, { customer_details: { email: 42 } });
      const malformed = await post('stripe', stripeDelivery(STRIPE, bad, NOW));

      expect(other.json).toMatchObject({ status: 'ignored' });
      expect(malformed.status).toBe(400);
      expect(malformed.json?.errors).toEqual([
        { path: 'data.object.customer_details.email', message: 'must be text' },
      ]);
    });
  });

  it('answers 405 to a GET on a platform path', async () => {
    const result = await post('stripe', { body: '', headers: {} }, { method: 'GET' });

    expect(result.status).toBe(405);
  });
});
