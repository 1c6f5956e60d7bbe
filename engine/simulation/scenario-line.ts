import * as z from 'zod';
import { ValidationError } from '../domain/errors.js';
import { toFieldErrors } from '../domain/field-errors.js';

const at = z.iso
  .datetime({
    offset: true,
    error: 'at must be an ISO-8601 time with an offset, such as "2026-06-10T14:00:00Z"',
  })
  .transform((s) => new Date(s).getTime());

// The event itself is validated by the engine, like a webhook body: a bad one becomes a "rejected" line.
const eventLine = z.object({
  at,
  event: z.unknown(),
  // A shopper who comes back only because of a reminder: delivered only if the cart's first
  // reminder came due and was not held out (the reminded group); otherwise dropped.
  if: z.literal('reminded', { error: 'if must be "reminded"' }).optional(),
});

const actionLine = z.object({
  at,
  action: z.enum(['suppress', 'write_off', 'unsubscribe'], {
    error: 'action must be suppress, write_off or unsubscribe',
  }),
  cartId: z.string().min(1).optional(),
  email: z.string().min(1).optional(),
  reason: z.string().optional(),
});

const lineSchema = z.union([eventLine, actionLine], {
  error: 'each line needs "at" and either "event" or "action"',
});

/**
 * The branch a line that failed meant, by the key it has, so its own errors are told rather than the
 * union's "either … or …" (which a line with "action" would read as wrong about it); none for a line
 * with neither key.
 */
function meantBranch(json: unknown): typeof eventLine | typeof actionLine | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  if ('action' in json) return actionLine;
  if ('event' in json) return eventLine;
  return undefined;
}

/** A scenario line's content: an event to deliver or an action to take, at a time. */
export type ScenarioInput = z.infer<typeof lineSchema>;
export type ScenarioLine = ScenarioInput & { line: number };

/** A scenario file line that is not usable: which line, and each field error. */
export class ScenarioLineError extends ValidationError {
  constructor(
    readonly line: number,
    errors: ConstructorParameters<typeof ValidationError>[1],
  ) {
    super(`Scenario line ${line}`, errors);
    this.name = 'ScenarioLineError';
  }
}

/** Parses one JSONL scenario line (1-based `line` for messages). */
export function parseScenarioLine(text: string, line: number): ScenarioLine {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ScenarioLineError(line, [{ path: '', message: 'is not valid JSON' }]);
  }
  const result = lineSchema.safeParse(json);
  if (!result.success) {
    const branch = meantBranch(json)?.safeParse(json);
    throw new ScenarioLineError(line, toFieldErrors(branch?.error ?? result.error));
  }
  if ('action' in result.data) {
    const { action, cartId, email } = result.data;
    if (action === 'unsubscribe' ? !email && !cartId : !cartId) {
      throw new ScenarioLineError(line, [
        {
          path: action === 'unsubscribe' ? 'email' : 'cartId',
          message: `${action} needs ${action === 'unsubscribe' ? 'an email' : 'a cartId'}`,
        },
      ]);
    }
  }
  return { ...result.data, line };
}
