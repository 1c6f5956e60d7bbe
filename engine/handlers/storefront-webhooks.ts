/**
 * The platforms' own webhooks on the webhook Function URL: `/webhook/shopify`, `/webhook/woocommerce`,
 * `/webhook/stripe`. Each is verified exactly as its platform signs, translated by its pure module
 * (engine/storefronts/) into our one cart event, and handed to the same ingest use case as our own.
 *
 * Answers: 202 accepted (stored before answering), 200 duplicate, ignored (a topic or event we do not
 * use, an order that is not a purchase, an expired Stripe session without a recovery URL) or
 * WooCommerce's ping, 400 naming the platform's field, 401 bad or missing signature (or a platform
 * with no secret set), 405 not POST, 413 over 256 KB, 503 when Stripe would not list a session's line
 * items (Stripe delivers the event again later; nothing is stored half).
 */
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { StripeApiError } from '../adapters/stripe-line-items.js';
import { occurredAtOutOfBounds } from '../domain/cart-event.js';
import { timeOf } from '../domain/iso-time.js';
import { SIGNATURE_HEADER, verifySignature } from '../domain/request-signature.js';
import type { CheckoutLineItems } from '../ports.js';
import { SHOPIFY_HEADERS, shopifyCartEvent } from '../storefronts/shopify/shopify-webhook.js';
import {
  expiredSessionEvent,
  STRIPE_SIGNATURE_HEADER,
  stripeCartEvent,
} from '../storefronts/stripe/stripe-checkout.js';
import { verifyStripeSignature } from '../storefronts/stripe/stripe-signature.js';
import { inPlatformTerms, isBase64HmacValid, type Translation } from '../storefronts/translation.js';
import {
  isWooCommercePing,
  WOOCOMMERCE_HEADERS,
  wooCommerceCartEvent,
} from '../storefronts/woocommerce/woocommerce-webhook.js';
import { ingestCartEvent } from '../use-cases/ingest-cart-event.js';
import type { WebhookContext } from './aws-context.js';
import { header, json, method, rawBody } from './function-url.js';
import { ingestAnswer } from './ingest-answer.js';
import { MAX_BODY_BYTES, parseJsonBody, type Refuse, refuser, type SignedJson } from './signed-request.js';

export type Storefront = 'shopify' | 'woocommerce' | 'stripe';

const STOREFRONT_PATH = /^\/(?:webhook\/)?(shopify|woocommerce|stripe)\/?$/;

/** The platform a request's path is for, or undefined for our own cart event. */
export function storefrontOfPath(path: string | undefined): Storefront | undefined {
  return STOREFRONT_PATH.exec(path ?? '')?.[1] as Storefront | undefined;
}

const NAMES: Record<Storefront, string> = {
  shopify: 'Shopify',
  woocommerce: 'WooCommerce',
  stripe: 'Stripe',
};

/** Verifies, translates and ingests one platform delivery. */
export async function handleStorefrontWebhook(
  ctx: WebhookContext,
  storefront: Storefront,
  event: LambdaFunctionURLEvent,
): Promise<LambdaFunctionURLResult> {
  const log = ctx.deps.log;
  const refuse = refuser(log, 'storefront webhook refused');
  const name = NAMES[storefront];
  if (method(event) !== 'POST')
    return refuse(405, 'method_not_allowed', `Send ${name} webhooks with POST.`, { storefront });
  const body = rawBody(event);
  if (body.length > MAX_BODY_BYTES)
    return refuse(413, 'payload_too_large', `The body is over ${MAX_BODY_BYTES} bytes.`, { storefront });
  const now = (ctx.wallClock ?? ctx.deps.clock).now();
  const connections = ctx.storefronts ?? {};
  const unset = () =>
    refuse(
      401,
      'not_connected',
      `${name} has no secret set in the engine's secret, so no signature can be checked.`,
    );

  // Shopify and WooCommerce sign alike: the base64 HMAC-SHA256 of the body, in a header of their own.
  const hmacSigned = (secrets: readonly string[], name: string, shown: string): SignedJson =>
    isBase64HmacValid(header(event, name), body, secrets)
      ? parseJsonBody(body, refuse)
      : {
          ok: false,
          response: refuse(401, 'bad_signature', `the ${shown} header is missing or does not match the body`),
        };
  const translated = (translation: Translation) => answer(ctx, storefront, refuse, now, translation);

  switch (storefront) {
    case 'shopify': {
      const secrets = connections.shopify;
      if (!secrets?.length) return unset();
      const parsed = hmacSigned(secrets, SHOPIFY_HEADERS.hmac, 'X-Shopify-Hmac-Sha256');
      if (!parsed.ok) return parsed.response;
      return translated(
        shopifyCartEvent({
          topic: header(event, SHOPIFY_HEADERS.topic),
          eventId: header(event, SHOPIFY_HEADERS.eventId),
          webhookId: header(event, SHOPIFY_HEADERS.webhookId),
          triggeredAt: header(event, SHOPIFY_HEADERS.triggeredAt),
          body: parsed.body,
        }),
      );
    }
    case 'woocommerce': {
      // WooCommerce pings a new webhook's URL, unsigned, and saves the webhook only on a 200.
      if (!header(event, WOOCOMMERCE_HEADERS.signature) && isWooCommercePing(body)) {
        log.info('woocommerce webhook ping answered', {});
        return json(200, { status: 'ok' });
      }
      const secrets = connections.woocommerce;
      if (!secrets?.length) return unset();
      const ours = header(event, SIGNATURE_HEADER);
      if (ours !== undefined) {
        // The store's cart snippet: our own signed cart event, signed with the WooCommerce secret.
        const signature = verifySignature(ours, body, secrets, now);
        if (!signature.ok) return refuse(401, 'bad_signature', signature.reason);
        const parsed = parseJsonBody(body, refuse);
        if (!parsed.ok) return parsed.response;
        return ingestAnswer(await ingestCartEvent(ctx.deps, parsed.body));
      }
      const parsed = hmacSigned(secrets, WOOCOMMERCE_HEADERS.signature, 'X-WC-Webhook-Signature');
      if (!parsed.ok) return parsed.response;
      return translated(
        wooCommerceCartEvent({
          topic: header(event, WOOCOMMERCE_HEADERS.topic),
          deliveryId: header(event, WOOCOMMERCE_HEADERS.deliveryId),
          body: parsed.body,
        }),
      );
    }
    case 'stripe': {
      const stripe = connections.stripe;
      if (!stripe?.webhookSecrets.length) return unset();
      const signature = await verifyStripeSignature(
        body,
        header(event, STRIPE_SIGNATURE_HEADER),
        stripe.webhookSecrets,
        now,
      );
      if (!signature.ok) return refuse(401, 'bad_signature', signature.reason);
      const parsed = parseJsonBody(body, refuse);
      if (!parsed.ok) return parsed.response;
      const step = stripeCartEvent(parsed.body);
      if (step.kind !== 'line_items') return translated(step);
      let lines: Awaited<ReturnType<CheckoutLineItems['list']>>;
      try {
        lines = await stripe.lineItems.list(step.expired.sessionId);
      } catch (error) {
        if (!(error instanceof StripeApiError)) throw error;
        // Nothing is stored: Stripe delivers the event again (for up to three days), by when a limit
        // has passed or the owner has fixed the key. A cart without its items could not be reminded.
        log[error.reason === 'refused' ? 'error' : 'warn']('stripe line items unavailable', {
          sessionId: step.expired.sessionId,
          reason: error.reason,
          type: error.type,
          status: error.status,
        });
        return json(
          503,
          {
            error: error.reason === 'refused' ? 'stripe_refused' : 'stripe_unavailable',
            message:
              error.reason === 'refused'
                ? "Stripe refused to list the session's line items: check the restricted key. Stripe will deliver this event again."
                : "Stripe could not list the session's line items just now. Stripe will deliver this event again.",
          },
          { 'retry-after': '60' },
        );
      }
      return translated(expiredSessionEvent(step.expired, lines));
    }
  }
}

/** Answers a translation: ignored (200), invalid (400), or the event ingested. */
async function answer(
  ctx: WebhookContext,
  storefront: Storefront,
  refuse: Refuse,
  now: Date,
  translation: Translation,
): Promise<LambdaFunctionURLResult> {
  const log = ctx.deps.log;
  switch (translation.kind) {
    case 'ignored':
      log.info('storefront webhook ignored', { storefront, reason: translation.reason });
      return json(200, { status: 'ignored', reason: translation.reason });
    case 'invalid':
      return refuse(
        400,
        'invalid_event',
        `The ${NAMES[storefront]} payload is invalid; nothing was stored.`,
        {
          errors: translation.errors,
        },
      );
    case 'event': {
      const { event, fields } = translation;
      // An order from before the window carts live in (an old order's status change) has no cart
      // left to close: it is not an error the platform should retry, or disable the webhook over.
      // A missing or unreadable date is the platform's error: the schema names its field (400).
      if (
        event.type === 'cart.checked_out' &&
        Number.isFinite(timeOf(event.occurredAt)) &&
        occurredAtOutOfBounds(event.occurredAt, now)
      ) {
        const reason = 'the order is older than any cart we keep (or from the future)';
        log.info('storefront webhook ignored', { storefront, reason, eventId: event.id });
        return json(200, { status: 'ignored', reason });
      }
      return ingestAnswer(await ingestCartEvent(ctx.deps, event), (errors) =>
        inPlatformTerms(errors, fields),
      );
    }
  }
}
