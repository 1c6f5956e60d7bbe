import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import { CartRecoveryError, ValidationError } from '../domain/errors.js';
import { toFieldErrors } from '../domain/field-errors.js';
import { rulesSchema } from '../domain/rules.js';
import type { ReminderJob, ReminderQueue } from '../ports.js';

/** What one request to SQS came to, for benchmarks and metrics. */
export interface SqsRequestEvent {
  operation: 'SendMessage';
  outcome: 'ok' | 'error';
  ms: number;
}

export interface SqsReminderQueueOptions {
  client: SQSClient;
  /** A standard queue: the sender claims each reminder once, so duplicates are harmless. */
  queueUrl: string;
  onRequest?: (event: SqsRequestEvent) => void;
}

/** Sending a reminder job to SQS failed. */
export class ReminderQueueError extends CartRecoveryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReminderQueueError';
  }
}

const reminderJobSchema = z.object({
  cartId: z.string({ error: 'cartId must be text' }).min(1, { error: 'cartId must not be empty' }),
  n: z.union([z.literal(1), z.literal(2)], { error: 'n must be 1 or 2' }),
  seq: z
    .number({ error: 'seq must be a number' })
    .int({ error: 'seq must be a whole number' })
    .nonnegative({ error: 'seq must not be negative' }),
  rulesVersion: z
    .string({ error: 'rulesVersion must be text' })
    .min(1, { error: 'rulesVersion must not be empty' }),
  rules: rulesSchema,
  test: z
    .object({
      to: z.email({ error: 'test.to must be an email address' }),
      actor: z.string({ error: 'test.actor must be text' }).min(1, { error: 'test.actor must not be empty' }),
      sample: z.boolean({ error: 'test.sample must be true or false' }),
    })
    .optional(),
});

/**
 * Reads the body of one reminder-queue message.
 * @throws ValidationError when it is not `{ cartId, n: 1 | 2, seq, rulesVersion, rules }` (valid rules).
 */
export function parseReminderJob(body: string): ReminderJob {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new ValidationError('The reminder job', [{ path: '', message: 'is not valid JSON' }]);
  }
  const result = reminderJobSchema.safeParse(json);
  if (!result.success) throw new ValidationError('The reminder job', toFieldErrors(result.error));
  return result.data;
}

/** Reminder jobs as messages on an SQS queue that the sender function consumes. */
export class SqsReminderQueue implements ReminderQueue {
  readonly requests = { SendMessage: 0 };
  readonly #client: SQSClient;
  readonly #queueUrl: string;
  readonly #onRequest: ((event: SqsRequestEvent) => void) | undefined;

  constructor(options: SqsReminderQueueOptions) {
    this.#client = options.client;
    this.#queueUrl = options.queueUrl;
    this.#onRequest = options.onRequest;
  }

  async enqueue(job: ReminderJob): Promise<void> {
    this.requests.SendMessage++;
    const started = performance.now();
    let outcome: SqsRequestEvent['outcome'] = 'ok';
    try {
      await this.#client.send(
        new SendMessageCommand({
          QueueUrl: this.#queueUrl,
          MessageBody: JSON.stringify({
            cartId: job.cartId,
            n: job.n,
            seq: job.seq,
            rulesVersion: job.rulesVersion,
            rules: job.rules,
            ...(job.test ? { test: job.test } : {}),
          }),
        }),
      );
    } catch (error) {
      outcome = 'error';
      throw new ReminderQueueError(`SendMessage failed for reminder ${job.n} of a cart`, { cause: error });
    } finally {
      this.#onRequest?.({ operation: 'SendMessage', outcome, ms: performance.now() - started });
    }
  }
}
