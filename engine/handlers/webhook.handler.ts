import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { ingestCartEvent } from '../use-cases/ingest-cart-event.js';
import { type WebhookContext, webhookContext } from './aws-context.js';
import { json, problem } from './function-url.js';
import { readSignedJson } from './signed-request.js';

/**
 * The storefront's signed webhook: verify, then hand the event to the engine.
 * 202 accepted (stored before answering), 200 duplicate event id, 400 field errors, 401 bad or missing
 * signature, 405 not POST, 413 over 256 KB, 415 not JSON.
 */
export async function handleWebhook(
  ctx: WebhookContext,
  event: LambdaFunctionURLEvent,
): Promise<LambdaFunctionURLResult> {
  const request = readSignedJson(
    event,
    { refusal: 'webhook request refused', things: 'cart events', thing: 'the event' },
    { secrets: ctx.secrets, now: (ctx.wallClock ?? ctx.deps.clock).now(), log: ctx.deps.log },
  );
  if (!request.ok) return request.response;
  const result = await ingestCartEvent(ctx.deps, request.body);
  switch (result.kind) {
    case 'accepted':
      return json(202, {
        status: 'accepted',
        eventId: result.eventId,
        cartId: result.cartId,
        outcome: result.outcome,
      });
    case 'duplicate':
      return json(200, { status: 'duplicate', eventId: result.eventId, cartId: result.cartId });
    case 'rejected':
      return problem(400, 'invalid_event', 'The cart event is invalid; nothing was stored.', {
        errors: result.error.errors,
      });
  }
}

export const handler = async (event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> =>
  handleWebhook(await webhookContext(), event);
