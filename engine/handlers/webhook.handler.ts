import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { ingestCartEvent } from '../use-cases/ingest-cart-event.js';
import { type WebhookContext, webhookContext } from './aws-context.js';
import { withErrorBoundary } from './function-url.js';
import { ingestAnswer } from './ingest-answer.js';
import { readSignedJson } from './signed-request.js';
import { handleStorefrontWebhook, storefrontOfPath } from './storefront-webhooks.js';

/**
 * The webhook Function URL. `/webhook/shopify`, `/webhook/woocommerce` and `/webhook/stripe` take each
 * platform's own webhooks (storefront-webhooks.ts); any other path takes our own signed cart event:
 * 202 accepted (stored before answering), 200 duplicate event id, 400 field errors, 401 bad or missing
 * signature, 405 not POST, 413 over 256 KB, 415 not JSON, 429 busy (the cart kept changing under
 * other deliveries through every retry: nothing stored, send again).
 */
export async function handleWebhook(
  ctx: WebhookContext,
  event: LambdaFunctionURLEvent,
): Promise<LambdaFunctionURLResult> {
  const storefront = storefrontOfPath(event.rawPath);
  if (storefront) return handleStorefrontWebhook(ctx, storefront, event);
  const request = readSignedJson(
    event,
    { refusal: 'webhook request refused', things: 'cart events', thing: 'the event' },
    { secrets: ctx.secrets, now: (ctx.wallClock ?? ctx.deps.clock).now(), log: ctx.deps.log },
  );
  if (!request.ok) return request.response;
  return ingestAnswer(await ingestCartEvent(ctx.deps, request.body));
}

export const handler = withErrorBoundary(
  'webhook',
  async () => (await webhookContext()).deps.log,
  async (event: LambdaFunctionURLEvent) => handleWebhook(await webhookContext(), event),
);
