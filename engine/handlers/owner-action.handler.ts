import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import * as z from 'zod';
import { NotFoundError } from '../domain/errors.js';
import { toFieldErrors } from '../domain/field-errors.js';
import { checkOneTarget, ownerActionFields } from '../domain/owner-action.js';
import {
  SIGNATURE_HEADER,
  SIGNATURE_TOLERANCE_SECONDS,
  verifySignature,
} from '../domain/request-signature.js';
import type { NonceStore } from '../ports.js';
import { type OwnerActionDeps, ownerAction } from '../use-cases/owner-action.js';
import { ownerActionContext } from './aws-context.js';
import { header, json, method, problem, rawBody } from './function-url.js';
import { MAX_BODY_BYTES } from './webhook.handler.js';

/** An owner action as the Apps Script menu sends it: the action plus a one-time nonce. */
export const ownerRequestSchema = z
  .object({
    ...ownerActionFields,
    nonce: z
      .string({ error: 'nonce is required: a fresh random string per request' })
      .regex(/^[A-Za-z0-9_-]{16,128}$/, { error: 'nonce must be 16-128 letters, digits, "-" or "_"' }),
  })
  .superRefine(checkOneTarget);

export interface OwnerActionContext {
  deps: OwnerActionDeps;
  nonces: NonceStore;
  /** The owner's signing secret(s), apart from the storefront's. */
  secrets: readonly string[];
}

/**
 * The owner's signed actions (suppress, unsubscribe, write off). 200 with the before/after snapshot,
 * 400 field errors, 401 bad signature, 404 unknown cart, 405 not POST, 409 replayed nonce, 413, 415.
 */
export async function handleOwnerAction(
  ctx: OwnerActionContext,
  event: LambdaFunctionURLEvent,
): Promise<LambdaFunctionURLResult> {
  const log = ctx.deps.log;
  const refuse = (status: number, error: string, message: string, extra: Record<string, unknown> = {}) => {
    log.warn('owner action refused', { status, error, reason: message });
    return problem(status, error, message, extra);
  };
  if (method(event) !== 'POST') return refuse(405, 'method_not_allowed', 'Send owner actions with POST.');
  const body = rawBody(event);
  if (body.length > MAX_BODY_BYTES)
    return refuse(413, 'payload_too_large', `The body is over ${MAX_BODY_BYTES} bytes.`);
  if (!/^application\/(.+\+)?json\b/i.test(header(event, 'content-type') ?? '')) {
    return refuse(415, 'unsupported_media_type', 'Send the action as JSON (Content-Type: application/json).');
  }
  const now = ctx.deps.clock.now();
  const signature = verifySignature(header(event, SIGNATURE_HEADER), body, ctx.secrets, now);
  if (!signature.ok) return refuse(401, 'bad_signature', signature.reason);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return refuse(400, 'invalid_json', 'The body is not valid JSON.', {
      errors: [{ path: '', message: 'is not valid JSON' }],
    });
  }
  const request = ownerRequestSchema.safeParse(parsed);
  if (!request.success) {
    return refuse(400, 'invalid_action', 'The owner action is invalid; nothing was changed.', {
      errors: toFieldErrors(request.error),
    });
  }
  // The nonce lives a little longer than a signature may be late, so a replay inside the window is caught.
  const expiresAt = new Date(now.getTime() + 2 * SIGNATURE_TOLERANCE_SECONDS * 1000);
  if (!(await ctx.nonces.claim(request.data.nonce, expiresAt))) {
    return refuse(409, 'replayed_nonce', 'This request was already received (its nonce was used).');
  }
  const { nonce: _nonce, ...action } = request.data;
  try {
    const outcome = await ownerAction(ctx.deps, action);
    return json(200, { status: outcome.changed ? 'done' : 'unchanged', ...outcome });
  } catch (error) {
    if (error instanceof NotFoundError) return refuse(404, 'not_found', error.message);
    throw error;
  }
}

export const handler = async (event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> =>
  handleOwnerAction(await ownerActionContext(), event);
