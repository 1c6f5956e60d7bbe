import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import * as z from 'zod';
import { NotFoundError, ValidationError } from '../domain/errors.js';
import { toFieldErrors } from '../domain/field-errors.js';
import { checkOneTarget, ownerActionFields, testReminderFields } from '../domain/owner-action.js';
import { ownerAction } from '../use-cases/owner-action.js';
import { queueTestReminders } from '../use-cases/queue-test-reminders.js';
import { type OwnerActionContext, ownerActionContext } from './aws-context.js';
import { json, withErrorBoundary } from './function-url.js';
import { claimNonce, type Refuse, readSignedJson } from './signed-request.js';

const nonce = z
  .string({ error: 'nonce is required: a fresh random string per request' })
  .regex(/^[A-Za-z0-9_-]{16,128}$/, { error: 'nonce must be 16-128 letters, digits, "-" or "_"' });

/** An owner action as the Apps Script menu sends it: the action plus a one-time nonce. */
export const ownerRequestSchema = z
  .object({ ...ownerActionFields, nonce }, { error: 'the action must be a JSON object' })
  .superRefine(checkOneTarget);

/** The menu's "Send me a test reminder": a cart (or none, for a sample), the owner's address, a nonce. */
export const testReminderRequestSchema = z.object({ ...testReminderFields, nonce });

const isTestRequest = (body: unknown) =>
  typeof body === 'object' && body !== null && (body as { action?: unknown }).action === 'test_reminder';

/**
 * The owner's signed actions (suppress, unsubscribe, write off, and the test send of reminders 1
 * and 2 to the owner). 200 with the before/after snapshot,
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
  if (isTestRequest(signed.body)) return testReminder(ctx, signed.body, refuse, now);
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

/**
 * "Send me a test reminder": queues reminders 1 and 2 for the sender (which sends them through SES),
 * 200 with what was queued, 400 field errors, 404 unknown cart, 409 replay.
 */
async function testReminder(
  ctx: OwnerActionContext,
  body: unknown,
  refuse: Refuse,
  now: Date,
): Promise<LambdaFunctionURLResult> {
  const request = testReminderRequestSchema.safeParse(body);
  if (!request.success) {
    return refuse(400, 'invalid_action', 'The test reminder request is invalid; nothing was sent.', {
      errors: toFieldErrors(request.error),
    });
  }
  if (!(await claimNonce(ctx.nonces, request.data.nonce, now))) {
    return refuse(409, 'replayed_nonce', 'This request was already received (its nonce was used).');
  }
  const { cartId, to, actor } = request.data;
  try {
    const outcome = await queueTestReminders(ctx.deps, { cartId, to, actor });
    return json(200, { status: 'queued', ...outcome });
  } catch (error) {
    if (error instanceof NotFoundError) return refuse(404, 'not_found', error.message);
    if (error instanceof ValidationError)
      return refuse(400, 'invalid_action', error.message, { errors: error.errors });
    throw error;
  }
}

export const handler = withErrorBoundary(
  'owner',
  async () => (await ownerActionContext()).deps.log,
  async (event: LambdaFunctionURLEvent) => handleOwnerAction(await ownerActionContext(), event),
);
