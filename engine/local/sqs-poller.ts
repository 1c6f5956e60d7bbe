import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Logger } from '../ports.js';

/** A Lambda-style SQS batch handler: what the sender handler is. */
export type SqsBatchHandler = (event: SQSEvent) => Promise<SQSBatchResponse>;

export interface PollQueueOptions {
  client: SQSClient;
  queueUrl: string;
  handle: SqsBatchHandler;
  /** Stops the loop; a batch being handled is finished (and deleted) first. */
  signal: AbortSignal;
  /** Messages per batch, 1 to 10. */
  batchSize?: number;
  /** Long-poll wait of each receive, 0 to 20 seconds. */
  waitTimeSeconds?: number;
  /** Visibility timeout of received messages, in seconds; the queue's own when absent. */
  visibilityTimeoutSeconds?: number;
  /** Pause after a failed receive or delete, in ms. */
  errorBackoffMs?: number;
  log?: Logger;
  /** Called after each batch, for tests and progress output. */
  onBatch?: (batch: { received: number; deleted: number; failed: number }) => void;
}

export interface PollQueueTotals {
  batches: number;
  received: number;
  deleted: number;
  failed: number;
}

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

function queueArn(queueUrl: string, region: string): string {
  const [account = '000000000000', name = 'queue'] = new URL(queueUrl).pathname.split('/').filter(Boolean);
  return `arn:aws:sqs:${region}:${account}:${name}`;
}

function toRecord(message: Message, arn: string, region: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? '',
      SenderId: attributes.SenderId ?? '',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? '',
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: arn,
    awsRegion: region,
  };
}

/**
 * The message ids to keep, as Lambda reads a partial batch response: none when the handler
 * reported none; all when it threw, or named an id that is not in the batch.
 */
function failedIds(records: SQSRecord[], response: SQSBatchResponse | undefined): Set<string> {
  const all = new Set(records.map((r) => r.messageId));
  const failures = response?.batchItemFailures ?? [];
  const failed = new Set<string>();
  for (const failure of failures) {
    const id = failure?.itemIdentifier;
    if (typeof id !== 'string' || !all.has(id)) return all;
    failed.add(id);
  }
  return failed;
}

/**
 * Runs a Lambda-style SQS batch handler against a queue, as the SQS event source mapping does:
 * receives batches, hands them over as an `SQSEvent` (with `ApproximateReceiveCount`), deletes
 * the messages the handler did not report in `batchItemFailures`, and leaves the rest to come back
 * after their visibility timeout. Resolves with totals once `signal` aborts.
 * @example
 * const stop = new AbortController();
 * const done = pollQueue({ client, queueUrl, handle: senderHandler, signal: stop.signal });
 * // later: stop.abort(); await done;
 */
export async function pollQueue(options: PollQueueOptions): Promise<PollQueueTotals> {
  const { client, queueUrl, handle, signal } = options;
  const log = options.log ?? silent;
  const backoff = options.errorBackoffMs ?? 1000;
  const region = await client.config.region();
  const arn = queueArn(queueUrl, region);
  const totals: PollQueueTotals = { batches: 0, received: 0, deleted: 0, failed: 0 };

  while (!signal.aborted) {
    let messages: Message[];
    try {
      const output = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: options.batchSize ?? 10,
          WaitTimeSeconds: options.waitTimeSeconds ?? 1,
          MessageSystemAttributeNames: ['All'],
          ...(options.visibilityTimeoutSeconds === undefined
            ? {}
            : { VisibilityTimeout: options.visibilityTimeoutSeconds }),
        }),
        { abortSignal: signal },
      );
      messages = output.Messages ?? [];
    } catch (error) {
      if (signal.aborted) break;
      log.warn('queue receive failed', {
        queueUrl,
        error: error instanceof Error ? error.message : String(error),
      });
      await sleep(backoff, signal);
      continue;
    }
    if (messages.length === 0) continue;

    const records = messages.map((m) => toRecord(m, arn, region));
    let failed: Set<string>;
    try {
      failed = failedIds(records, await handle({ Records: records }));
    } catch (error) {
      log.warn('queue batch handler failed', {
        queueUrl,
        size: records.length,
        error: error instanceof Error ? error.message : String(error),
      });
      failed = new Set(records.map((r) => r.messageId));
    }

    const done = records.filter((r) => !failed.has(r.messageId));
    let deleted = 0;
    if (done.length > 0) {
      try {
        // Not tied to `signal`: a batch that was handled is deleted even while stopping.
        const output = await client.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
          }),
        );
        deleted = output.Successful?.length ?? 0;
        if (output.Failed?.length) {
          log.warn('queue delete failed for some messages', { queueUrl, failed: output.Failed.length });
        }
      } catch (error) {
        log.warn('queue delete failed', {
          queueUrl,
          error: error instanceof Error ? error.message : String(error),
        });
        await sleep(backoff, signal);
      }
    }
    totals.batches++;
    totals.received += records.length;
    totals.deleted += deleted;
    totals.failed += failed.size;
    options.onBatch?.({ received: records.length, deleted, failed: failed.size });
  }
  return totals;
}
