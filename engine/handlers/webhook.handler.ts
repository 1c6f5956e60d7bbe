import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { SIGNATURE_HEADER, verifySignature } from '../domain/request-signature.js';
import { type IngestDeps, ingestCartEvent } from '../use-cases/ingest-cart-event.js';
import { webhookContext } from './aws-context.js';
import { header, json, method, problem, rawBody } from './function-url.js';

/** Bodies above this are refused before any parsing (a cart of 200 items is far below it). */
export const MAX_BODY_BYTES = 256 * 1024;

export interface WebhookContext {
  deps: IngestDeps;
  /** The storefront's signing secret(s); two during a rotation. */
  secrets: readonly string[];
}

/**
 * The storefront's signed webhook: verify, then hand the event to the engine.
 * 202 accepted (stored before answering), 200 duplicate event id, 400 field errors, 401 bad or missing
 * signature, 405 not POST, 413 over 256 KB, 415 not JSON.
 */
export async function handleWebhook(
  ctx: WebhookContext,
  event: LambdaFunctionURLEvent,
): Promise<LambdaFunctionURLResult> {
  const log = ctx.deps.log;
  const refuse = (status: number, error: string, message: string, extra: Record<string, unknown> = {}) => {
    log.warn('webhook request refused', { status, error, reason: message });
    return problem(status, error, message, extra);
  };
  if (method(event) !== 'POST') return refuse(405, 'method_not_allowed', 'Send cart events with POST.');
  const body = rawBody(event);
  if (body.length > MAX_BODY_BYTES)
    return refuse(413, 'payload_too_large', `The body is over ${MAX_BODY_BYTES} bytes.`);
  const type = header(event, 'content-type') ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    return refuse(415, 'unsupported_media_type', 'Send the event as JSON (Content-Type: application/json).');
  }
  const signature = verifySignature(header(event, SIGNATURE_HEADER), body, ctx.secrets, ctx.deps.clock.now());
  if (!signature.ok) return refuse(401, 'bad_signature', signature.reason);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return refuse(400, 'invalid_json', 'The body is not valid JSON.', {
      errors: [{ path: '', message: 'is not valid JSON' }],
    });
  }
  const result = await ingestCartEvent(ctx.deps, parsed);
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
