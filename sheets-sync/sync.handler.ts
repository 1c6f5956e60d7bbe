import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import * as z from 'zod';
import { ValidationError } from '#engine/domain/errors.js';
import { toFieldErrors } from '#engine/domain/field-errors.js';
import { json, problem, withErrorBoundary } from '#engine/handlers/function-url.js';
import { ownerRequestSchema } from '#engine/handlers/owner-action.handler.js';
import { claimNonce, readSignedJson } from '#engine/handlers/signed-request.js';
import { GoogleApiError } from './google-api-error.js';
import { type SyncContext, syncContext } from './sync-context.js';
import { reportSyncFailure, type SyncOutcome, syncRules } from './sync-rules.js';

/** "Sync rules now" from the Apps Script menu, signed with the owner secret like an owner action. */
export const syncRequestSchema = z.strictObject({
  action: z.literal('sync_rules', { error: 'action must be sync_rules' }),
  // The same nonce rule as owner actions: both share one nonce table, so neither can replay the other.
  nonce: ownerRequestSchema.shape.nonce,
});

/** The EventBridge rule that runs the sync every 15 minutes. */
const scheduledEventSchema = z.looseObject({
  source: z.literal('aws.events'),
  'detail-type': z.literal('Scheduled Event'),
});

const functionUrlEventSchema = z.looseObject({
  requestContext: z.looseObject({ http: z.looseObject({ method: z.string() }) }),
});

function isFunctionUrlEvent(event: unknown): event is LambdaFunctionURLEvent {
  return functionUrlEventSchema.safeParse(event).success;
}

/**
 * One entry point for both triggers: a Function URL request ("Sync rules now") or the schedule.
 * @throws ValidationError for an event that is neither (a wiring bug: Lambda records it).
 */
export async function handleSync(
  ctx: SyncContext,
  event: unknown,
): Promise<LambdaFunctionURLResult | SyncOutcome> {
  if (isFunctionUrlEvent(event)) return handleSyncRequest(ctx, event);
  const scheduled = scheduledEventSchema.safeParse(event);
  if (!scheduled.success) {
    const error = new ValidationError('The sync event', toFieldErrors(scheduled.error));
    ctx.deps.log.error('sync event rejected', { errors: error.errors });
    throw error;
  }
  let outcome: SyncOutcome;
  try {
    outcome = await syncRules(ctx.deps);
  } catch (error) {
    // The owner learns of it in the status cell (when Google lets it be written); the error still
    // propagates: the invocation fails, Lambda records it, and the next run tries again.
    await reportSyncFailure(ctx.deps, error);
    throw error;
  }
  ctx.deps.log.info('scheduled sync done', summary(outcome));
  return outcome;
}

/**
 * The signed "Sync rules now" request. 200 with the version in force, 422 with the tab's errors
 * (the rules in force are kept), 400, 401 bad signature, 405, 409 replayed nonce, 413, 415;
 * 424 when Google refused for a reason someone must fix (not shared, API off, no Rules tab, login
 * refused: `reason` is Google's, `message` says what to do); 502 when Google is busy or unreachable
 * (try again).
 */
export async function handleSyncRequest(
  ctx: SyncContext,
  event: LambdaFunctionURLEvent,
): Promise<LambdaFunctionURLResult> {
  const log = ctx.deps.log;
  const now = (ctx.wallClock ?? ctx.deps.clock).now();
  const signed = readSignedJson(
    event,
    { refusal: 'sync request refused', things: 'a sync request', thing: 'the request' },
    { secrets: ctx.secrets, now, log },
  );
  if (!signed.ok) return signed.response;
  const refuse = signed.refuse;
  const request = syncRequestSchema.safeParse(signed.body);
  if (!request.success) {
    return refuse(400, 'invalid_request', 'The sync request is invalid; nothing was changed.', {
      errors: toFieldErrors(request.error),
    });
  }
  if (!(await claimNonce(ctx.nonces, request.data.nonce, now))) {
    return refuse(409, 'replayed_nonce', 'This request was already received (its nonce was used).');
  }
  let outcome: SyncOutcome;
  try {
    outcome = await syncRules(ctx.deps);
  } catch (error) {
    if (!(error instanceof GoogleApiError)) throw error;
    log.error('sync failed: google', {
      status: error.status,
      reason: error.reason,
      temporary: error.temporary,
    });
    await reportSyncFailure(ctx.deps, error);
    if (error.temporary) {
      return problem(
        502,
        'google_unavailable',
        'Google Sheets could not be read; the rules in force are unchanged. Try again in a few minutes.',
        { reason: error.reason ?? null },
      );
    }
    // Not 401/403/404 themselves: those would read as the engine refusing the menu's own request.
    return problem(424, 'google_refused', `${error.hint} The rules in force are unchanged.`, {
      reason: error.reason ?? null,
      googleStatus: error.status ?? null,
    });
  }
  log.info('requested sync done', summary(outcome));
  if (outcome.status === 'rejected') {
    const count = outcome.errors.length;
    return problem(
      422,
      'invalid_rules',
      `The Rules tab has ${count === 1 ? '1 problem' : `${count} problems`}; the rules in force were kept.`,
      { errors: outcome.errors, keptVersion: outcome.keptVersion ?? null },
    );
  }
  return json(200, outcome);
}

function summary(outcome: SyncOutcome): Record<string, unknown> {
  return outcome.status === 'rejected'
    ? { status: outcome.status, errors: outcome.errors.length, keptVersion: outcome.keptVersion }
    : { status: outcome.status, version: outcome.version };
}

const requestHandler = withErrorBoundary(
  'sync',
  async () => (await syncContext()).deps.log,
  async (event) => handleSyncRequest(await syncContext(), event),
);

export const handler = async (event: unknown): Promise<LambdaFunctionURLResult | SyncOutcome> =>
  isFunctionUrlEvent(event) ? requestHandler(event) : handleSync(await syncContext(), event);
