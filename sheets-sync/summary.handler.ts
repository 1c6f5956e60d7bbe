/**
 * The monthly summary, run by an EventBridge Scheduler cron on the 1st of each month in the store's
 * zone. The event is `{}` (last month, in the store's zone) or `{ "month": "YYYY-MM" }` to write a
 * given month again (the document is replaced, so rerunning is safe).
 */
import * as z from 'zod';
import { ValidationError } from '#engine/domain/errors.js';
import { toFieldErrors } from '#engine/domain/field-errors.js';
import { previousMonth } from './summary/monthly-figures.js';
import { type MonthlySummaryOutcome, writeMonthlySummary } from './summary/monthly-summary.js';
import { type SummaryContext, summaryContext } from './sync-context.js';

// Loose: the same function may be wired to an EventBridge rule, whose event carries its own fields.
export const summaryEventSchema = z.looseObject({
  month: z
    .string()
    .regex(/^\d{4}-(?:0[1-9]|1[0-2])$/, { error: 'month must be written YYYY-MM' })
    .optional(),
});

/** What the invocation answers: the month and where its document is (the figures stay in the log). */
export interface SummaryResult {
  month: string;
  documentUrl: string;
  chartUrl?: string;
  source: 'model' | 'deterministic';
}

/**
 * Writes the month the event names, or else the month before now's in the store's zone.
 * @throws ValidationError for an event that is not `{}` or `{ month }` (a wiring bug: Lambda records it).
 */
export async function handleSummary(ctx: SummaryContext, event: unknown): Promise<SummaryResult> {
  const parsed = summaryEventSchema.safeParse(event ?? {});
  if (!parsed.success) {
    const error = new ValidationError('The summary event', toFieldErrors(parsed.error));
    ctx.deps.log?.error('summary event rejected', { errors: error.errors });
    throw error;
  }
  const month =
    parsed.data.month ??
    previousMonth(ctx.clock.now().getTime(), (await ctx.deps.rules.current()).rules.store.timezone);
  // Errors propagate: the invocation fails, Lambda records it, and the month can be written again.
  const outcome: MonthlySummaryOutcome = await writeMonthlySummary(ctx.deps, { month, now: ctx.clock.now() });
  return {
    month,
    documentUrl: outcome.documentUrl,
    ...(outcome.chartUrl ? { chartUrl: outcome.chartUrl } : {}),
    source: outcome.summary.source,
  };
}

export const handler = async (event: unknown): Promise<SummaryResult> =>
  handleSummary(await summaryContext(), event);
