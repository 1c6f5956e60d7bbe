import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import * as z from 'zod';
import { NotFoundError } from '../domain/errors.js';
import { toFieldErrors } from '../domain/field-errors.js';
import { checkOneTarget, ownerActionFields } from '../domain/owner-action.js';
import { ownerAction } from '../use-cases/owner-action.js';
import { type OwnerActionContext, ownerActionContext } from './aws-context.js';
import { json } from './function-url.js';
import { claimNonce, readSignedJson } from './signed-request.js';

/** An owner action as the Apps Script menu sends it: the action plus a one-time nonce. */
export const ownerRequestSchema = z
  .object({
    ...ownerActionFields,
    nonce: z
      .string({ error: 'nonce is required: a fresh random string per request' })
      .regex(/^[A-Za-z0-9_-]{16,128}$/, { error: 'nonce must be 16-128 letters, digits, "-" or "_"' }),
  })
  .superRefine(checkOneTarget);

/**
 * The owner's signed actions (suppress, unsubscribe, write off). 200 with the before/after snapshot,
 * 400 field errors, 401 bad signature, 404 unknown cart, 405 not POST, 409 replayed nonce, 413, 415.
 */
export async function handleOwnerAction(
  ctx: OwnerActionContext,
  event: LambdaFunctionURLEvent,
): Promise<LambdaFunctionURLResult> {
  const now = (ctx.wallClock ?? ctx.deps.clock).now();
  const signed = readSignedJson(
    event,
    { refusal: 'owner action refused', things: 'owner actions', thing: 'the action' },
    { secrets: ctx.secrets, now, log: ctx.deps.log },
  );
  if (!signed.ok) return signed.response;
  const refuse = signed.refuse;
  const request = ownerRequestSchema.safeParse(signed.body);
  if (!request.success) {
    return refuse(400, 'invalid_action', 'The owner action is invalid; nothing was changed.', {
      errors: toFieldErrors(request.error),
    });
  }
  if (!(await claimNonce(ctx.nonces, request.data.nonce, now))) {
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
