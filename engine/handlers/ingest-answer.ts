import type { LambdaFunctionURLResult } from 'aws-lambda';
import type { FieldError } from '../domain/errors.js';
import type { IngestResult } from '../use-cases/ingest-cart-event.js';
import { json, problem } from './function-url.js';

/**
 * The answer to an ingested cart event, the same for our own webhook and every platform's:
 * 202 accepted (stored before answering), 200 duplicate event id, 400 with every field error, each
 * error's path in the sender's own terms (`rename`).
 */
export function ingestAnswer(
  result: IngestResult,
  rename: (errors: readonly FieldError[]) => readonly FieldError[] = (errors) => errors,
): LambdaFunctionURLResult {
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
        errors: rename(result.error.errors),
      });
  }
}
