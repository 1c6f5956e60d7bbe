/**
 * The nightly export/import, run by an EventBridge Scheduler cron shortly after the store's local
 * midnight. The event is `{}` (the store-local night that just ended) or `{ "night": "YYYY-MM-DD" }`
 * to run a given night again (rerunning a night is safe: see `runNightly`).
 */
import * as z from 'zod';
import { ValidationError } from '#engine/domain/errors.js';
import { toFieldErrors } from '#engine/domain/field-errors.js';
import { offsetAt } from '#engine/domain/time-zone.js';
import { type NightlyResult, runNightly } from './nightly-export.js';
import { type NightlyContext, nightlyContext } from './sync-context.js';

const DAY_MS = 86_400_000;

// Loose: the same function may be wired to an EventBridge rule, whose event carries its own fields.
export const nightlyEventSchema = z.looseObject({
  night: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'night must be a date written YYYY-MM-DD' })
    .optional(),
});

/**
 * Runs the night the event names, or else the store-local night that just ended.
 * @throws ValidationError for an event that is not `{}` or `{ night }` (a wiring bug: Lambda records it).
 * @example await handleNightly(ctx, {}) // at 00:15 in New York on June 11: the night of 2026-06-10
 */
export async function handleNightly(ctx: NightlyContext, event: unknown): Promise<NightlyResult> {
  const parsed = nightlyEventSchema.safeParse(event ?? {});
  if (!parsed.success) {
    const error = new ValidationError('The nightly event', toFieldErrors(parsed.error));
    ctx.deps.log.error('nightly event rejected', { errors: error.errors });
    throw error;
  }
  const night =
    parsed.data.night ??
    nightJustEnded(ctx.deps.clock.now().getTime(), (await ctx.deps.rules.current()).rules.store.timezone);
  // Errors propagate: the invocation fails, Lambda records it, and the night can be run again.
  return runNightly(ctx.deps, { night });
}

/**
 * The store-local date before the one `now` falls on: the night a run just after midnight exports.
 * @example nightJustEnded(Date.parse('2026-06-11T04:15:00Z'), 'America/New_York') // '2026-06-10'
 */
export function nightJustEnded(now: number, zone: string): string {
  const localToday = Date.parse(new Date(now + offsetAt(now, zone)).toISOString().slice(0, 10));
  return new Date(localToday - DAY_MS).toISOString().slice(0, 10);
}

export const handler = async (event: unknown): Promise<NightlyResult> =>
  handleNightly(await nightlyContext(), event);
