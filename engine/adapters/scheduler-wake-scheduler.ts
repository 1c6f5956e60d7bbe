import { createHash } from 'node:crypto';
import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  type SchedulerClient,
  type Target,
} from '@aws-sdk/client-scheduler';
import * as z from 'zod';
import { CartRecoveryError, ValidationError } from '../domain/errors.js';
import { toFieldErrors } from '../domain/field-errors.js';
import type { Clock, Wake, WakeScheduler } from '../ports.js';

/** Scheduler's limits for a schedule name: 1 to 64 of `[0-9a-zA-Z-_.]`. */
const NAME_MAX = 64;
/** A cart id that can stand in a name as it is: no dot, so it can never look like a hashed name. */
const PLAIN_CART_ID = /^[0-9a-zA-Z_-]+$/;
const HASH_CHARS = 16;

/** What one request to Scheduler came to, for benchmarks and metrics. */
export interface SchedulerRequestEvent {
  operation: 'CreateSchedule' | 'DeleteSchedule';
  /** `conflict`: the schedule already existed; `not_found`: there was none to delete. */
  outcome: 'ok' | 'conflict' | 'not_found' | 'error';
  ms: number;
}

export interface SchedulerWakeSchedulerOptions {
  client: SchedulerClient;
  /** The schedule group; it must exist (the stack creates it). */
  groupName?: string;
  /** The wake handler's function ARN. */
  targetArn: string;
  /** The role Scheduler assumes to invoke the target. */
  roleArn: string;
  /** An SQS queue for invocations that failed every retry. */
  deadLetterArn?: string;
  /** Scheduler's retries of a failed invocation (0 to 185). */
  maxRetryAttempts?: number;
  /** How long Scheduler keeps retrying a failed invocation, in seconds (60 to 86400). */
  maxEventAgeSeconds?: number;
  /** Decides whether a wake-up time is already past. */
  clock?: Clock;
  onRequest?: (event: SchedulerRequestEvent) => void;
}

/** A Scheduler request failed for a reason other than the ones that mean "already done". */
export class WakeSchedulerError extends CartRecoveryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WakeSchedulerError';
  }
}

function shortHash(...parts: (string | number)[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

function checkSeq(seq: number): void {
  if (!Number.isSafeInteger(seq) || seq < 0) {
    throw new RangeError('a wake-up seq must be a non-negative integer');
  }
}

/**
 * The schedule name of one wake-up: `<cartId>-<seq>` when that fits Scheduler's 64 characters of
 * `[0-9a-zA-Z-_.]`, else a readable prefix of the cart id plus a hash of (cartId, seq), so two
 * wake-ups never share a name. Plain names hold no dot and hashed names exactly one, so the two
 * forms cannot collide either.
 * @throws RangeError when `seq` is not a non-negative integer.
 * @example scheduleName('cart-1001', 3) // 'cart-1001-3'
 */
export function scheduleName(cartId: string, seq: number): string {
  checkSeq(seq);
  const suffix = `-${seq}`;
  if (PLAIN_CART_ID.test(cartId) && cartId.length + suffix.length <= NAME_MAX) return `${cartId}${suffix}`;
  const hash = shortHash('name', cartId, seq).slice(0, HASH_CHARS);
  const room = NAME_MAX - suffix.length - 1 - HASH_CHARS;
  const prefix = cartId.replace(/[^0-9a-zA-Z_-]+/g, '_').slice(0, room);
  return `${prefix}${suffix}.${hash}`;
}

/** `at(yyyy-mm-ddThh:mm:ss)` in UTC, the time rounded up to the whole second. */
export function atExpression(at: Date): string {
  const ms = Math.ceil(at.getTime() / 1000) * 1000;
  return `at(${new Date(ms).toISOString().slice(0, 19)})`;
}

const wakeInputSchema = z.object({
  cartId: z.string({ error: 'cartId must be text' }).min(1, { error: 'cartId must not be empty' }),
  seq: z
    .number({ error: 'seq must be a number' })
    .int({ error: 'seq must be a whole number' })
    .nonnegative({ error: 'seq must not be negative' }),
});

/**
 * Reads the input of a fired wake-up schedule: the `Target.Input` string, or the object Lambda
 * receives after Scheduler has parsed that string.
 * @throws ValidationError when it is not `{ cartId, seq }`.
 */
export function parseWakeInput(input: unknown): { cartId: string; seq: number } {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch {
      throw new ValidationError('The wake-up input', [{ path: '', message: 'is not valid JSON' }]);
    }
  }
  const result = wakeInputSchema.safeParse(value);
  if (!result.success) throw new ValidationError('The wake-up input', toFieldErrors(result.error));
  return result.data;
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/**
 * Wake-ups as one-time EventBridge Scheduler schedules that invoke the wake handler with
 * `{ cartId, seq }` and delete themselves after they ran.
 */
export class SchedulerWakeScheduler implements WakeScheduler {
  readonly requests = { CreateSchedule: 0, DeleteSchedule: 0 };
  readonly #client: SchedulerClient;
  readonly #groupName: string;
  readonly #target: Target;
  readonly #clock: Clock;
  readonly #onRequest: ((event: SchedulerRequestEvent) => void) | undefined;

  constructor(options: SchedulerWakeSchedulerOptions) {
    const maxRetryAttempts = options.maxRetryAttempts ?? 10;
    const maxEventAgeSeconds = options.maxEventAgeSeconds ?? 86_400;
    if (!Number.isInteger(maxRetryAttempts) || maxRetryAttempts < 0 || maxRetryAttempts > 185) {
      throw new RangeError('maxRetryAttempts must be a whole number from 0 to 185');
    }
    if (!Number.isInteger(maxEventAgeSeconds) || maxEventAgeSeconds < 60 || maxEventAgeSeconds > 86_400) {
      throw new RangeError('maxEventAgeSeconds must be a whole number from 60 to 86400');
    }
    this.#client = options.client;
    this.#groupName = options.groupName ?? 'cart-recovery';
    this.#clock = options.clock ?? { now: () => new Date() };
    this.#onRequest = options.onRequest;
    this.#target = {
      Arn: options.targetArn,
      RoleArn: options.roleArn,
      RetryPolicy: { MaximumRetryAttempts: maxRetryAttempts, MaximumEventAgeInSeconds: maxEventAgeSeconds },
      ...(options.deadLetterArn ? { DeadLetterConfig: { Arn: options.deadLetterArn } } : {}),
    };
  }

  /**
   * Creates the wake-up's schedule; one that exists already (a retry, a second delivery) counts as
   * done. A time already past is moved to one second from now, so the wake-up still runs.
   */
  async schedule(wake: Wake): Promise<void> {
    const at = wake.at.getTime();
    if (Number.isNaN(at)) throw new RangeError('a wake-up needs a valid time');
    const name = scheduleName(wake.cartId, wake.seq);
    // Scheduler's behaviour for an at() in the past is not documented: never send one.
    const earliest = this.#clock.now().getTime() + 1000;
    const input: CreateScheduleCommandInput = {
      Name: name,
      GroupName: this.#groupName,
      ScheduleExpression: atExpression(new Date(Math.max(at, earliest))),
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      State: 'ENABLED',
      // 64 hex characters: the longest token Scheduler takes, and the same one for every retry.
      ClientToken: shortHash('wake', this.#groupName, wake.cartId, wake.seq),
      Target: { ...this.#target, Input: JSON.stringify({ cartId: wake.cartId, seq: wake.seq }) },
    };
    const command = new CreateScheduleCommand(input);
    await this.#send('CreateSchedule', () => this.#client.send(command), 'ConflictException', name);
  }

  /** Deletes the wake-up's schedule; one that already ran or never existed is fine. */
  async cancel(wake: Pick<Wake, 'cartId' | 'seq'>): Promise<void> {
    const name = scheduleName(wake.cartId, wake.seq);
    const command = new DeleteScheduleCommand({ Name: name, GroupName: this.#groupName });
    await this.#send('DeleteSchedule', () => this.#client.send(command), 'ResourceNotFoundException', name);
  }

  async #send(
    operation: SchedulerRequestEvent['operation'],
    request: () => Promise<unknown>,
    doneError: 'ConflictException' | 'ResourceNotFoundException',
    name: string,
  ): Promise<void> {
    this.requests[operation]++;
    const started = performance.now();
    let outcome: SchedulerRequestEvent['outcome'] = 'ok';
    try {
      await request();
    } catch (error) {
      if (errorName(error) === doneError) {
        outcome = doneError === 'ConflictException' ? 'conflict' : 'not_found';
        return;
      }
      outcome = 'error';
      throw new WakeSchedulerError(`${operation} failed for schedule ${name}`, { cause: error });
    } finally {
      this.#onRequest?.({ operation, outcome, ms: performance.now() - started });
    }
  }
}
