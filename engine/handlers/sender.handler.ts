import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { parseReminderJob } from '../adapters/sqs-reminder-queue.js';
import type { ReminderJob } from '../ports.js';
import { type SendDeps, type SendResult, sendReminder } from '../use-cases/send-reminder.js';
import { sendTestReminder } from '../use-cases/send-test-reminder.js';
import { senderContext } from './aws-context.js';

/**
 * The SQS consumer: sends each queued reminder at most once. A record that fails is reported back
 * (partial batch response) so only it is retried; after five receives the queue moves it to the DLQ.
 */
export async function handleReminderBatch(deps: SendDeps, event: SQSEvent): Promise<SQSBatchResponse> {
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      const job = parseReminderJob(record.body);
      const result = await sendJob(deps, job);
      if (result.kind === 'not_sent' && result.why === 'failed') {
        // The claim stays: at most once. The failure is audited; retrying would risk a second copy.
        deps.log.warn('reminder not sent', { cartId: job.cartId, n: job.n, why: result.why });
      }
    } catch (error) {
      deps.log.error('reminder job failed', {
        messageId: record.messageId,
        error: error instanceof Error ? error.name : 'unknown',
        receiveCount: record.attributes?.ApproximateReceiveCount,
      });
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
}

/** One reminder job: the owner's test (to the owner, recorded as a test), else a shopper's reminder. */
export async function sendJob(
  deps: SendDeps,
  job: ReminderJob,
): Promise<SendResult | Awaited<ReturnType<typeof sendTestReminder>>> {
  const { test } = job;
  return test ? sendTestReminder(deps, { ...job, test }) : sendReminder(deps, job);
}

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> =>
  handleReminderBatch(await senderContext(), event);
